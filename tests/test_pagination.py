"""Deep pages: the same rows as plain slicing, without loading the skipped ones."""

import pytest
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
