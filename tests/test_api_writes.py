"""Writes: authentication, model permissions, validation, integrity."""

import itertools

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token

from articles.models import Article, Directive, Organization, Position

pytest_plugins = ["tests.test_api_support"]

pytestmark = pytest.mark.django_db


_user_numbers = itertools.count(1)


def user_with(*codenames):
    user = User.objects.create_user(f"writer-{next(_user_numbers)}")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


NEW_ARTICLE = {
    "title": "北科院召开科技创新大会",
    "slug": "bjast-innovation-congress",
    "body": "大会召开。\n\n会议部署了工作。",
    "section": "institute-news",
    "publisher": "bjast",
    "tags": ["meeting"],
}


def test_anonymous_writes_are_refused(api, newsroom):
    response = api.post("/api/v1/articles/", NEW_ARTICLE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api.delete("/api/v1/articles/bjast-2025-work-conference/").status_code == 401
    assert not Article.objects.filter(slug=NEW_ARTICLE["slug"]).exists()


def test_writes_need_the_model_permission(api, newsroom):
    api.force_authenticate(user_with("view_article"))
    response = api.post("/api/v1/articles/", NEW_ARTICLE)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "您没有执行该操作的权限。",
        "code": "permission_denied",
    }


def test_token_authentication_creates_an_article(api, newsroom):
    token = Token.objects.create(
        user=user_with("add_article", "view_article", "publish_article")
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post("/api/v1/articles/", NEW_ARTICLE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "bjast-innovation-congress"
    assert body["section"]["slug"] == "institute-news"
    assert body["tags"] == [{"slug": "meeting", "name": "会议"}]
    assert body["body"].startswith("大会召开")  # the detail representation
    article = Article.objects.get(slug="bjast-innovation-congress")
    assert article.publisher == newsroom.bjast
    assert article.status == Article.Status.DRAFT  # published only by publish/
    published = api.post(
        "/api/v1/articles/bjast-innovation-congress/publish/",
        {"published_at": "2025-06-01T09:30:00+08:00"},
    )
    assert published.status_code == 200, published.content
    article.refresh_from_db()
    assert article.is_public


def test_an_invalid_token_is_401(api, newsroom):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/articles/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_session_authentication_updates_an_article(api, newsroom):
    api.force_login(user_with("change_article", "publish_article"))
    url = "/api/v1/articles/bjast-2025-work-conference/"
    version = api.get(url).json()["version"]
    response = api.patch(url, {"lede": "新的导语。", "version": version})
    assert response.status_code == 200, response.content
    assert response.json()["lede"] == "新的导语。"
    newsroom.conference.refresh_from_db()
    assert newsroom.conference.lede == "新的导语。"


@pytest.fixture
def writer(api, newsroom):
    api.force_authenticate(
        user_with(
            "add_article",
            "change_article",
            "delete_article",
            "add_directive",
            "add_directiveset",
            "add_organization",
            "change_organization",
            "delete_organization",
            "add_position",
            "add_person",
            "publish_article",
        )
    )
    return api


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "该字段不能为空。"),
        ({"slug": "bjast-2025-work-conference"}, "slug", None),
        ({"slug": "含 空格"}, "slug", None),
        ({"section": "no-such-section"}, "section", None),
        ({"status": "archived"}, "status", None),
        ({"published_at": "明天"}, "published_at", None),
        ({"tags": ["no-such-tag"]}, "tags", None),
    ],
)
def test_article_validation_errors_are_field_level(writer, change, field, message):
    response = writer.post("/api/v1/articles/", {**NEW_ARTICLE, **change})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "无效的输入。"
    assert list(body["errors"]) == [field]
    if message:
        assert body["errors"][field] == [message]
    assert not Article.objects.filter(title=NEW_ARTICLE["title"]).exists()


def test_missing_required_fields(writer):
    response = writer.post("/api/v1/articles/", {})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["title"] == ["该字段是必填项。"]
    assert {"title", "slug", "body"} <= set(errors)


def test_directive_set_and_item_create_and_their_checks(writer, newsroom):
    directive_set = {
        "article": "beijing-innovation-center-ministry-city-conference",
        "issuer": "yin-li",
        "position": newsroom.yin_secretary.pk,
        "addressees": ["beijing-government"],
        "number": 2,
        "heading": "两点要求",
        "kind": "requirement",
    }
    response = writer.post("/api/v1/directive-sets/", directive_set)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["addressees"][0]["slug"] == "beijing-government"
    assert created["stated_count"] == 2
    # The same place in the article again: a 400, not an IntegrityError.
    again = writer.post("/api/v1/directive-sets/", directive_set)
    assert again.status_code == 400
    assert again.json()["code"] == "invalid"
    # A position held by someone else.
    other = writer.post(
        "/api/v1/directive-sets/",
        {**directive_set, "number": 3, "position": newsroom.wu_president.pk},
    )
    assert other.status_code == 400
    assert other.json()["errors"] == {"position": ["该职务属于其他人。"]}

    item = {"directive_set": created["id"], "ordinal": 1, "text": "要加快建设。"}
    response = writer.post("/api/v1/directives/", item)
    assert response.status_code == 201, response.content
    assert response.json()["addressees"][0]["slug"] == "beijing-government"
    assert Directive.objects.filter(directive_set__issuer=newsroom.yin).count() == 2
    again = writer.post("/api/v1/directives/", {**item, "text": "重复。"})
    assert again.status_code == 400
    zero = writer.post("/api/v1/directives/", {**item, "ordinal": 0})
    assert zero.status_code == 400
    assert zero.json()["errors"] == {"ordinal": ["请确保该值大于或者等于 1。"]}


def test_check_constraints_are_400(writer, newsroom):
    response = writer.patch("/api/v1/organizations/bjast/", {"parent": "bjast"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"parent": ["机构不能是自己的上级。"]}
    assert Organization.objects.get(slug="bjast").parent is None
    dates = writer.post(
        "/api/v1/positions/",
        {
            "person": "yin-li",
            "organization": "bjast",
            "title": "顾问",
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        },
    )
    assert dates.status_code == 400
    assert dates.json()["errors"] == {"end_date": ["结束日期不能早于开始日期。"]}
    assert not Position.objects.filter(title="顾问", person=newsroom.yin).exists()


def test_unique_together_is_400(writer, newsroom):
    response = writer.post(
        "/api/v1/positions/",
        {"person": "wu-jianmin", "organization": "bjast", "title": "院长"},
    )
    assert response.status_code == 400


def test_deleting_something_still_referred_to_is_409(writer, newsroom):
    response = writer.delete("/api/v1/organizations/bjast/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "该对象仍被其他数据引用，无法删除。",
        "code": "conflict",
    }
    assert Organization.objects.filter(slug="bjast").exists()


def test_delete(writer, newsroom):
    response = writer.delete(
        "/api/v1/articles/beijing-innovation-center-ministry-city-conference/"
    )
    assert response.status_code == 204
    assert not Article.objects.filter(pk=newsroom.ministry.pk).exists()


def test_people_and_organizations_can_be_created(writer):
    person = writer.post("/api/v1/people/", {"name": "阴和俊", "slug": "yin-hejun"})
    assert person.status_code == 201
    assert person.json()["url"].endswith("/api/v1/people/yin-hejun/")
    organization = writer.post(
        "/api/v1/organizations/",
        {"name": "科学技术部", "slug": "most", "kind": "government"},
    )
    assert organization.status_code == 201
    assert organization.json()["kind"] == "government"
