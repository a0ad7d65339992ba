"""The demo seed: realistic shape, and search entries equal to what the index writes."""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles import seed
from articles.models import (
    Article,
    Directive,
    Organization,
    OrganizationMention,
    Person,
    PersonMention,
    SearchEntry,
)
from articles.search import index

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return seed.seed(300, seed=3, out=lambda line: None)


def _stored_tokens(article_id):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tsvector_to_array(vector) FROM articles_searchentry "
                "WHERE article_id = %s",
                [article_id],
            )
            return set(cursor.fetchone()[0])
        cursor.execute(
            "SELECT tokens FROM articles_searchentry_fts WHERE rowid = %s",
            [article_id],
        )
        return set(cursor.fetchone()[0].split())


def test_seeded_entries_are_what_the_index_itself_would_write(seeded):
    assert SearchEntry.objects.count() == Article.objects.count() == 300
    for article in Article.objects.order_by("pk")[:60]:
        entry = SearchEntry.objects.get(article=article)
        text = index.searchable_text(article)
        assert entry.text == text
        assert (entry.status, entry.published_at) == (
            article.status,
            article.published_at,
        )
        assert _stored_tokens(article.pk) == set(index.index_tokens(text))


def test_seeded_articles_find_their_phrases_through_search(seeded):
    article = Article.objects.published().filter(directive_sets__isnull=False)[0]
    phrase = Directive.objects.filter(directive_set__article=article)[0].text[2:8]
    assert article in set(Article.objects.published().search(f'"{phrase}"'))


def test_word_frequencies_are_skewed_and_names_appear_only_where_mentioned(seeded):
    bodies = list(Article.objects.values_list("body", flat=True))

    def share(word):
        return sum(word in body for body in bodies) / len(bodies)

    assert share("发展") > 0.5  # a common word is in most articles
    words = seed.vocabulary(random.Random(3))
    rare = [share(word) for word in words[20_000:20_040]]
    assert sum(rare) / len(rare) < 0.02  # a random word is in few
    mention = PersonMention.objects.select_related("person", "article")[0]
    assert mention.person.name in mention.article.body
    unnamed = Article.objects.exclude(person_mentions__isnull=False).exclude(
        organization_mentions__isnull=False
    )
    assert 0 < unnamed.count() < Article.objects.count()
    assert Person.objects.count() and Organization.objects.count()
    assert OrganizationMention.objects.exists()


def test_seed_demo_refuses_to_replace_data_without_replace(seeded):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--articles", "10")
    out = StringIO()
    call_command("seed_demo", "--articles", "20", "--replace", stdout=out)
    assert "articles/s" in out.getvalue()
    assert Article.objects.count() == SearchEntry.objects.count() == 20
