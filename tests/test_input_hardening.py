"""No client input is a 500: characters the database refuses, bad encodings,
overlong values, deep nesting and wrong types get a clear Chinese 4xx on pages,
admin and API alike (issue 12, point 1)."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from articles.models import Article, Directive, Organization, Position

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db

REFUSED = "含有无法保存的字符（空字符或无效码位）。"


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def superuser_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(
        User.objects.create_superuser("root", "root@example.com", "irrelevant")
    )
    return client


@pytest.fixture
def editor_api(api, newsroom):
    user = User.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    api.force_authenticate(user)
    api.raise_request_exception = False
    return api


# Pages.


@pytest.mark.parametrize(
    "path",
    [
        "/articles/%00/",
        "/people/%00/",
        "/organizations/%00/",
        "/organizations/%00/feed/rss/",
        "/organizations/%00/feed/atom/",
        "/articles/a%00b/",
    ],
)
def test_a_nul_in_a_page_path_is_a_chinese_404(reader, newsroom, path):
    response = reader.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "未找到" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=%00",
        "/directives/?issuer=%00",
        "/directives/?addressee=a%00&year=2025",
        "/?page=%00",
        "/feed/rss/?x=%00",
    ],
)
def test_a_nul_in_a_query_string_is_a_chinese_400(reader, newsroom, path):
    response = reader.get(path)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请求有误" in html
    assert REFUSED in html


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=%FF%FE",
        "/articles/%FF/",
        "/people/%ED%A0%80/",
        "/search/?q=" + "长" * 5000,
        "/directives/?year=99999999999999999999",
        "/directives/?year=abc&kind=nonsense",
        "/?page=99999999999999999999",
    ],
)
def test_odd_encodings_and_overlong_values_are_never_a_500(reader, newsroom, path):
    assert reader.get(path).status_code < 500


# Admin.


@pytest.mark.parametrize(
    "path",
    [
        "/admin/articles/article/?status__exact=%00",
        "/admin/articles/article/?q=%00",
        "/admin/autocomplete/?term=%00&app_label=articles&model_name=directive"
        "&field_name=issuer",
        "/admin/articles/person/?q=a%00",
    ],
)
def test_a_nul_in_an_admin_query_is_a_chinese_400(superuser_client, newsroom, path):
    response = superuser_client.get(path)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_a_nul_in_an_admin_form_post_is_a_400_and_changes_nothing(
    superuser_client, newsroom
):
    person = newsroom.wu
    response = superuser_client.post(
        f"/admin/articles/person/{person.pk}/change/",
        {"name": "伍\x00建民", "slug": person.slug},
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.name == "伍建民"


def test_admin_403_page_is_chinese(newsroom):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("nobody", is_staff=True))
    response = client.get(f"/admin/articles/article/{newsroom.conference.pk}/change/")
    assert response.status_code == 403
    assert "拒绝访问" in response.content.decode()


# API writes: a NUL in any related slug, any field, any key.

NUL_WRITES = [
    ("post", "/api/v1/directives/", "issuer", {"issuer": "liu\x00"}),
    ("post", "/api/v1/directives/", "article", {"article": "a\x00"}),
    ("post", "/api/v1/directives/", "addressees", {"addressees": ["bjast\x00"]}),
    ("post", "/api/v1/articles/", "tags", {"tags": ["meeting\x00"]}),
    ("post", "/api/v1/articles/", "section", {"section": "\x00"}),
    ("post", "/api/v1/articles/", "publisher", {"publisher": "bj\x00ast"}),
    ("post", "/api/v1/positions/", "person", {"person": "wu-jianmin\x00"}),
    ("post", "/api/v1/organizations/", "parent", {"parent": "\x00"}),
    ("post", "/api/v1/people/", "name", {"name": "伍\x00", "slug": "x"}),
    ("post", "/api/v1/people/", "non_field_errors", {"na\x00me": "伍"}),
]


@pytest.mark.parametrize(("method", "path", "field", "body"), NUL_WRITES)
def test_refused_characters_in_api_writes_are_400_naming_the_field(
    editor_api, method, path, field, body
):
    before = [m.objects.count() for m in (Article, Directive, Organization, Position)]
    response = getattr(editor_api, method)(path, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": "无效的输入。",
        "code": "invalid",
        "errors": {field: [REFUSED]},
    }
    after = [m.objects.count() for m in (Article, Directive, Organization, Position)]
    assert after == before


def test_a_lone_surrogate_escape_in_json_is_a_400(editor_api):
    response = editor_api.post(
        "/api/v1/people/",
        '{"name": "\\ud800", "slug": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": [REFUSED]}


def test_refused_characters_in_form_encoded_api_writes_are_400(editor_api, newsroom):
    response = editor_api.post(
        "/api/v1/positions/",
        {"person": "wu-jianmin\x00", "organization": "bjast", "title": "院长"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"person": [REFUSED]}
    response = editor_api.patch(
        f"/api/v1/people/{newsroom.wu.slug}/",
        "name=%E4%BC%8D%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": [REFUSED]}


def test_a_nul_in_an_api_query_string_is_a_json_400(api, newsroom):
    response = api.get("/api/v1/directives/", {"issuer": "liu\x00"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "无效的输入。",
        "code": "invalid",
        "errors": {"issuer": [REFUSED]},
    }


def test_deeply_nested_json_is_a_400(editor_api):
    for depth in (40, 5000, 100000):
        body = "[" * depth + "]" * depth
        response = editor_api.post(
            "/api/v1/people/", body, content_type="application/json"
        )
        assert response.status_code == 400, depth
        assert response.json() == {
            "detail": "JSON 嵌套层数过多（最多 32 层）。",
            "code": "parse_error",
        }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"name": "\xff"}', "请求体不是有效的 UTF-8 编码。"),
        (b'{"name": ', "JSON 格式错误：第 1 行第 10 列。"),
        (b'{"name": NaN}', "JSON 格式错误：NaN 和 Infinity 不是 JSON 中的数字。"),
    ],
)
def test_malformed_json_is_a_chinese_400(editor_api, body, detail):
    response = editor_api.post("/api/v1/people/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "parse_error"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": ["伍"], "slug": "x"},
        {"name": {"a": 1}, "slug": "x"},
        {"name": "伍" * 10000, "slug": "x"},
        {"name": "伍", "slug": "x" * 10000},
        {"name": 12, "slug": 3.5},
        [],
        "text",
        None,
        {"name": "伍", "slug": "x", "version": "99999999999999999999999"},
    ],
)
def test_wrong_types_and_overlong_values_are_400(editor_api, body):
    response = editor_api.post(
        "/api/v1/people/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid", "parse_error"}
