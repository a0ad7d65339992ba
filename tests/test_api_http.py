"""HTTP behaviour: errors, conditional GET, CORS, throttling, docs, schema."""

import datetime
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.http import http_date
from openapi_spec_validator import validate

from articles.api import filters
from articles.models import Article, Directive

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

ARTICLE = "/api/v1/articles/bjast-2025-work-conference/"


# Errors.


def test_errors_have_one_shape_in_chinese(api, newsroom):
    assert api.get("/api/v1/articles/nope/").json() == {
        "detail": "未找到。",
        "code": "not_found",
    }
    assert api.post("/api/v1/articles/", {}).json() == {
        "detail": "身份认证信息未提供。",
        "code": "not_authenticated",
    }
    body = api.get("/api/v1/articles/", {"published_after": "昨天"}).json()
    assert body == {
        "detail": "无效的输入。",
        "code": "invalid",
        "errors": {"published_after": ["输入一个有效的日期。"]},
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/%00/",
        "/api/v1/people/a%00b/",
        "/api/v1/positions/99999999999999999999999/",
        "/api/v1/directives/abc/",
        "/api/v1/directives/%C2%B2/",
        "/api/v1/people/a.b/",
        "/api/v1/no-such-resource/",
        "/api/v1/articles/a/b/",
    ],
)
def test_odd_paths_are_json_404_not_500(api, newsroom, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


# Conditional GET.


@pytest.mark.parametrize("path", ["/api/v1/articles/", ARTICLE, "/api/v1/people/"])
def test_etag_and_304_on_match(api, newsroom, path):
    first = api.get(path)
    etag = first["ETag"]
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag)
    again = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(path, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    head = api.head(path, HTTP_IF_NONE_MATCH=etag)
    assert head.status_code == 304


def test_etag_changes_with_the_content(api, newsroom):
    etag = api.get("/api/v1/articles/")["ETag"]
    newsroom.conference.title = "北科院举行2025年工作会议(更新)"
    newsroom.conference.save()
    response = api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_etag_differs_between_representations(api, newsroom):
    plain = api.get(ARTICLE)["ETag"]
    assert api.get(ARTICLE, {"expand": "directives"})["ETag"] != plain
    assert api.get(ARTICLE, {"fields": "title"})["ETag"] != plain


def test_no_date_is_offered_so_if_modified_since_never_hides_a_change(api, newsroom):
    """Directives, people and positions record no time of change: only the ETag
    can tell a client its copy is current."""
    url = f"/api/v1/directives/{newsroom.liu_directive.pk}/"
    response = api.get(url)
    assert "Last-Modified" not in response
    Directive.objects.filter(pk=newsroom.liu_directive.pk).update(text="已改动。")
    later = http_date((timezone.now() + datetime.timedelta(hours=1)).timestamp())
    changed = api.get(url, HTTP_IF_MODIFIED_SINCE=later)
    assert changed.status_code == 200
    assert changed.json()["text"] == "已改动。"
    assert api.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    assert api.get(ARTICLE, HTTP_IF_MODIFIED_SINCE=later).status_code == 200


def test_a_list_never_answers_if_modified_since_alone(api, newsroom):
    """An article leaving a list moves no timestamp in it; only the ETag can tell."""
    listed = api.get("/api/v1/articles/")
    newsroom.ministry.status = Article.Status.DRAFT
    newsroom.ministry.save()
    later = http_date((timezone.now() + datetime.timedelta(hours=1)).timestamp())
    response = api.get("/api/v1/articles/", HTTP_IF_MODIFIED_SINCE=later)
    assert response.status_code == 200
    assert response.json()["count"] == listed.json()["count"] - 1


def test_responses_vary_and_revalidate(api, newsroom):
    response = api.get("/api/v1/articles/")
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Accept", "Authorization", "Accept-Language"} <= vary
    assert response["Cache-Control"] == "no-cache"


# CORS.


def test_cors_allows_configured_origins_on_the_api_only(api, newsroom, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.com"]
    allowed = api.get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example.com")
    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example.com"
    assert "etag" in allowed["Access-Control-Expose-Headers"].lower()
    other = api.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other
    preflight = api.options(
        "/api/v1/articles/",
        HTTP_ORIGIN="https://partner.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://partner.example.com"


def test_cors_is_closed_by_default(api, newsroom):
    response = api.get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example.com")
    assert "Access-Control-Allow-Origin" not in response


# Throttling.


def _throttle_at(settings, anon, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
    }


def test_anonymous_clients_are_throttled(api, newsroom, settings):
    _throttle_at(settings, "3/minute", "100/minute")
    for _ in range(3):
        assert api.get("/api/v1/people/").status_code == 200
    response = api.get("/api/v1/people/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"].startswith("请求已被限流。")
    assert int(response["Retry-After"]) > 0


def test_authenticated_clients_have_their_own_rate(api, newsroom, settings):
    from django.contrib.auth.models import User

    _throttle_at(settings, "1/minute", "2/minute")
    api.force_authenticate(User.objects.create_user("analyst"))
    assert api.get("/api/v1/people/").status_code == 200
    assert api.get("/api/v1/people/").status_code == 200
    assert api.get("/api/v1/people/").status_code == 429


def test_anonymous_clients_are_held_to_the_anon_rate_only(api, newsroom, settings):
    # DRF's user throttle would count them at the (here lower) user rate too.
    _throttle_at(settings, "4/minute", "1/minute")
    assert [api.get("/api/v1/people/").status_code for _ in range(5)] == [
        200,
        200,
        200,
        200,
        429,
    ]


def test_a_throttle_keeps_one_counter_per_client_and_window(api, newsroom, settings):
    from django.core.cache import cache

    from articles.api.throttling import AnonRateThrottle

    _throttle_at(settings, "100/minute", "100/minute")
    for _ in range(3):
        api.get("/api/v1/people/")
    throttle = AnonRateThrottle()
    request = api.get("/api/v1/people/").wsgi_request
    window = int(throttle.timer() // throttle.duration)
    key = f"{throttle.get_cache_key(request, None)}:{window}"
    assert cache.get(key) == 4  # a number, not a list of every request's time


# Documentation.


@pytest.fixture
def schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_schema_documents_every_filter_and_parameter(schema):
    expected = {
        "/api/v1/articles/": filters.ArticleFilter,
        "/api/v1/directives/": filters.DirectiveFilter,
        "/api/v1/people/": filters.PersonFilter,
        "/api/v1/organizations/": filters.OrganizationFilter,
        "/api/v1/positions/": filters.PositionFilter,
    }
    shaping = {"ordering", "page", "page_size", "pagination", "cursor", "fields"}
    for path, filterset in expected.items():
        parameters = schema["paths"][path]["get"]["parameters"]
        names = {p["name"] for p in parameters}
        assert set(filterset.base_filters) | shaping <= names, path
        for parameter in parameters:
            assert parameter.get("description"), (path, parameter["name"])
    article_list = schema["paths"]["/api/v1/articles/"]["get"]
    expand = next(p for p in article_list["parameters"] if p["name"] == "expand")
    assert "directives" in expand["schema"]["items"]["enum"]
    assert {"200", "400", "404", "429"} <= set(article_list["responses"])


def test_swagger_ui_is_served_without_a_cdn(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), asset
    # The start-up script is a file of its own (no inline script, for the CSP).
    assert '<script src="/api/docs/?script="></script>' in html
    script = api.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    bundle = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert any(bundle in asset for asset in assets) or bundle in html
    assert finders.find(bundle)
