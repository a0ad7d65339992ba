"""The search index: every match found, kept current by every writer, rebuildable."""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search, services
from articles.models import Article, SearchEntry
from articles.search import index
from tests import factories

pytestmark = pytest.mark.django_db

VOCABULARY = "科技创新研究院会议北京人才实验室发展工作部署要求改革中关村量子"


def found(query, queryset=None):
    queryset = Article.objects.published() if queryset is None else queryset
    return set(search.search_articles(queryset, query))


def full_scan(phrase):
    """What a scan of every published article's folded text finds."""
    wanted = search.fold_query(phrase)
    return {
        article
        for article in Article.objects.published()
        if wanted
        in search.fold_query(
            "\n".join([article.title, article.subtitle, article.lede, article.body])
        )
    }


def test_every_article_holding_the_phrase_is_found_as_by_a_full_scan():
    rng = random.Random(8)
    for number in range(60):
        body = "".join(rng.choice(VOCABULARY) for _ in range(rng.randint(20, 200)))
        factories.ArticleFactory(title=f"稿件{number}", body=body)
    factories.DraftArticleFactory(body="科技创新" * 5)
    phrases = ["科技", "创新研究", "北京人才", "中关村", "量子", "要求改", "院会议北"]
    for _ in range(20):
        start = rng.randrange(len(VOCABULARY) - 4)
        phrases.append(VOCABULARY[start : start + rng.randint(2, 4)])
    checked = 0
    for phrase in phrases:
        expected = full_scan(phrase)
        assert found(phrase) == expected, phrase
        checked += bool(expected)
    assert checked >= 10  # the corpus really holds most phrases


def test_stored_traditional_text_is_found_by_simplified_and_traditional_queries():
    article = factories.ArticleFactory(title="簡訊", body="北科院召開工作會議。")
    assert found("工作会议") == {article}
    assert found("工作會議") == {article}
    assert found("简讯") == {article}
    assert Article.objects.get(pk=article.pk).body == "北科院召開工作會議。"


def test_full_width_latin_and_case_fold():
    article = factories.ArticleFactory(body="发布ＡＩ大模型与GPU集群。")
    assert found("ai") == {article}
    assert found("gpu集群") == {article}


def test_the_index_follows_edits_unpublishing_and_deletion_through_the_services():
    article = factories.ArticleFactory(body="原有的段落。")
    assert found("原有的段落") == {article}
    article = services.article_update(
        instance=article, data={"body": "改写后的段落。"}, expected_version=None
    )
    assert found("原有的段落") == set()
    assert found("改写后的段落") == {article}
    article = services.article_unpublish(article=article)
    assert found("改写后的段落") == set()
    assert found("改写后的段落", Article.objects.all()) == {article}
    services.article_delete(instance=article)
    assert not SearchEntry.objects.filter(article_id=article.pk).exists()


def test_the_entry_mirrors_status_and_date_through_publish_and_unpublish():
    article = factories.DraftArticleFactory(body="待发的段落。")
    entry = SearchEntry.objects.get(article=article)
    assert (entry.status, entry.published_at) == ("draft", None)
    when = timezone.now() - datetime.timedelta(days=2)
    services.article_publish(article=article, published_at=when)
    entry.refresh_from_db()
    assert (entry.status, entry.published_at) == ("published", when)
    services.article_unpublish(article=article)
    entry.refresh_from_db()
    assert (entry.status, entry.published_at) == ("draft", when)
    assert found("改写后的段落", Article.objects.all()) == set()


def test_directive_items_are_searchable_and_follow_their_edits():
    directive = factories.DirectiveFactory(text="加快建设世界主要科学中心")
    article = directive.directive_set.article
    assert found("世界主要科学中心", Article.objects.all()) == {article}
    directive.text = "打造原始创新策源地"
    directive.save()
    assert found("原始创新策源地", Article.objects.all()) == {article}
    assert found("世界主要科学中心", Article.objects.all()) == set()


def test_rebuild_command_restores_a_lost_index_with_progress():
    articles = {
        factories.ArticleFactory(body=f"第{n}篇稿件谈人工智能。") for n in range(3)
    }
    SearchEntry.objects.all().delete()
    assert found("人工智能") == set()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert found("人工智能") == articles
    assert "indexed 3 articles" in out.getvalue()
    assert "3" in out.getvalue().splitlines()[-1]


def test_rebuild_drops_the_tokens_of_deleted_articles():
    kept, gone = (factories.ArticleFactory(body=f"稿件{n}。") for n in range(2))
    gone.delete()
    call_command("rebuild_search_index", stdout=StringIO())
    assert set(SearchEntry.objects.values_list("article", flat=True)) == {kept.pk}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM articles_searchentry_fts")
            assert [row[0] for row in cursor.fetchall()] == [kept.pk]


def test_a_draft_is_never_in_public_results_on_the_page_or_the_api(client):
    factories.DraftArticleFactory(title="草稿", body="尚未发布的独家消息。")
    factories.ScheduledArticleFactory(title="排期", body="尚未发布的独家消息。")
    page = client.get(reverse("articles:search"), {"q": "独家消息"})
    assert list(page.context["results"]) == []
    api = client.get("/api/v1/articles/", {"q": "独家消息"})
    assert api.json()["results"] == []


def test_punctuation_only_queries_are_checked_on_the_text():
    article = factories.ArticleFactory(body="结论:%_<b>。")
    assert found("%_<b>") == {article}
    assert found("%%") == set()


@pytest.mark.postgres
def test_postgresql_narrows_through_the_gin_index():
    factories.ArticleFactory(body="北科院召开工作会议。")
    sql, params = index.matching("工作会议").as_sql(None, connection)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "articles_searchentry_vector_gin" in plan


@pytest.mark.postgres
def test_postgresql_keeps_the_checked_text_uncompressed():
    """The phrase check reads each candidate's text: pglz decompression was
    most of its cost (migration 0011)."""
    article = factories.ArticleFactory(body="北科院召开工作会议。" * 400)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attname = 'text' "
            "AND attrelid = 'articles_searchentry'::regclass"
        )
        assert cursor.fetchone() == ("e",)
        cursor.execute(
            "SELECT pg_column_size(text) >= octet_length(text) "
            "FROM articles_searchentry WHERE article_id = %s",
            [article.pk],
        )
        assert cursor.fetchone() == (True,)
    assert found("工作会议") == {article}


@pytest.mark.postgres
@pytest.mark.parametrize("recent", [1, 5, 30])
def test_postgresql_walks_the_newest_entries_first_then_the_older(monkeypatch, recent):
    """The newest ``RECENT_ENTRIES`` are walked first, then the older ones: the
    matches are the newest of a full scan, in its order, whatever the limit."""
    monkeypatch.setattr(index, "RECENT_ENTRIES", recent)
    monkeypatch.setattr(index, "_recent_since", {})
    rng = random.Random(recent)
    start = timezone.now() - datetime.timedelta(days=100)
    for number in range(60):
        body = "".join(rng.choice(VOCABULARY) for _ in range(rng.randint(20, 120)))
        # Three to a date: the first step may end among them.
        moment = start + datetime.timedelta(days=number // 3)
        factories.ArticleFactory(body=body, published_at=moment)
    later = timezone.now() + datetime.timedelta(days=1)
    factories.ArticleFactory(body="科技创新会议", published_at=later)
    for phrase in ["科技", "创新研究", "会议", "量子", "院会议北", "中关村"]:
        expected = [
            a.pk
            for a in sorted(
                full_scan(phrase), key=lambda a: (a.published_at, a.pk), reverse=True
            )
        ]
        for limit in (1, 4, 10, 25, 100):
            newest = index.newest_matching(
                None, [([phrase], None)], limit=limit, public=True
            )
            assert [pk for pk, _hits in newest] == expected[:limit], (phrase, limit)
    assert index._recent_since["default"][1] is not None  # the steps were taken


@pytest.mark.postgres
@pytest.mark.parametrize("recent", [None, 1, 7])
def test_postgresql_narrows_by_the_rarer_tokens_with_the_same_matches(
    monkeypatch, recent
):
    """Tokens most entries hold (by the planner's statistics) are left out of
    the index's narrowing, and over the newest entries a word of such tokens
    only is checked on the text: the matches and their order are the same."""
    if recent is not None:
        monkeypatch.setattr(index, "RECENT_ENTRIES", recent)
    monkeypatch.setattr(index, "_recent_since", {})
    monkeypatch.setattr(index, "_common", {})
    rng = random.Random(5)
    start = timezone.now() - datetime.timedelta(days=50)
    articles = []
    for number in range(40):
        body = "".join(rng.choice(VOCABULARY) for _ in range(rng.randint(20, 120)))
        moment = start + datetime.timedelta(days=number // 2)
        # Most hold the common tokens; some of the newest do not.
        lead = "科技创新。" if number % 4 else "量子。"
        articles.append(
            factories.ArticleFactory(
                title=f"稿件{number}", body=lead + body, published_at=moment
            )
        )
    institute = factories.OrganizationFactory(name="技创新研究院")
    factories.OrganizationAliasFactory(organization=institute, name="技创新")
    mentioned = factories.ArticleFactory(
        title="简讯", body="量子。", published_at=start
    )
    factories.OrganizationMentionFactory(article=mentioned, organization=institute)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchentry")
    common = index._common_tokens("default")
    assert {"科技", "技创", "创新"} <= common
    assert index._rarest(["科技", "技创", "新研"], common) == ["新研"]
    assert index._rarest(["科技", "技创"], common) == ["科技", "技创"]
    for phrase in ["科技", "科技创新", "科技创新研究", "创新会议", "技创", "量子"]:
        assert found(phrase) == full_scan(phrase), phrase
        assert full_scan(phrase) != set(Article.objects.published()), phrase
    expected = full_scan("技创新") | full_scan("技创新研究院") | {mentioned}
    newest = sorted(expected, key=lambda a: (a.published_at, a.pk), reverse=True)
    published = Article.objects.published()
    for limit in (1, 4, 10, 100):
        matches = search.article_matches(published, "技创新", limit=limit)
        assert [pk for pk, _hits in matches] == [a.pk for a in newest][: limit + 1]
    if recent is not None:
        assert index._recent_since["default"][1] is not None
