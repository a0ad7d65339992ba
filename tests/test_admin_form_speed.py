"""The article change form loads fast on the seed data: its sets are blocks, not
one widget per item, so queries stay under 40 whatever the number of items."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Directive

from .admin_helpers import staff_user

pytestmark = pytest.mark.django_db

MAX_QUERIES = 40
MAX_SECONDS = 1.0


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("loaddata", "newsroom", verbosity=0)


def load(client, article):
    """Queries and CPU seconds of one warm load (CPU time: the machine is shared,
    and other processes' load must not fail the test)."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.get(url)  # warm caches (templates, content types), as in real use
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        response = client.get(url)
        elapsed = time.process_time() - started
    assert response.status_code == 200
    return len(queries), elapsed


def test_the_seed_articles_form_loads_in_few_queries_and_under_a_second(client, seeded):
    client.force_login(staff_user("admin", superuser=True))
    for article in Article.objects.all():
        count, elapsed = load(client, article)
        assert count < MAX_QUERIES, (article.slug, count)
        if connection.vendor == "sqlite":
            assert elapsed < MAX_SECONDS, (article.slug, elapsed)


def test_query_count_does_not_grow_with_items(client, seeded):
    client.force_login(staff_user("admin", superuser=True))
    article = Article.objects.get(slug="bjast-2025-work-conference")
    before, _elapsed = load(client, article)
    directive_set = article.directive_sets.first()
    for ordinal in range(100, 130):
        Directive.objects.create(
            directive_set=directive_set, ordinal=ordinal, text=f"新增第{ordinal}项。"
        )
    after, _elapsed = load(client, article)
    assert after == before
