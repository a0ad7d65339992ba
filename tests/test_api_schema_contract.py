"""The OpenAPI schema tells the truth (issue 12, point 4): public reads, required
``version`` on updates, valid RFC 3339 date-times, every error documented."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, User

from tests import factories

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


@pytest.fixture
def schema(api):
    return json.loads(api.get("/api/schema/", {"format": "json"}).content)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_reads_are_public_and_writes_need_credentials(schema, api, newsroom):
    for path, method, operation in _operations(schema):
        if method == "get":
            assert {} in operation["security"], path
        else:
            assert operation["security"], (path, method)
            assert {} not in operation["security"], (path, method)
    assert api.get("/api/v1/articles/").status_code == 200


@pytest.mark.parametrize(
    ("path", "versioned"),
    [
        ("/api/v1/articles/{slug}/", True),
        ("/api/v1/directives/{id}/", True),
        ("/api/v1/people/{slug}/", True),
        ("/api/v1/organizations/{slug}/", True),
        ("/api/v1/positions/{id}/", True),
        ("/api/v1/directive-sets/{id}/", True),
    ],
)
def test_updates_require_the_version(schema, path, versioned):
    components = schema["components"]["schemas"]
    for method in ("put", "patch"):
        body = schema["paths"][path][method]["requestBody"]
        assert body["required"]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        required = components[ref.rsplit("/", 1)[-1]].get("required", [])
        assert ("version" in required) is versioned, (path, method)
    create = schema["paths"][path.rsplit("{", 1)[0]]["post"]["requestBody"]
    ref = create["content"]["application/json"]["schema"]["$ref"]
    assert "version" not in components[ref.rsplit("/", 1)[-1]].get("required", [])


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        expected = {"400", "401", "404", "429", "500", "503"}
        if method != "get":
            expected |= {"403", "409", "413", "415"}
        assert expected <= codes, (path, method, expected - codes)
        for code in expected:
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}


def test_dates_before_1901_are_valid_rfc_3339(api, newsroom):
    old = factories.ArticleFactory(
        slug="qing-dynasty-report",
        published_at=datetime.datetime(1900, 5, 1, 9, 0, tzinfo=ZoneInfo("UTC")),
    )
    body = api.get(f"/api/v1/articles/{old.slug}/").json()
    assert RFC3339.match(body["published_at"]), body["published_at"]
    assert body["published_at"] == "1900-05-01T09:00:00Z"
    for item in api.get("/api/v1/articles/", {"page_size": 100}).json()["results"]:
        assert RFC3339.match(item["published_at"])
    recent = api.get("/api/v1/articles/bjast-2025-work-conference/").json()
    assert recent["published_at"] == "2025-01-27T16:57:00+08:00"


def test_an_update_without_version_is_refused_as_documented(api, newsroom):
    user = User.objects.create_user("bianji")
    user.groups.add(Group.objects.get(name="编辑"))
    api.force_authenticate(user)
    response = api.patch("/api/v1/people/wu-jianmin/", {"name": "伍建民"})
    assert response.status_code == 400
    assert "version" in response.json()["errors"]
