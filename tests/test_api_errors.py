"""The API's error contract on every path under /api/ (issue 12, point 2).

Every error is JSON in one shape, ``{"detail", "code"[, "errors"]}``, with a
Chinese message, whether DRF, Django or the database raised it.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.db import OperationalError
from django.test import Client

from articles.api import views

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

ARTICLE = "/api/v1/articles/bjast-2025-work-conference/"


def _is_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    # Chinese: at least one CJK character in every message.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture
def editor(newsroom):
    user = User.objects.create_user("bianji", password="pw-不重要-123")
    user.groups.add(Group.objects.get(name="编辑"))
    return user


@pytest.fixture
def raw():
    return Client(raise_request_exception=False)


def test_400_401_403_are_json(api, newsroom):
    _is_error(api.get("/api/v1/articles/", {"nope": "1"}), 400, "invalid")
    _is_error(api.post("/api/v1/articles/", {}), 401, "not_authenticated")
    api.force_authenticate(User.objects.create_user("reader"))
    _is_error(api.post("/api/v1/articles/", {}), 403, "permission_denied")


@pytest.mark.parametrize(
    "path", ["/api/", "/api/nope", "/api/v2/articles/", "/api/v1/nope/", "/api/x%00/"]
)
def test_404_anywhere_under_api_is_json(raw, path):
    _is_error(raw.get(path), 404, "not_found")


def test_405_is_json(api, newsroom, editor):
    api.force_authenticate(editor)
    body = _is_error(api.put("/api/v1/articles/", {}), 405, "method_not_allowed")
    assert "PUT" in body["detail"]
    _is_error(api.post("/api/schema/"), 405, "method_not_allowed")


def test_409_is_json(api, newsroom, editor):
    api.force_authenticate(editor)
    person = api.get("/api/v1/people/wu-jianmin/").json()
    first = api.patch(
        "/api/v1/people/wu-jianmin/",
        {"name": "伍建民（改）", "version": person["version"]},
    )
    assert first.status_code == 200
    stale = api.patch(
        "/api/v1/people/wu-jianmin/", {"name": "伍", "version": person["version"]}
    )
    _is_error(stale, 409, "stale_version")


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data"])
def test_413_for_oversized_bodies_is_json(raw, editor, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw.force_login(editor)
    if content_type == "application/json":
        response = raw.post(
            "/api/v1/people/",
            '{"name": "%s", "slug": "x"}' % ("伍" * 1000),
            content_type=content_type,
        )
    else:
        response = raw.post("/api/v1/people/", {"name": "伍" * 1000, "slug": "x"})
    body = _is_error(response, 413, "request_too_large")
    assert body["detail"] == "请求体过大。"


def test_413_on_pages_is_chinese(raw, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = raw.post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "请求体过大" in response.content.decode()


def test_415_is_json(api, editor):
    api.force_authenticate(editor)
    response = api.post("/api/v1/people/", "name=x", content_type="text/plain")
    _is_error(response, 415, "unsupported_media_type")


def test_429_is_json(api, newsroom, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1/minute"},
    }
    api.get("/api/v1/people/")
    _is_error(api.get("/api/v1/people/"), 429, "throttled")


def test_500_is_json(raw, newsroom, monkeypatch):
    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.PersonViewSet, "get_queryset", broken)
    body = _is_error(raw.get("/api/v1/people/"), 500, "server_error")
    assert "a bug" not in body["detail"]


def test_503_while_the_database_is_away_is_json_with_retry_after(
    raw, newsroom, monkeypatch
):
    def away(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.PersonViewSet, "get_queryset", away)
    response = raw.get("/api/v1/people/")
    _is_error(response, 503, "service_unavailable")
    assert int(response["Retry-After"]) > 0


def test_csrf_failure_is_chinese(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        "/api/v1/people/",
        {"name": "某人", "slug": "mou"},
        content_type="application/json",
    )
    _is_error(response, 403, "csrf_failed")


@pytest.mark.parametrize("cursor", ["", " ", "garbage", "cD0tMQ==", "bz0tNQ=="])
def test_an_invalid_cursor_is_a_400(api, newsroom, cursor):
    response = api.get("/api/v1/articles/", {"cursor": cursor})
    body = _is_error(response, 400, "invalid")
    assert "cursor" in body["errors"]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/positions/", "current"),
        ("/api/v1/articles/", "section"),
        ("/api/v1/articles/", "q"),
        ("/api/v1/directives/", "issuer"),
        ("/api/v1/people/", "fields"),
        ("/api/v1/organizations/", "ordering"),
        ("/api/v1/organizations/", "page"),
    ],
)
def test_an_empty_filter_value_is_a_400(api, newsroom, path, param):
    body = _is_error(api.get(path, {param: ""}), 400, "invalid")
    assert body["errors"] == {param: ["该参数不能为空。"]}
