"""The public pages: content, published-only visibility, SEO, queries, caching."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from articles import models, views
from tests import factories
from tests.site_data import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


class HeadParser(HTMLParser):
    """Collects <meta>, <link rel=canonical>, <title> and JSON-LD scripts."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.title, self.json_ld = {}, {}, "", []
        self.html_lang = None
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta[key] = attrs.get("content")
        elif tag == "link" and attrs.get("rel"):
            self.links.setdefault(attrs["rel"], []).append(attrs.get("href"))
        elif tag == "title":
            self._in = "title"
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld[-1] += data


def head(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def text(response):
    return response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Home ----------------------------------------------------------------------


def test_home_lists_published_articles_newest_first(client, site):
    response = client.get(reverse("articles:article-list"))
    assert response.status_code == 200
    titles = [a.title for a in response.context["articles"]]
    assert titles == [site.later.title, site.conference.title]
    page = text(response)
    assert site.draft.title not in page
    assert site.scheduled.title not in page
    assert "2025年1月27日 16:57" in page  # Asia/Shanghai


def test_home_paginates(client, site):
    factories.ArticleFactory.create_batch(12)
    first = client.get(reverse("articles:article-list"))
    assert len(first.context["articles"]) == 10
    assert 'rel="next"' in text(first)
    second = client.get(reverse("articles:article-list") + "?page=2")
    assert len(second.context["articles"]) == 4
    assert client.get(reverse("articles:article-list") + "?page=99").status_code == 404


def test_every_page_has_search_box_and_landmarks(client, site):
    for url in [
        reverse("articles:article-list"),
        site.conference.get_absolute_url(),
        site.bjast.get_absolute_url(),
        site.liu.get_absolute_url(),
        reverse("articles:directive-list"),
        reverse("articles:search") + "?q=北科院",
    ]:
        page = text(client.get(url))
        assert 'role="search"' in page, url
        assert 'name="q"' in page, url
        for landmark in ("<header", "<nav", "<main", "<footer"):
            assert landmark in page, (url, landmark)
        assert page.count("<h1") == 1, url


# Article -------------------------------------------------------------------


def test_article_page_shows_everything(client, site):
    response = client.get(site.conference.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1>" + site.conference.title in page
    assert (
        '<time datetime="2025-01-27T16:57:00+08:00">2025年1月27日 16:57</time>' in page
    )
    assert (
        f'<li><a href="{site.news.get_absolute_url()}">新闻</a></li>'
        f'<li><a href="{site.inside.get_absolute_url()}">院内新闻</a></li>'
    ) in page  # breadcrumb
    for paragraph in site.conference.paragraphs:
        assert (
            f"<p>{paragraph}</p>" in page.replace("&quot;", '"').replace("&ldquo;", "“")
            or paragraph[:10] in page
        )
    assert "工作会议现场" in page  # photo caption
    assert "办公室" in page and "王编辑" in page  # credits, editor line
    assert "来源" in page and "编辑" in page
    assert site.conference.source_url in page
    assert f'href="{site.liu.get_absolute_url()}"' in page
    assert f'href="{site.wu.get_absolute_url()}"' in page
    assert f'href="{site.bjast.get_absolute_url()}"' in page
    assert "主持" in page  # the mention role


def test_article_directives_grouped_by_set_in_order(client, site):
    page = text(client.get(site.conference.get_absolute_url()))
    first_set = site.requirements[0].directive_set
    heading = re.search(
        rf'<h3 id="set-{first_set.pk}-heading"[^>]*>(.*?)</h3>', page, re.S
    ).group(1)
    assert f'<a href="{site.liu.get_absolute_url()}">刘晖</a>' in heading
    assert "四点要求" in heading
    positions = [page.index(d.text) for d in site.requirements]
    assert positions == sorted(positions)
    for directive in site.requirements:
        assert (
            f'<li value="{directive.ordinal}"><span id="directive-{directive.pk}">'
            in page
        )
    assert "十四个方面的工作" in page
    assert page.index("四点要求") < page.index("十四个方面的工作")
    assert "草稿里的秘密要求" not in page


@pytest.mark.parametrize("name", ["draft", "scheduled"])
def test_unpublished_articles_are_404(client, site, name):
    article = getattr(site, name)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "页面不存在" in text(response)  # our Chinese 404 page
    assert article.title not in text(response)


def test_unknown_slug_is_chinese_404(client, site):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert '<html lang="zh-CN">' in text(response)


def test_article_seo_metadata(client, site):
    response = client.get(site.conference.get_absolute_url())
    parsed = head(response)
    assert parsed.html_lang == "zh-CN"
    assert parsed.title.startswith(site.conference.title)
    url = "http://testserver" + site.conference.get_absolute_url()
    assert parsed.links["canonical"] == [url]
    assert parsed.meta["og:url"] == url
    assert parsed.meta["og:type"] == "article"
    assert parsed.meta["og:title"] == site.conference.title
    assert parsed.meta["description"].startswith("1月24日,北京市科学技术研究院")
    assert parsed.meta["og:description"] == parsed.meta["description"]
    assert parsed.meta["article:published_time"] == "2025-01-27T16:57:00+08:00"


def test_article_json_ld_news_article(client, site):
    parsed = head(client.get(site.conference.get_absolute_url()))
    assert len(parsed.json_ld) == 1
    data = json.loads(parsed.json_ld[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == site.conference.title
    assert data["datePublished"].startswith("2025-01-27T08:57:00")  # UTC
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "北京市科学技术研究院"
    assert data["author"] == [{"@type": "Organization", "name": "北京市科学技术研究院"}]
    assert data["mainEntityOfPage"]["@id"].endswith(site.conference.get_absolute_url())
    assert data["inLanguage"] == "zh-CN"
    assert data["keywords"] == ["工作会议"]


def test_json_ld_cannot_close_its_script(client, site):
    site.conference.title = "标题</script><script>alert(1)</script>"
    site.conference.save()
    page = text(client.get(site.conference.get_absolute_url()))
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json.loads(script)["headline"] == site.conference.title


def test_article_context_comes_from_object_for_staff_preview(rf, site):
    """A subclass with an unrestricted queryset (the admin's preview) renders drafts."""
    from articles.views import ArticleDetailView

    class Preview(ArticleDetailView):
        def get_queryset(self):
            return models.Article.objects.all()

    response = Preview.as_view()(rf.get("/preview/"), slug=site.draft.slug)
    response.render()
    assert response.status_code == 200
    assert site.draft.title in response.content.decode()
    assert "草稿里的秘密要求" in response.content.decode()


# Organization ----------------------------------------------------------------


def test_organization_page(client, site):
    response = client.get(site.bjast.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1>北京市科学技术研究院</h1>" in page
    assert "北科院" in page  # alias
    assert f'href="{site.unit.get_absolute_url()}"' in page  # child
    assert (
        f'href="{site.liu.get_absolute_url()}">刘晖</a> <span class="muted">党组书记'
        in page
    )
    # The directives addressed to it, by set: 刘晖 · 四点要求 (4 items), once.
    assert page.count("四点要求") == 1
    assert "4项" in page
    assert site.work.set_heading not in page  # addressed to the unit, not to bjast
    assert site.conference.title in page
    assert site.draft.title not in page and "秘密" not in page
    unit_page = text(client.get(site.unit.get_absolute_url()))
    assert f'href="{site.bjast.get_absolute_url()}"' in unit_page  # parent
    assert site.work.set_heading in unit_page
    assert client.get("/organizations/nope/").status_code == 404


# Person --------------------------------------------------------------------


def test_person_page(client, site):
    response = client.get(site.liu.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1>刘晖</h1>" in page
    assert "北京市科学技术研究院</a> 党组书记" in page  # position
    assert "四点要求" in page and "4项" in page  # the set, with its item count
    directive_set = site.requirements[0].directive_set
    assert f'href="{directive_set.get_absolute_url()}"' in page
    assert site.conference.title in page
    assert "秘密" not in page  # directives of drafts and scheduled
    assert site.draft.title not in page and site.scheduled.title not in page
    assert client.get("/people/nope/").status_code == 404


# Directives index ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 5),
        ("?issuer=liu-hui", 4),
        ("?issuer=wu-jianmin", 1),
        ("?addressee=bjast", 4),
        ("?addressee=bjast-env", 1),
        ("?year=2025", 5),
        ("?kind=arrangement", 1),
        ("?issuer=liu-hui&kind=arrangement", 0),
    ],
)
def test_directive_index_filters(client, site, query, expected):
    response = client.get(reverse("articles:directive-list") + query)
    assert response.status_code == 200
    assert response.context["paginator"].count == expected
    assert "秘密" not in text(response)


def test_directive_index_year_without_directives(client, site):
    factories.DirectiveFactory(
        article=factories.ArticleFactory(
            published_at=site.conference.published_at.replace(year=2024)
        )
    )
    response = client.get(reverse("articles:directive-list") + "?year=2024")
    assert response.context["paginator"].count == 1
    assert 'value="2024"' in text(response)


@pytest.mark.parametrize(
    "query",
    [
        "?issuer=nobody",
        "?issuer=secret-person",  # only in drafts: not a choice
        "?addressee=%3Cscript%3E",
        "?year=abcd",
        "?year=1999",
        "?kind=order",
    ],
)
def test_directive_index_bad_filters_give_chinese_notice(client, site, query):
    response = client.get(reverse("articles:directive-list") + query)
    assert response.status_code == 400
    page = text(response)
    assert "部分筛选条件无法识别，已忽略" in page
    assert "<script>" not in page.split("<body>")[1]
    assert response.context["paginator"].count == 5  # the bad filter is ignored


def test_directive_index_bad_filter_keeps_valid_ones(client, site):
    response = client.get(reverse("articles:directive-list") + "?issuer=liu-hui&year=x")
    assert response.status_code == 400
    assert response.context["paginator"].count == 4


def test_directive_index_links_issuers(client, site):
    page = text(client.get(reverse("articles:directive-list")))
    assert f'<a href="{site.liu.get_absolute_url()}">刘晖</a>' in page
    assert f'href="{site.conference.get_absolute_url()}"' in page


# Search --------------------------------------------------------------------


def test_search_alias_finds_full_name_and_ranks_title_hits_first(client, site):
    response = client.get(reverse("articles:search"), {"q": "北科院"})
    assert response.status_code == 200
    results = list(response.context["results"])
    assert results[0] == site.conference  # title hit
    assert site.later in results  # body hit only
    assert site.draft not in results and site.scheduled not in results
    page = text(response)
    assert "<mark>北科院</mark>" in page
    assert f'href="{site.bjast.get_absolute_url()}">北京市科学技术研究院</a>' in page


def test_search_alias_through_mention_only(client, site):
    """An article that only mentions the organization (no name in the text) is found."""
    quiet = factories.ArticleFactory(title="一则简讯", body="会议召开。")
    factories.OrganizationMentionFactory(article=quiet, organization=site.bjast)
    results = list(
        client.get(reverse("articles:search"), {"q": "北科院"}).context["results"]
    )
    assert quiet in results
    assert results.index(quiet) == len(results) - 1  # no text hits: ranked last


def test_search_full_name_finds_alias_text(client, site):
    only_alias = factories.ArticleFactory(title="简讯", body="北科院召开会议。")
    results = client.get(reverse("articles:search"), {"q": "北京市科学技术研究院"})
    assert only_alias in list(results.context["results"])
    assert "<mark>北科院</mark>" in text(results)


def test_search_ranks_title_then_lede_then_body_newest_first(client, site):
    def dated(day, **fields):
        return factories.ArticleFactory(
            published_at=timezone.make_aware(datetime.datetime(2024, 6, day)),
            **fields,
        )

    old_title = dated(1, title="科技创新大会", body="会议召开。")
    new_title = dated(3, title="科技创新论坛", body="论坛开幕。")
    lede = dated(2, title="简讯乙", lede="聚焦科技创新。", body="正文。")
    many = dated(4, title="简讯甲", body="科技创新。科技创新。科技创新。科技创新。")
    response = client.get(reverse("articles:search"), {"q": "科技创新"})
    results = [a for a in response.context["results"] if a.published_at.year == 2024]
    assert results == [new_title, old_title, lede, many]
    assert "<mark>科技创新</mark>" in text(response)


def test_search_person(client, site):
    response = client.get(reverse("articles:search"), {"q": "刘晖"})
    results = list(response.context["results"])
    assert results == [site.conference]
    assert "<mark>刘晖</mark>" in text(response)


def test_search_several_words_must_all_match(client, site):
    response = client.get(reverse("articles:search"), {"q": "北科院 中关村"})
    assert list(response.context["results"]) == [site.later]


def test_search_escapes_and_treats_wildcards_literally(client, site):
    response = client.get(reverse("articles:search"), {"q": "<b>%_"})
    assert response.status_code == 200
    assert list(response.context["results"]) == []
    assert "<b>%_" not in text(response)


def test_search_empty_query_explains(client, site):
    for query in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(reverse("articles:search"), query)
        assert response.status_code == 200
        assert "请输入要搜索的词语或名称" in text(response)


def test_search_overlong_query_explains(client, site):
    response = client.get(reverse("articles:search"), {"q": "科" * 101})
    assert response.status_code == 400
    assert "搜索词太长" in text(response)


def test_search_paginates_with_query(client, site):
    factories.ArticleFactory.create_batch(12, title="科技创新简讯")
    response = client.get(reverse("articles:search"), {"q": "科技创新"})
    assert 'href="?q=%E7%A7%91%E6%8A%80%E5%88%9B%E6%96%B0&amp;page=2"' in text(response)


# robots, errors ----------------------------------------------------------------


def test_robots_txt(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = text(response)
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_500_page_is_chinese_and_self_contained(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert "服务器出错了" in page


# Long lists on person and organization pages ----------------------------------


def test_person_and_organization_pages_show_the_newest_and_link_to_the_rest(
    client, site, monkeypatch
):
    monkeypatch.setattr(views, "RECENT_ARTICLES", 2)
    monkeypatch.setattr(views, "RECENT_SETS", 1)
    newest = None
    for day in (3, 2, 1):  # the loop's last article is the newest
        newest = factories.ArticleFactory(
            title=f"刘晖调研{day}",
            published_at=timezone.now() - datetime.timedelta(days=day),
        )
        factories.PersonMentionFactory(article=newest, person=site.liu)
        factories.OrganizationMentionFactory(article=newest, organization=site.bjast)
        for ordinal in (1, 2):
            factories.DirectiveFactory(
                article=newest,
                issuer=site.liu,
                ordinal=ordinal,
                text=f"要做好第{day}天的第{ordinal}项工作。",
                addressees=[site.bjast],
            )

    person = client.get(site.liu.get_absolute_url())
    assert [a.title for a in person.context["articles"]] == ["刘晖调研1", "刘晖调研2"]
    assert person.context["more_articles"]
    # The newest set, nothing older.
    [newest_set] = person.context["directive_sets"]
    assert newest_set.article == newest and newest_set.item_total == 2
    assert person.context["more_sets"]
    page = text(person)
    assert "?issuer=liu-hui" in page and "更多文章" in page

    organization = client.get(site.bjast.get_absolute_url())
    assert len(organization.context["articles"]) == 2
    assert [s.article for s in organization.context["directive_sets"]] == [newest]
    assert "?addressee=bjast" in text(organization)
    full = client.get(reverse("articles:directive-list"), {"issuer": "liu-hui"})
    assert full.context["paginator"].count > newest_set.item_total


def test_no_more_link_when_everything_is_shown(client, site):
    response = client.get(site.liu.get_absolute_url())
    assert not response.context["more_articles"]
    assert "更多文章" not in text(response)


# People and titles known only from drafts -------------------------------------


def test_a_person_known_only_from_a_draft_is_hidden_until_it_is_published(client, site):
    appointee = factories.PersonFactory(name="新任局长", slug="new-appointee")
    factories.PersonMentionFactory(article=site.draft, person=appointee)
    factories.PositionFactory(
        person=appointee,
        organization=site.bjast,
        title="新任副院长",
        reported_in=site.draft,
    )
    assert client.get("/people/new-appointee/").status_code == 404
    assert "新任副院长" not in text(client.get(site.bjast.get_absolute_url()))
    search = text(client.get(reverse("articles:search"), {"q": "新任局长"}))
    assert "new-appointee" not in search
    assert "new-appointee" not in client.get("/sitemap.xml").content.decode()

    site.draft.status = models.Article.Status.PUBLISHED
    site.draft.published_at = timezone.now()
    site.draft.save()
    page = client.get("/people/new-appointee/")
    assert page.status_code == 200 and "新任副院长" in text(page)


def test_a_title_entered_without_an_article_is_public_reference_data(client, site):
    position = factories.PositionFactory(organization=site.bjast, title="顾问")
    assert client.get(position.person.get_absolute_url()).status_code == 200
    assert "顾问" in text(client.get(site.bjast.get_absolute_url()))


# Conditional GET -------------------------------------------------------------


def test_pages_send_an_etag_and_honour_conditional_get(client, site):
    url = reverse("articles:article-list")
    response = client.get(url)
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # No date is offered: related rows record no time of change, so a date could
    # call a changed page unmodified.
    assert "Last-Modified" not in response
    yesterday = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=yesterday).status_code == 200


def test_conditional_get_sees_changes_to_any_row(client, site):
    """Editing an article that is not the newest still invalidates the home page."""
    url = reverse("articles:article-list")
    etag = client.get(url)["ETag"]
    models.Article.objects.filter(pk=site.conference.pk).update(
        title="北科院工作会议(更正)"
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize(
    "edit",
    [
        lambda site: models.Directive.objects.filter(
            directive_set__article=site.conference
        ).update(text="已改动的要求文字。", summary="已改动的要点"),
        lambda site: models.Person.objects.filter(pk=site.liu.pk).update(name="刘辉"),
    ],
    ids=["directive edited", "person renamed"],
)
def test_conditional_get_sees_edits_to_rows_without_timestamps(client, site, edit):
    """An article page changes when its directives or people do, not only itself."""
    url = site.conference.get_absolute_url()
    response = client.get(url)
    edit(site)
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_conditional_get_sees_unpublishing(client, site):
    url = site.liu.get_absolute_url()
    response = client.get(url)
    etag = response["ETag"]
    site.conference.status = models.Article.Status.DRAFT
    site.conference.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert site.conference.title not in text(response)


# Query counts ------------------------------------------------------------------


def _grow(site, n):
    """Add ``n`` published articles naming 北科院 and 刘晖, each with directives."""
    for _ in range(n):
        article = factories.ArticleFactory(
            title="北科院科技创新会议", publisher=site.bjast
        )
        factories.PersonMentionFactory(article=article, person=site.liu)
        factories.OrganizationMentionFactory(article=article, organization=site.bjast)
        factories.CreditFactory(article=article)
        for ordinal in (1, 2):
            factories.DirectiveFactory(
                article=article,
                issuer=site.liu,
                ordinal=ordinal,
                addressees=[site.bjast, site.unit],
            )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("home", 4),
        ("article", 12),  # + the ids of the articles sharing a name (related)
        ("organization", 8),  # the row by slug, then visible; the units' ids
        ("person", 7),
        ("directives", 6),
        ("directives-filtered", 8),
        # names, cards (organizations, aliases), sets, sections (the filter),
        # the newest matches through the index, results
        ("search", 9),
    ],
)
def test_query_counts_do_not_grow(client, site, url, queries):
    urls = {
        "home": reverse("articles:article-list"),
        "article": site.conference.get_absolute_url(),
        "organization": site.bjast.get_absolute_url(),
        "person": site.liu.get_absolute_url(),
        "directives": reverse("articles:directive-list"),
        "directives-filtered": reverse("articles:directive-list")
        + "?issuer=liu-hui&addressee=bjast&year=2025&kind=requirement",
        "search": reverse("articles:search") + "?q=北科院+科技创新",
    }
    _grow(site, 2)
    small = count_queries(client, urls[url])
    _grow(site, 8)
    large = count_queries(client, urls[url])
    assert small == large == queries


# The seed fixture ----------------------------------------------------------------


@pytest.fixture
def seed(db):
    from django.core.management import call_command

    call_command("loaddata", "newsroom", verbosity=0)


BJAST_ARTICLE = "/articles/bjast-2025-work-conference/"
CENTER_ARTICLE = "/articles/beijing-innovation-center-ministry-city-conference/"


def test_seed_article_groups_liu_huis_four_requirements(client, seed):
    page = text(client.get(BJAST_ARTICLE))
    liu = models.Person.objects.get(slug="liu-hui")
    sets = re.findall(r'<h3 id="set-[^"]+"[^>]*>(.*?)</h3>', page, re.S)
    assert any(
        f'<a href="{liu.get_absolute_url()}">刘晖</a>' in s and "四点要求" in s
        for s in sets
    )
    four = models.Directive.objects.filter(
        directive_set__issuer=liu, directive_set__heading="四点要求"
    ).order_by("ordinal")
    assert [d.ordinal for d in four] == [1, 2, 3, 4]
    positions = [page.index(f'id="directive-{d.pk}"') for d in four]
    assert positions == sorted(positions)
    assert "十四个方面的工作" in page


@pytest.mark.parametrize(
    ("query", "first"),
    [("北科院", BJAST_ARTICLE), ("刘晖", BJAST_ARTICLE), ("尹力", CENTER_ARTICLE)],
)
def test_seed_search(client, seed, query, first):
    response = client.get(reverse("articles:search"), {"q": query})
    results = list(response.context["results"])
    assert results[0].get_absolute_url() == first
    assert f"<mark>{query}</mark>" in text(response)


def test_seed_search_innovation_finds_both(client, seed):
    response = client.get(reverse("articles:search"), {"q": "科技创新"})
    urls = [a.get_absolute_url() for a in response.context["results"]]
    assert urls == [CENTER_ARTICLE, BJAST_ARTICLE]  # title hit first


def test_seed_directive_index(client, seed):
    url = reverse("articles:directive-list")
    assert client.get(url).context["paginator"].count == 25
    for slug, count in [("liu-hui", 4), ("wu-jianmin", 14), ("yin-li", 6)]:
        response = client.get(url, {"issuer": slug})
        assert response.context["paginator"].count == count, slug


def test_seed_person_page_lists_directives(client, seed):
    page = text(client.get("/people/liu-hui/"))
    assert page.count('<li class="set-line">') == 1
    assert "四点要求" in page and "4项" in page


@pytest.mark.parametrize("value", [None, "", "a&b", "2025", 3])
def test_list_select_writes_what_djangos_select_writes(value):
    """The filters' selects skip Django's per-option template; the markup, the
    escaping and the selected option stay Django's (attributes sorted)."""
    from django import forms

    from articles.forms import ListSelect

    def parsed(html):
        tags = []

        class Tags(HTMLParser):
            def handle_starttag(self, tag, attrs):
                tags.append((tag, sorted(attrs, key=lambda pair: pair[0])))

            def handle_data(self, data):
                if data.strip():
                    tags.append(("text", data))

        Tags().feed(html)
        return tags

    choices = [("", "全部"), ("a&b", "<甲>"), ("2025", "2025"), (3, "三")]
    attrs = {"id": "id_kind", "required": True, "aria-invalid": "true"}
    ours = ListSelect(choices=choices).render("kind", value, attrs)
    django = forms.Select(choices=choices).render("kind", value, attrs)
    assert parsed(ours) == parsed(django)
    assert "&lt;甲&gt;" in ours and "<甲>" not in ours
    grouped = [("组", [("x", "X")])]
    assert ListSelect(choices=grouped).render("kind", "x") == forms.Select(
        choices=grouped
    ).render("kind", "x")
