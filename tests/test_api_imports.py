"""POST /api/v1/imports/: preview saves nothing, commit saves once, errors are JSON."""

import base64
import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles import services
from articles.models import (
    Article,
    Directive,
    DirectiveSet,
    ImportRecord,
    Organization,
    Person,
    Position,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"
SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
_numbers = itertools.count(1)
# The 北科院 seed page (000) holds two of the fixtures' four directive sets.
SEED_SETS = 2


def seed_text():
    return next(SOURCES.glob("000_*.txt")).read_text(encoding="utf-8")


def client_with(*codenames):
    user = User.objects.create_user(f"scraper-{next(_numbers)}")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def scraper():
    return client_with("add_article", "view_article")


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Article,
            DirectiveSet,
            Directive,
            Person,
            Organization,
            Position,
            ImportRecord,
        )
    }


def test_preview_saves_nothing(scraper):
    before = counts()
    response = scraper.post(URL, {"content": seed_text()}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert counts() == before
    assert body["result"] is None
    assert body["extraction"]["article"]["paragraphs"]
    assert len({d["set"] for d in body["extraction"]["directives"]}) == SEED_SETS
    assert {p["name"] for p in body["extraction"]["persons"]} >= {"刘晖"}
    assert {m["status"] for m in body["resolution"]["persons"]} <= {
        "new",
        "existing",
        "ambiguous",
    }
    assert body["resolution"]["persons"]


def test_commit_creates_the_draft_and_a_second_commit_updates_it(scraper):
    response = scraper.post(URL, {"content": seed_text(), "commit": True})
    assert response.status_code == 201, response.content
    result = response.json()["result"]
    article = Article.objects.get(pk=result["article_id"])
    assert article.status == Article.Status.DRAFT
    assert result["created"] is True
    assert article.directive_sets.count() == SEED_SETS
    assert Directive.objects.filter(directive_set__article=article).count() >= 10
    assert "刘晖" in result["new_people"]
    after_first = counts()

    again = scraper.post(URL, {"content": seed_text(), "commit": True})
    assert again.status_code == 200, again.content
    assert again.json()["result"]["created"] is False
    assert again.json()["result"]["article_id"] == article.pk
    assert counts() == after_first


def test_gbk_bytes_through_base64(scraper):
    data = base64.b64encode(seed_text().encode("gbk")).decode("ascii")
    response = scraper.post(URL, {"content_base64": data, "filename": "page.txt"})
    assert response.status_code == 200, response.content
    extraction = response.json()["extraction"]
    assert "刘晖" in {p["name"] for p in extraction["persons"]}
    assert any("北京市科学技术研究院" in p for p in extraction["article"]["paragraphs"])


def test_refused_page_is_a_400_with_the_importer_code(scraper):
    response = scraper.post(URL, {"content": "Hello world, nothing Chinese here."})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "no_chinese"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])

    empty = scraper.post(URL, {"content": ""})
    assert empty.status_code == 400
    assert empty.json()["code"] == "empty"


def test_malformed_requests_are_400_in_the_error_shape(scraper):
    neither = scraper.post(URL, {"commit": True})
    assert neither.status_code == 400
    assert neither.json()["code"] == "invalid"
    assert "errors" in neither.json()
    bad = scraper.post(URL, {"content_base64": "***"})
    assert bad.status_code == 400
    assert "content_base64" in bad.json()["errors"]


def test_publish_needs_the_publish_permission(scraper):
    before = counts()
    response = scraper.post(
        URL, {"content": seed_text(), "commit": True, "publish": True}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "只有主编可以发布文章。"
    assert counts() == before


def test_a_chief_editor_may_publish_on_import():
    chief = client_with("add_article", "view_article", "publish_article")
    response = chief.post(
        URL, {"content": seed_text(), "commit": True, "publish": True}
    )
    assert response.status_code == 201, response.content
    assert response.json()["result"]["status"] == Article.Status.PUBLISHED


def test_reimporting_an_edited_draft_is_a_409(scraper):
    first = scraper.post(URL, {"content": seed_text(), "commit": True})
    article = Article.objects.get(pk=first.json()["result"]["article_id"])
    services.article_publish(article=article)
    before = counts()
    response = scraper.post(URL, {"content": seed_text(), "commit": True})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "导入" in response.json()["detail"]
    assert counts() == before


def test_anonymous_and_unprivileged_clients_are_refused():
    anonymous = APIClient().post(URL, {"content": seed_text()}, format="json")
    assert anonymous.status_code == 401
    reader = client_with("view_article").post(
        URL, {"content": seed_text()}, format="json"
    )
    assert reader.status_code == 403
    assert reader.json()["code"] == "permission_denied"


def test_oversized_pages_are_413(scraper):
    from articles.importer.page import MAX_BYTES

    data = base64.b64encode(("中" * (MAX_BYTES // 3 + 10)).encode()).decode()
    response = scraper.post(URL, {"content_base64": data})
    assert response.status_code == 413
    assert response.json()["code"] in {"too_large", "request_too_large"}


def _add_unrelated_entities(count):
    start = Person.objects.count()
    Person.objects.bulk_create(
        Person(name=f"路人{start + n}", slug=f"bystander-{start + n}")
        for n in range(count)
    )
    Organization.objects.bulk_create(
        Organization(name=f"无关机构{start + n}委员会", slug=f"unrelated-{start + n}")
        for n in range(count)
    )


def test_a_preview_does_not_grow_with_the_people_and_organizations_known(scraper):
    """The gazetteer asks only about the names the page contains: the preview's
    queries stay the same whether 10 or 1,010 other entities are stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    payload = {"content": seed_text()}
    measured = []
    for count in (10, 1000):
        _add_unrelated_entities(count)
        with CaptureQueriesContext(connection) as queries:
            response = scraper.post(URL, payload, format="json")
        assert response.status_code == 200
        measured.append(len(queries))
        # No query reads a whole table: every one of them names what it wants.
        assert all("WHERE" in q["sql"] for q in queries if "articles_" in q["sql"])
    assert measured[0] == measured[1]
