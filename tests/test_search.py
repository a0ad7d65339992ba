"""The search module: folding, tokens, query understanding, and its faces."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from tests import factories
from tests.site_data import build_site

pytestmark = pytest.mark.django_db


def test_tokens_are_cjk_bigrams_and_whole_latin_words():
    assert search.tokens("北科院 AI 2025年") == ["北科", "科院", "ai", "2025", "年"]


def test_tokens_fold_width_case_and_traditional():
    assert search.tokens("會議ＡＢＣ１２") == ["会议", "abc12"]


def test_fold_query_is_simplified_half_width_lower():
    assert search.fold_query("北科院工作會議 ＡＩ") == "北科院工作会议 ai"


def test_words_quotes_and_minus():
    terms = search.search_terms('"科技 创新" -中关村 会议')
    assert [(t.word, t.exclude) for t in terms] == [
        ("科技 创新", False),
        ("中关村", True),
        ("会议", False),
    ]


def test_a_query_without_spaces_is_cut_at_known_names():
    build_site()
    terms = search.search_terms("北科院工作会议")
    assert [t.word for t in terms] == ["北科院", "工作会议"]
    assert "北京市科学技术研究院" in terms[0].variants


def test_name_statements_are_compiled_once_and_filled_per_search():
    """The name and visibility statements are built once per process: each
    search fills in its own names, and the rule still hides what it hid."""
    from articles.search import index

    index._COMPILED.clear()
    bjast = factories.OrganizationFactory(name="北京市科学技术研究院")
    factories.OrganizationAliasFactory(organization=bjast, name="北科院")
    academy = factories.OrganizationFactory(name="中国科学院")
    factories.OrganizationAliasFactory(organization=academy, name="中科院")
    person = factories.PersonFactory(name="何东")
    factories.PersonMentionFactory(person=person)
    scoop = factories.OrganizationFactory(name="北京量子新研究中心")
    draft = factories.DraftArticleFactory(body="北京量子新研究中心成立。")
    factories.OrganizationMentionFactory(article=draft, organization=scoop)
    factories.OrganizationMentionFactory(organization=bjast)
    factories.OrganizationMentionFactory(organization=academy)
    for _ in range(2):
        [first] = search.search_terms("北科院")
        [second] = search.search_terms("中科院")
        [named] = search.search_terms("何东")
        [hidden] = search.search_terms("北京量子新研究中心")
        assert first.variants == ("北科院", "北京市科学技术研究院")
        assert first.organization_ids == {bjast.pk}
        assert second.variants == ("中科院", "中国科学院")
        assert named.person_ids == {person.pk}
        assert hidden.variants == ("北京量子新研究中心",)
        assert not hidden.organization_ids


def test_results_rank_title_then_lede_then_text_then_mention_newest_first():
    bjast = factories.OrganizationFactory(name="北京市科学技术研究院")
    factories.OrganizationAliasFactory(organization=bjast, name="北科院")
    now = timezone.now()

    def article(slug, days, **fields):
        fields = {"title": "简讯", "lede": "导语。", "body": "正文。", **fields}
        return factories.ArticleFactory(
            slug=slug, published_at=now - datetime.timedelta(days=days), **fields
        )

    article("mention", 1)
    factories.OrganizationMentionFactory(
        article=Article.objects.get(slug="mention"), organization=bjast
    )
    article("body-new", 2, body="北科院召开会议。")
    article("body-old", 9, body="北京市科学技术研究院召开会议。")
    article("lede", 8, lede="北科院_50%的项目。")
    article("title-old", 7, title="北京市科学技术研究院年会")
    article("title-new", 3, title="北科院年会", lede="北科院发布。")
    article("both", 6, title="北科院年会", lede="北科院发布。", body="北科院。")
    found = [a.slug for a in search.search_articles(Article.objects.all(), "北科院")]
    assert found == [
        "title-new",
        "both",
        "title-old",
        "lede",
        "body-new",
        "body-old",
        "mention",
    ]


def titles(client, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    return [a.title for a in response.context["results"]]


def test_names_run_together_find_the_conference(client):
    build_site()
    found = titles(client, "北科院工作会议")
    assert any(t.startswith("北科院举行2025年工作会议") for t in found)


def test_traditional_query_finds_simplified_text(client):
    build_site()
    assert titles(client, "北科院工作會議") == titles(client, "北科院工作会议")
    assert titles(client, "北科院工作會議")


def test_full_name_finds_alias_only_text(client):
    only_alias = factories.ArticleFactory(title="简讯", body="北科院召开会议。")
    bjast = factories.OrganizationFactory(name="北京市科学技术研究院")
    factories.OrganizationAliasFactory(organization=bjast, name="北科院")
    assert only_alias.title in titles(client, "北京市科学技术研究院")


def test_minus_excludes_a_word(client):
    keep = factories.ArticleFactory(title="量子计算进展", body="量子计算。")
    drop = factories.ArticleFactory(title="量子计算与中关村", body="量子计算。")
    found = titles(client, "量子计算 -中关村")
    assert keep.title in found and drop.title not in found


def test_drafts_and_scheduled_never_found_publicly(client):
    factories.DraftArticleFactory(title="草稿量子纠缠")
    factories.ScheduledArticleFactory(title="定时量子纠缠")
    public = factories.ArticleFactory(title="公开量子纠缠")
    assert titles(client, "量子纠缠") == [public.title]


def test_api_q_is_folded_and_hides_drafts(client):
    factories.DraftArticleFactory(title="草稿量子纠缠")
    public = factories.ArticleFactory(title="公开量子纠缠")
    response = client.get("/api/v1/articles/", {"q": "量子糾纏"})
    assert response.status_code == 200
    slugs = [a["slug"] for a in response.json()["results"]]
    assert slugs == [public.slug]


def test_every_published_article_with_the_phrase_is_found(client):
    build_site()
    for n in range(15):
        factories.ArticleFactory(
            title=f"报道{n}", body=("会议强调科技创新。" if n % 3 else "其他内容。")
        )
    phrase = "科技创新"
    expected = {
        a.pk
        for a in Article.objects.published()
        if phrase in search.fold_query(f"{a.title}\n{a.lede}\n{a.body}")
    }
    found = set(
        search.search_articles(Article.objects.published(), phrase).values_list(
            "pk", flat=True
        )
    )
    assert expected and found == expected


def test_admin_search_finds_drafts_by_traditional_words(admin_client):
    draft = factories.DraftArticleFactory(title="草稿量子纠缠")
    response = admin_client.get(
        reverse("admin:articles_article_changelist"), {"q": "量子糾纏"}
    )
    assert response.status_code == 200
    assert draft in list(response.context["cl"].result_list)


def test_admin_search_finds_a_draft_by_its_body_through_the_index(admin_client):
    draft = factories.DraftArticleFactory(title="草稿", body="首台国产量子计算机问世。")
    factories.ArticleFactory(title="另一篇", body="会议召开。")
    response = admin_client.get(
        reverse("admin:articles_article_changelist"), {"q": "國產量子計算機"}
    )
    assert list(response.context["cl"].result_list) == [draft]


def test_search_page_shows_cards_for_the_named_person_and_organization(client):
    build_site()
    page = client.get(reverse("articles:search"), {"q": "刘晖 北科院"})
    html = page.content.decode()
    assert [p.name for p in page.context["people"]] == ["刘晖"]
    assert [o.name for o in page.context["organizations"]] == ["北京市科学技术研究院"]
    assert 'href="/people/liu-hui/"' in html
    assert "北京市科学技术研究院党组书记" in html  # the current title on the card
    assert "又称：北科院" in html


def test_search_page_lists_sets_whose_items_match_with_the_item_marked(client):
    build_site()
    page = client.get(reverse("articles:search"), {"q": "高质量发展"})
    sets = page.context["matching_sets"]
    assert [(s.issuer.name, s.heading) for s in sets] == [("刘晖", "四点要求")]
    assert [i.text for i in sets[0].matching_items] == ["扎实推进全院高质量发展。"]
    assert "扎实推进全院<mark>高质量发展</mark>。" in page.content.decode()


def test_an_organization_known_only_from_a_draft_gets_no_card(client):
    scoop = factories.OrganizationFactory(name="北京量子新研究中心", slug="scoop")
    draft = factories.DraftArticleFactory(body="北京量子新研究中心成立。")
    factories.OrganizationMentionFactory(article=draft, organization=scoop)
    page = client.get(reverse("articles:search"), {"q": "北京量子新研究中心"})
    assert page.context["organizations"] == []
    assert "scoop" not in page.content.decode()


def test_an_empty_result_suggests_fewer_words(client):
    factories.ArticleFactory(body="中关村论坛开幕。")
    page = client.get(reverse("articles:search"), {"q": "中关村 量子引力"})
    assert list(page.context["results"]) == []
    assert "中关村" in page.context["suggestions"]
    assert "?q=%E4%B8%AD%E5%85%B3%E6%9D%91" in page.content.decode()


def test_highlights_stay_escaped(client):
    factories.ArticleFactory(
        title="<script>alert(1)</script>科技", body="科技<b>新闻</b>"
    )
    html = client.get(reverse("articles:search"), {"q": "科技"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def _page_slugs(client, params):
    response = client.get(reverse("articles:search"), params)
    return response, [a.slug for a in response.context["results"]]


def test_filters_combine_with_the_query_on_the_search_page(client):
    news = factories.SectionFactory(name="新闻", slug="news")
    inside = factories.SectionFactory(name="院内", slug="inside", parent=news)
    other = factories.SectionFactory(name="其他", slug="other")
    publisher = factories.OrganizationFactory(name="北京市科学技术研究院", slug="bjast")
    person = factories.PersonFactory(name="刘晖", slug="liu-hui")
    day = datetime.datetime(2025, 3, 10, 9, tzinfo=datetime.UTC)
    factories.ArticleFactory(
        slug="a", body="量子计算进展。", section=inside, published_at=day
    )
    b = factories.ArticleFactory(
        slug="b",
        body="量子计算又有进展。",
        section=other,
        publisher=publisher,
        published_at=day - datetime.timedelta(days=30),
    )
    factories.PersonMentionFactory(article=b, person=person)
    factories.ArticleFactory(slug="c", body="无关内容。", section=news)
    q = {"q": "量子计算"}
    assert _page_slugs(client, q)[1] == ["a", "b"]
    assert _page_slugs(client, {**q, "section": "news"})[1] == ["a"]
    assert _page_slugs(client, {**q, "publisher": "bjast"})[1] == ["b"]
    assert _page_slugs(client, {**q, "person": "liu-hui"})[1] == ["b"]
    assert _page_slugs(client, {**q, "published_after": "2025-03-01"})[1] == ["a"]
    assert _page_slugs(client, {**q, "published_before": "2025-03-01"})[1] == ["b"]
    response, slugs = _page_slugs(client, {**q, "published_after": "not a date"})
    assert response.status_code == 400 and slugs == ["a", "b"]  # the rest applies


def test_filtered_search_pages_are_stable_and_carry_the_filters(client):
    section = factories.SectionFactory(name="新闻", slug="news")
    same_time = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for n in range(23):
        factories.ArticleFactory(
            slug=f"n{n}", body="科技创新会议。", section=section, published_at=same_time
        )
    factories.ArticleFactory(slug="elsewhere", body="科技创新会议。")
    params = {"q": "科技创新", "section": "news"}
    seen = []
    for page in (1, 2, 3):
        response, slugs = _page_slugs(client, {**params, "page": page})
        seen += slugs
    assert len(seen) == len(set(seen)) == 23
    assert "section=news" in response.content.decode()  # the page links keep it


@pytest.mark.parametrize("size", [3, 12])
def test_search_page_queries_with_filters_do_not_grow(
    client, size, django_assert_num_queries
):
    section = factories.SectionFactory(slug="news")
    for n in range(size):
        factories.ArticleFactory(slug=f"s{n}", body="科技创新。", section=section)
    # names (one; one more per kind of entity named), sections, newest
    # matches, page, sets…
    with django_assert_num_queries(6):
        client.get(reverse("articles:search"), {"q": "科技创新", "section": "news"})


def test_past_the_cap_the_page_says_more_and_ranks_the_newest(client, monkeypatch):
    from articles.views import SearchView

    monkeypatch.setattr(SearchView, "candidates", 5)
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for n in range(8):
        factories.ArticleFactory(
            slug=f"m{n}",
            body="科技创新。",
            published_at=start + datetime.timedelta(days=n),
        )
    response, slugs = _page_slugs(client, {"q": "科技创新"})
    assert slugs == [f"m{n}" for n in range(7, 2, -1)]
    assert response.context["more_than"] == "5"
    assert response.context["paginator"].count == 5


def test_every_match_is_reached_by_paging_as_a_full_scan_finds(client):
    rng = random.Random(4)
    vocabulary = "科技创新研究院会议北京人才实验室"
    for n in range(40):
        body = "".join(rng.choice(vocabulary) for _ in range(rng.randint(10, 60)))
        factories.ArticleFactory(slug=f"r{n}", title=f"稿{n}", body=body)
    factories.DraftArticleFactory(slug="draft", body="科技创新" * 3)
    for phrase in ("科技", "创新研究", "院会议", "北京人才"):
        expected = {
            a.slug
            for a in Article.objects.published()
            if phrase in search.fold_query(f"{a.title}\n{a.lede}\n{a.body}")
        }
        seen, page = [], 1
        while True:
            response, slugs = _page_slugs(client, {"q": phrase, "page": page})
            seen += slugs
            if not response.context["page_obj"].has_next():
                break
            page += 1
        assert set(seen) == expected and len(seen) == len(expected), phrase
        assert "draft" not in seen
