"""The API's anonymous list items are kept until a record they show changes.

``cache.RecordsFragments`` (``CachedItemsListSerializer``): a write elsewhere
leaves a page's items warm (the page reads its ids, nothing more), and a
change to anything an item shows (the article and its parts, the people and
organizations it names, credits, is published by or addresses, a section, a
tag) shows at once, whoever writes it.
"""

import os

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles import cache, services
from articles.api import serializers
from articles.models import Article, Directive, Person, PersonMention
from tests import factories
from tests.site_data import build_site
from tests.test_cache import response_cache, round_trips  # noqa: F401
from tests.test_records_cache import (
    address_another_body,
    chief,
    edit_directive,
    recaption_photo,
    rename_addressee,
    rename_credit,
    rename_person,
    rename_publisher,
    rename_section,
    rename_tag,
    retitle_position,
    tag_the_article,
)

pytestmark = pytest.mark.django_db

EXPAND = "people,organizations,credits,photos,directives,directive_sets"
ARTICLES = f"/api/v1/articles/?expand={EXPAND}"
# Only the work conference: the other published article is "elsewhere".
CONFERENCE_ONLY = f"{ARTICLES}&section=inside"


@pytest.fixture
def site(response_cache, settings, django_capture_on_commit_callbacks):  # noqa: F811
    """As ``tests.test_records_cache``'s: responses are not cached, so each
    read runs the view around the items; the fragment cache is on. The site
    is told as committed, so no write of it is left pending to be told with
    a test's own (the test's transaction never commits)."""
    settings.RESPONSE_CACHE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        return build_site()


def read(url=ARTICLES):
    """``(body, queries)`` of an anonymous read."""
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(url)
    assert response.status_code == 200
    return response.content.decode(), list(queries)


def counts(queries):
    return sum("COUNT(" in query["sql"].upper() for query in queries)


def made(queries):
    """Whether an item was made: its row was read (the page's own query
    reads ids only)."""
    return any('"articles_article"."title"' in query["sql"] for query in queries)


def test_a_warm_list_page_reads_only_its_ids_and_survives_a_write_elsewhere(site):
    cold, cold_queries = read(CONFERENCE_ONLY)
    warm, queries = read(CONFERENCE_ONLY)
    assert warm == cold
    # The page's ids; the total is kept under the generation.
    assert len(queries) == 1 < len(cold_queries)
    services.article_update(
        instance=site.later, data={"title": "另一篇文章的新标题"}, user=chief()
    )
    services.person_update(instance=site.secret, data={"name": "王新"}, user=chief())
    after, queries = read(CONFERENCE_ONLY)
    assert after == cold
    # The new total, with the next scheduled publication (read once a
    # generation, to bound the total's life), and the page's ids.
    assert len(queries) == 3 and counts(queries) == 1 and not made(queries)
    assert "另一篇文章的新标题" in read()[0]


def test_a_page_of_misses_reads_each_relation_once(site):
    """Not one query an item: the total and the next scheduled publication,
    the page's ids, the missing items' rows, then one query a relation shown
    (tags, mentions x2, credits, photos, sets, addressees, items)."""
    _, queries = read()
    assert len(queries) == 12


def retitle_the_article(site):
    services.article_update(
        instance=site.conference, data={"title": "北科院会议(新标题)"}, user=chief()
    )
    return "北科院会议(新标题)"


def add_a_set(site, **attributes):
    factories.DirectiveFactory(
        article=site.conference, set_number=3, set_heading="新的要求", **attributes
    )


def change_a_mention_role(site):
    mention = PersonMention.objects.get(article=site.conference, person=site.wu)
    mention.role = "relayed"
    mention.save()
    return '"role":"relayed"'


def add_an_item_to_a_set(site):
    directive_set = site.requirements[0].directive_set
    Directive.objects.create(directive_set=directive_set, ordinal=9, text="新增一条。")
    return "新增一条。"


@pytest.mark.parametrize(
    "change",
    [
        retitle_the_article,
        rename_person,
        rename_publisher,
        rename_addressee,
        retitle_position,
        edit_directive,
        rename_section,
        rename_tag,
        recaption_photo,
        rename_credit,
        address_another_body,
        tag_the_article,
        change_a_mention_role,
        add_an_item_to_a_set,
    ],
)
def test_a_change_to_anything_an_item_shows_shows_at_once(site, change):
    shows_at_once(lambda: change(site))


def shows_at_once(change):
    """``change()``'s text (which it returns) shows at once on a page kept."""
    before, _ = read(CONFERENCE_ONLY)
    assert not made(read(CONFERENCE_ONLY)[1])  # kept: the page's ids only
    expected = change()
    assert expected not in before
    after, queries = read(CONFERENCE_ONLY)
    assert expected in after
    assert made(queries)


# Records the item shows through one relation alone: each tag it needs is
# checked on its own.


def a_person_mentioned(site):
    person = factories.PersonFactory(name="赵提及", slug="zhao-mentioned")
    factories.PersonMentionFactory(article=site.conference, person=person)
    return person


def a_body_mentioned(site):
    body = factories.OrganizationFactory(name="提及单位", slug="mentioned")
    factories.OrganizationMentionFactory(article=site.conference, organization=body)
    return body


def a_body_credited(site):
    body = factories.OrganizationFactory(name="摄影协作单位", slug="photos")
    factories.CreditFactory(
        article=site.conference, role="photographer", name="摄影部", organization=body
    )
    return body


def a_body_addressed(site):
    body = factories.OrganizationFactory(name="受要求单位", slug="addressed")
    site.requirements[0].directive_set.addressees.add(body)
    return body


def a_publisher(site):
    body = factories.OrganizationFactory(name="新发布单位", slug="new-body")
    factories.ArticleFactory(
        title="新单位的文章", slug="new-body-news", section=site.inside, publisher=body
    )
    return body


def an_issuer(site):
    person = factories.PersonFactory(name="钱签发", slug="qian-issuer")
    add_a_set(site, issuer=person)
    return person


def a_body_of_an_issuers_title(site):
    body = factories.OrganizationFactory(name="兼职单位", slug="part-time")
    position = factories.PositionFactory(
        person=site.liu, organization=body, title="兼职主任"
    )
    add_a_set(site, issuer=site.liu, position=position)
    return body


@pytest.mark.parametrize(
    "relate",
    [
        a_person_mentioned,
        a_body_mentioned,
        a_body_credited,
        a_body_addressed,
        a_publisher,
        an_issuer,
        a_body_of_an_issuers_title,
    ],
)
def test_renaming_a_record_one_relation_alone_shows_shows_at_once(site, relate):
    record = relate(site)
    update = (
        services.person_update
        if isinstance(record, Person)
        else services.organization_update
    )

    def rename():
        name = f"{record.name}(新)"
        update(instance=record, data={"name": name}, user=chief())
        return name

    shows_at_once(rename)


def test_each_shape_is_its_own_entry(site):
    read(ARTICLES)
    plain, queries = read("/api/v1/articles/?fields=id,title")
    assert made(queries)  # not the expanded items
    assert '"people"' not in plain and site.conference.title in plain


def committed_elsewhere(capture, change, site):
    """``change`` as another request's transaction makes it: told when it
    commits (the test's own transaction never does)."""
    with capture(execute=True):
        return change(site)


def test_a_write_while_an_item_is_made_makes_it_a_miss(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    """Committed after the item's rows were read, before it was stored: the
    entry holds the tick read before the rows, older than the write's."""
    records = serializers.ArticleListSerializer.records
    written = []

    def records_then_write(self, article):
        if article.pk == site.conference.pk and not written:
            written.append(
                committed_elsewhere(
                    django_capture_on_commit_callbacks, retitle_the_article, site
                )
            )
        return records(self, article)

    monkeypatch.setattr(
        serializers.ArticleListSerializer, "records", records_then_write
    )
    first, _ = read()
    assert written and written[0] not in first  # made from the rows before
    assert written[0] in read()[0]


def test_a_write_between_the_page_and_its_items_is_never_kept_stale(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    """Committed after the page was read, before the items were looked up:
    their rows are read after the look-up's tick, so they show it."""
    look_up = cache.RecordsFragments.__init__
    written = []

    def write_then_look_up(self, *args):
        if not written:
            written.append(
                committed_elsewhere(
                    django_capture_on_commit_callbacks, retitle_the_article, site
                )
            )
        look_up(self, *args)

    monkeypatch.setattr(cache.RecordsFragments, "__init__", write_then_look_up)
    first, _ = read()
    assert written[0] in first
    assert written[0] in read()[0]


def test_an_unpublished_article_leaves_the_list_at_once(site):
    read()
    assert len(read()[1]) == 1
    services.article_unpublish(
        article=Article.objects.get(pk=site.conference.pk), user=chief()
    )
    assert site.conference.title not in read()[0]


def test_editors_lists_are_not_kept(site):
    editor = APIClient()
    editor.force_authenticate(chief())
    editor.get(ARTICLES)
    with CaptureQueriesContext(connection) as queries:
        assert site.draft.title in editor.get(ARTICLES).content.decode()
    assert made(queries)


# The fragments themselves.


def test_an_item_made_before_a_write_commits_is_a_miss(response_cache):  # noqa: F811
    cache.records_changed({"article:1", "article:2"})  # records seen before
    first = cache.RecordsFragments("test", "shape", [1, 2])
    assert first.values == {}
    cache.records_changed({"article:1"})  # committed while the items were made
    first.store({1: ("old", {"article:1"}), 2: ("two", {"article:2"})})
    assert cache.RecordsFragments("test", "shape", [1, 2]).values == {2: "two"}
    again = cache.RecordsFragments("test", "shape", [1, 2])
    again.store({1: ("new", {"article:1"})})
    assert cache.RecordsFragments("test", "shape", [1, 2]).values == {
        1: "new",
        2: "two",
    }
    assert cache.RecordsFragments("test", "other", [1, 2]).values == {}


def test_a_lost_record_tick_or_structure_token_makes_items_misses(response_cache):  # noqa: F811
    fragments = cache.RecordsFragments("test", "shape", [1, 2])
    fragments.store({1: ("one", {"article:1", "person:3"}), 2: ("two", {"article:2"})})
    caches["default"].delete(cache.RECORD_KEY.format(tag="person:3"))
    assert cache.RecordsFragments("test", "shape", [1, 2]).values == {2: "two"}
    caches["default"].delete(cache.STRUCTURE_KEY)
    assert cache.RecordsFragments("test", "shape", [1, 2]).values == {}


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/1 to run it",
)
def test_a_page_of_hits_is_two_round_trips(response_cache, round_trips):  # noqa: F811
    ids = range(1, 21)
    fragments = cache.RecordsFragments("test", "shape", ids)
    fragments.store({pk: (f"item {pk}", {f"article:{pk}", "person:1"}) for pk in ids})
    round_trips.clear()
    found = cache.RecordsFragments("test", "shape", ids)
    assert len(found.values) == 20
    found.store({})  # nothing missing: nothing to look up for the store either
    assert round_trips == [["MGET"], ["MGET"]]


# The article itself (``ArticleViewSet.retrieve``): a records fragment found by
# slug, as the article page is.

DETAIL = "/api/v1/articles/bjast-2025-work-conference/?expand=directives,directive_sets"


def test_a_warm_article_reads_no_row_and_survives_a_write_elsewhere(site):
    cold, _ = read(DETAIL)
    warm, queries = read(DETAIL)
    assert warm == cold
    assert queries == []
    services.article_update(
        instance=site.later, data={"title": "另一篇文章的新标题"}, user=chief()
    )
    assert read(DETAIL)[1] == []


@pytest.mark.parametrize(
    "change",
    [
        retitle_the_article,
        rename_person,
        rename_publisher,
        rename_addressee,
        retitle_position,
        edit_directive,
        recaption_photo,
        rename_credit,
        rename_section,
        rename_tag,
        add_an_item_to_a_set,
    ],
)
def test_a_change_to_anything_the_article_shows_shows_at_once(site, change):
    before, _ = read(DETAIL)
    assert read(DETAIL)[1] == []
    expected = change(site)
    assert expected not in before
    after, queries = read(DETAIL)
    assert expected in after
    assert queries  # made again


def test_an_unpublished_article_is_gone_from_the_api_at_once(site):
    read(DETAIL)
    services.article_unpublish(
        article=Article.objects.get(pk=site.conference.pk), user=chief()
    )
    assert APIClient().get(DETAIL).status_code == 404


def test_editors_articles_are_not_kept(site):
    editor = APIClient()
    editor.force_authenticate(chief())
    url = f"/api/v1/articles/{site.draft.slug}/"
    assert editor.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert editor.get(url).status_code == 200
    assert queries
    assert APIClient().get(url).status_code == 404


def test_a_page_of_kept_items_builds_no_serializer_field_nor_filter_set(
    site, monkeypatch
):
    """Building a serializer's fields (a deep copy of the declared ones) and a
    filter set (its form) were most of a warm page's work."""
    from articles.api import filters

    built = []

    def counting(original, name):
        def wrapper(self, *args, **kwargs):
            built.append(name)
            return original(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        serializers.ArticleListSerializer,
        "get_fields",
        counting(serializers.ArticleListSerializer.get_fields, "fields"),
    )
    monkeypatch.setattr(
        filters.ArticleFilter,
        "__init__",
        counting(filters.ArticleFilter.__init__, "filter set"),
    )
    read(ARTICLES)
    assert "fields" in built  # the items were made
    built.clear()
    read(ARTICLES)
    assert built == []
    read(CONFERENCE_ONLY)  # a filter named: the filter set is built
    assert "filter set" in built
