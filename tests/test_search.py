"""The search module: folding, tokens, query understanding, and its faces."""

import pytest
from django.urls import reverse

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
