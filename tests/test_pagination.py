"""Deep pages: the same rows as plain slicing, without loading the skipped ones."""

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.pagination import SeekPaginator
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return factories.ArticleFactory.create_batch(23)


def test_every_page_holds_the_rows_plain_slicing_gives(articles):
    rows = Article.objects.published().order_by("-published_at", "-pk")
    plain = list(rows)
    paginator = SeekPaginator(rows, 5)
    for number in paginator.page_range:
        page = paginator.page(number)
        assert list(page) == plain[(number - 1) * 5 : number * 5]


def test_a_deep_page_selects_its_keys_in_a_subquery(articles):
    paginator = SeekPaginator(Article.objects.published().order_by("-pk"), 5)
    paginator.count  # noqa: B018 (counted apart)
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(2))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "IN (SELECT" in sql.upper()
    assert "OFFSET 5" in sql.upper()


def test_a_row_annotation_still_selects_keys_but_a_grouping_does_not(articles):
    from django.db.models import Count, F

    rows = Article.objects.published().order_by("-pk")
    plain = list(rows)
    annotated = SeekPaginator(rows.annotate(twice=F("pk") * 2), 5)
    page = annotated.page(2)
    assert "IN (SELECT" in str(page.object_list.query).upper()
    assert [a.pk for a in page] == [a.pk for a in plain[5:10]]
    grouped = SeekPaginator(rows.annotate(n=Count("tags")), 5)
    page = grouped.page(2)
    assert "IN (SELECT" not in str(page.object_list.query).upper()
    assert [a.pk for a in page] == [a.pk for a in plain[5:10]]


def test_set_index_pages_hold_the_sets_in_order(client, site_sets):
    first = client.get("/sets/").context["directive_sets"]
    second = client.get("/sets/?page=2").context["directive_sets"]
    rows = list(first) + list(second)
    assert len(rows) == 35
    assert [s.item_total for s in rows] == [1] * 35
    keys = [(-s.article.published_at.timestamp(), s.article_id, s.number) for s in rows]
    assert keys == sorted(keys)


@pytest.fixture
def site_sets(db):
    for _ in range(35):
        factories.DirectiveFactory()


def test_a_page_past_the_middle_is_counted_from_the_end(articles):
    paginator = SeekPaginator(Article.objects.published().order_by("-pk"), 5)
    paginator.count  # noqa: B018 (counted apart)
    with CaptureQueriesContext(connection) as queries:
        last = list(paginator.page(5))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "OFFSET" not in sql.upper()  # the 3 oldest: the first 3 from the end
    assert last == list(Article.objects.order_by("-pk")[20:])


def test_home_and_api_lists_never_load_bodies(client, articles):
    for url in ("/", "/?page=2", "/api/v1/articles/", "/api/v1/articles/?page=2"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        selects = [
            q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"]
        ]
        assert selects, url
        assert not any('"articles_article"."body"' in sql for sql in selects), url


def test_the_directive_filters_offer_a_bounded_list(client, monkeypatch):
    """The issuer select lists the newest sets' issuers, never the whole archive;
    an issuer outside that list still filters and shows as chosen."""
    from articles import forms

    monkeypatch.setattr(forms, "CHOICE_SETS", 3)
    people = factories.PersonFactory.create_batch(6)
    for person in people:
        factories.DirectiveSetFactory(issuer=person)
    page = client.get("/directives/").content.decode()
    offered = [p for p in people if f'value="{p.slug}"' in page]
    assert len(offered) == 3
    oldest = people[0]
    response = client.get("/directives/", {"issuer": oldest.slug})
    assert response.status_code == 200
    assert f'<option value="{oldest.slug}" selected>' in response.content.decode()


def test_articles_embed_lean_directives(client):
    directive_set = factories.DirectiveSetFactory(
        addressees=[factories.OrganizationFactory()]
    )
    factories.DirectiveFactory(directive_set=directive_set)
    article = client.get(
        "/api/v1/articles/", {"expand": "directives,directive_sets"}
    ).json()["results"][0]
    (directive,) = article["directives"]
    assert "url" not in directive and "article" not in directive
    assert set(directive["issuer"]) == {"id", "slug", "name"}
    assert set(directive["addressees"][0]) == {"id", "slug", "name"}
    (embedded_set,) = article["directive_sets"]
    assert "article" not in embedded_set and "url" not in embedded_set
    assert [item["text"] for item in embedded_set["items"]] == [directive["text"]]


@pytest.fixture
def count_limit(monkeypatch):
    monkeypatch.setattr(SeekPaginator, "count_limit", 10)


def test_a_long_list_is_counted_only_up_to_its_limit(articles, count_limit):
    rows = Article.objects.published().order_by("-published_at", "-pk")
    paginator = SeekPaginator(rows, 5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 10
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 11" in sql.upper()
    assert paginator.capped and paginator.num_pages == 2
    plain = list(rows)
    assert list(paginator.page(2)) == plain[5:10]  # never counted from the end
    with pytest.raises(EmptyPage):
        paginator.page(3)


def test_a_list_within_its_limit_is_counted_exactly(articles, monkeypatch):
    monkeypatch.setattr(SeekPaginator, "count_limit", 23)
    paginator = SeekPaginator(Article.objects.published().order_by("-pk"), 5)
    assert paginator.count == 23 and not paginator.capped


def test_a_capped_home_page_says_there_are_more(client, articles, monkeypatch):
    monkeypatch.setattr(SeekPaginator, "count_limit", 20)
    first = client.get("/").content.decode()
    assert "共 2 页以上" in first
    assert "更早的内容" not in first
    last = client.get("/?page=2").content.decode()
    assert "更早的内容请按栏目、人物、机构或日期查找。" in last
    assert client.get("/?page=3").status_code == 404


def test_the_api_counts_every_row(client, articles, count_limit):
    assert client.get("/api/v1/articles/").json()["count"] == 23
