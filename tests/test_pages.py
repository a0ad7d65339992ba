"""Pictures, the article page's parts, and the browsing pages (issue 13).

Same style as test_views: the factory-built ``site`` (tests/site_data.py), one
behaviour per test, query counts pinned at two sizes.
"""

import datetime
import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles import models
from articles.photos import photo_make_renditions
from tests import factories
from tests.site_data import SHANGHAI, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(response):
    return response.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def jpeg(width=1600, height=1000, name="scene.jpg"):
    """A real JPEG made with Pillow (a gradient, so it compresses like a photo)."""
    image = Image.new("RGB", (width, height))
    for x in range(0, width, 40):
        image.paste((x % 255, 90, 200 - x % 200), (x, 0, x + 40, height))
    buffer = BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def photo_with_file(article, **kwargs):
    photo = factories.PhotoFactory(article=article, image=jpeg(), **kwargs)
    return photo_make_renditions(photo=photo)


# Pictures -------------------------------------------------------------------


def test_renditions_are_made_once_at_three_widths(site):
    photo = photo_with_file(site.conference, caption="会场全景", credit="科学传播中心")
    assert sorted(int(w) for w in photo.renditions) == [320, 640, 1200]
    assert (photo.width, photo.height) == (1600, 1000)
    storage = photo.image.storage
    for width, name in photo.renditions.items():
        with storage.open(name) as handle:
            assert Image.open(handle).size[0] == int(width)
    before = dict(photo.renditions)
    photo_make_renditions(photo=photo)  # saved again: nothing redone
    assert photo.renditions == before
    photo.refresh_from_db()
    assert photo.renditions == before


def test_small_images_are_not_upscaled(site):
    photo = factories.PhotoFactory(article=site.conference, image=jpeg(500, 300))
    photo_make_renditions(photo=photo)
    assert sorted(int(w) for w in photo.renditions) == [320, 500]


def test_article_with_photo_has_lead_image_og_image_and_json_ld(client, site):
    photo = photo_with_file(site.conference, caption="会场全景", credit="科学传播中心")
    page = text(client.get(site.conference.get_absolute_url()))
    lead = re.search(r'<figure class="photo photo--lead">(.*?)</figure>', page, re.S)
    assert lead, "the lead photo is shown above the body"
    assert 'srcset="' in lead.group(1) and " 320w" in lead.group(1)
    assert "会场全景" in lead.group(1) and "科学传播中心" in lead.group(1)
    assert 'width="1600" height="1000"' in lead.group(1)
    large = photo.storage_url if hasattr(photo, "storage_url") else photo.large_url
    assert f'<meta property="og:image" content="http://testserver{large}">' in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    )
    assert f"http://testserver{large}" in data["image"]


def test_captions_without_files_are_not_frames(client, site):
    page = text(client.get(site.conference.get_absolute_url()))
    assert "<figure" not in page.split('<aside class="share"')[0]
    assert "工作会议现场" in page  # the caption is still told, as a line
    assert 'property="og:image"' not in page


def test_lists_show_thumbnails_of_articles_with_photos(client, site):
    photo_with_file(site.conference)
    page = text(client.get(reverse("articles:article-list")))
    assert re.search(r'<a class="card__thumb"[^>]*><img src="[^"]*-320\.jpg"', page)


# The article page --------------------------------------------------------------


def test_byline_keeps_credit_roles(client, site):
    factories.CreditFactory(
        article=site.conference, role="photographer", name="科学传播中心", order=3
    )
    page = text(client.get(site.conference.get_absolute_url()))
    byline = re.search(r'<p class="meta byline">(.*?)</p>', page, re.S).group(1)
    assert "文：" in byline and "办公室" in byline
    assert "摄：科学传播中心" in byline
    assert "编辑：王编辑" in byline
    assert byline.index("文：") < byline.index("摄：") < byline.index("编辑：")


def test_date_only_articles_show_no_time(client, site):
    site.conference.published_at = datetime.datetime(2025, 5, 7, tzinfo=SHANGHAI)
    site.conference.published_time_known = False
    site.conference.save()
    page = text(client.get(site.conference.get_absolute_url()))
    main = page.split("<main")[1]
    assert '<time datetime="2025-05-07">2025年5月7日</time>' in main
    assert "00:00" not in main
    assert '"datePublished": "2025-05-07"' in page


def test_event_date_and_place_are_shown(client, site):
    site.conference.event_date = datetime.date(2025, 1, 24)
    site.conference.event_place = site.commission
    site.conference.save()
    page = text(client.get(site.conference.get_absolute_url()))
    event = re.search(r'<p class="meta event">(.*?)</p>', page, re.S).group(1)
    assert "2025年1月24日" in event
    assert site.commission.get_absolute_url() in event


def test_no_block_of_text_is_shown_twice(client, site):
    """A lede the body repeats is not shown again; a directive the body contains
    is marked in the body and only summed up in 要点, linking to it."""
    directive = site.requirements[0]
    body = f"会议召开。{directive.text}\n\n其他内容。"
    models.Article.objects.filter(pk=site.conference.pk).update(
        body=body, lede=directive.text
    )
    start = body.index(directive.text)
    models.Directive.objects.filter(pk=directive.pk).update(
        span_start=start, span_end=start + len(directive.text)
    )
    page = text(client.get(site.conference.get_absolute_url())).split("<main")[1]
    assert page.count(directive.text) == 1
    assert f'<mark class="directive-mark" id="directive-{directive.pk}"' in page, (
        "the directive's words are marked in the body"
    )
    assert f'<a href="#directive-{directive.pk}">{directive.summary}</a>' in page
    assert '<p class="lede">' not in page


def test_addressees_are_named_once_per_set(client, site):
    page = text(client.get(site.conference.get_absolute_url()))
    key_points = page.split('<div class="article__body">')[0]
    assert (
        key_points.count(site.bjast.get_absolute_url() + '">北京市科学技术研究院') <= 2
    )


def test_related_articles_share_people_or_organizations(client, site):
    related = factories.ArticleFactory(title="刘晖调研北科院")
    factories.PersonMentionFactory(article=related, person=site.liu)
    unrelated = factories.ArticleFactory(title="无关的新闻")
    page = text(client.get(site.conference.get_absolute_url()))
    section = page.split('id="related-heading"')[1]
    assert related.title in section
    assert unrelated.title not in section
    assert site.draft.title not in page and site.scheduled.title not in page


def test_related_articles_rank_by_shared_names_then_newest(site):
    from articles.views import related_articles

    article = factories.ArticleFactory(title="主文章")
    person = factories.PersonFactory()
    organization = factories.OrganizationFactory()
    factories.PersonMentionFactory(article=article, person=person)
    factories.OrganizationMentionFactory(article=article, organization=organization)
    now = models.Article.objects.get(pk=article.pk).published_at
    both = factories.ArticleFactory(published_at=now - datetime.timedelta(days=9))
    factories.PersonMentionFactory(article=both, person=person)
    factories.OrganizationMentionFactory(article=both, organization=organization)
    older, newer = (
        factories.ArticleFactory(published_at=now - datetime.timedelta(days=days))
        for days in (5, 2)
    )
    for one in (older, newer):
        factories.PersonMentionFactory(article=one, person=person)
    draft = factories.DraftArticleFactory()
    factories.PersonMentionFactory(article=draft, person=person)
    with CaptureQueriesContext(connection) as queries:
        related = related_articles(article)
    assert [a.pk for a in related] == [both.pk, newer.pk, older.pk]
    assert [a.shared for a in related] == [2, 1, 1]
    assert len(queries) == 3  # mention rows, the articles, their lead photos


def test_share_box_has_copy_link_and_server_made_qr(client, site):
    page = text(client.get(site.conference.get_absolute_url()))
    share = page.split('<aside class="share"')[1].split("</aside>")[0]
    assert f'value="http://testserver{site.conference.get_absolute_url()}"' in share
    assert "data-copy=" in share
    assert "<svg" in share and "<script" not in share


def test_print_stylesheet_is_linked(client, site):
    page = text(client.get(site.conference.get_absolute_url()))
    assert re.search(
        r'<link rel="stylesheet" href="[^"]*print\.css" media="print">', page
    )


# Browsing -------------------------------------------------------------------


def test_people_index_by_organization_and_rank(client, site):
    page = text(client.get(reverse("articles:person-list")))
    group = page.split(f'id="org-{site.bjast.pk}"')[1].split("</section>")[0]
    assert group.index("刘晖") < group.index("伍建民")
    assert group.count("伍建民") == 1
    assert "王秘密" not in page  # known only from a draft


def test_organization_index_is_a_tree_by_kind(client, site):
    page = text(client.get(reverse("articles:organization-list")))
    assert "北京市科学技术研究院" in page
    tree = page.split(f'href="{site.bjast.get_absolute_url()}"')[1].split("</li>")[0]
    assert site.unit.get_absolute_url() in tree  # the unit nests under its body


def test_sections_index_counts_published_articles_only(client, site):
    page = text(client.get(reverse("articles:section-list")))
    assert site.inside.get_absolute_url() in page
    section_page = text(client.get(site.news.get_absolute_url()))
    assert site.conference.title in section_page  # from a subsection
    assert site.draft.title not in section_page
    assert site.scheduled.title not in section_page


def test_organization_page_lists_each_leader_once_in_rank_order(client, site):
    page = text(client.get(site.bjast.get_absolute_url()))
    leaders = page.split('id="people-heading"')[1].split("</section>")[0]
    assert leaders.count(">伍建民</a>") == 1
    assert leaders.index("刘晖") < leaders.index("伍建民")
    assert "党组副书记、院长" in leaders or "院长" in leaders


def test_person_page_has_timeline_breadcrumbs_and_feeds(client, site):
    models.Position.objects.filter(person=site.liu).update(
        start_date=datetime.date(2023, 3, 1)
    )
    page = text(client.get(site.liu.get_absolute_url()))
    assert '<ol class="timeline">' in page
    assert "2023年3月—至今" in page
    assert reverse("articles:person-list") in page.split("</nav>")[1]
    assert reverse("articles:person-feed-rss", args=[site.liu.slug]) in page


def test_person_feeds_list_published_articles_only(client, site):
    for name in ("person-feed-rss", "person-feed-atom"):
        response = client.get(reverse(f"articles:{name}", args=[site.liu.slug]))
        assert response.status_code == 200
        feed = text(response)
        assert site.conference.title in feed
        assert site.draft.title not in feed and site.scheduled.title not in feed
    hidden = reverse("articles:person-feed-rss", args=[site.secret.slug])
    assert client.get(hidden).status_code == 404


def test_new_pages_hide_drafts(client, site):
    for url in (
        reverse("articles:person-list"),
        reverse("articles:organization-list"),
        reverse("articles:section-list"),
        site.news.get_absolute_url(),
        site.liu.get_absolute_url(),
        site.bjast.get_absolute_url(),
    ):
        page = text(client.get(url))
        assert site.draft.title not in page, url
        assert site.scheduled.title not in page, url
        assert "秘密" not in page, url


def _grow(site, n):
    for i in range(n):
        organization = factories.OrganizationFactory(
            parent=site.bjast if i % 2 else None
        )
        person = factories.PersonFactory()
        factories.PositionFactory(person=person, organization=organization)
        factories.PositionFactory(
            person=person, organization=site.bjast, title=f"职{i}"
        )
        article = factories.ArticleFactory(section=site.inside)
        factories.PersonMentionFactory(article=article, person=site.liu)
        factories.PhotoFactory(article=article)


@pytest.mark.parametrize(
    ("name", "queries"),
    [("people", 3), ("organizations", 4), ("sections", 1), ("section", 6)],
)
def test_index_query_counts_do_not_grow(client, site, name, queries):
    urls = {
        "people": reverse("articles:person-list"),
        "organizations": reverse("articles:organization-list"),
        "sections": reverse("articles:section-list"),
        "section": site.news.get_absolute_url(),
    }
    _grow(site, 2)
    small = count_queries(client, urls[name])
    _grow(site, 8)
    large = count_queries(client, urls[name])
    assert small == large == queries


# Directive sets and the overview ------------------------------------------------


def _set_of(directive):
    return directive.directive_set


def test_set_page_is_a_permalink_with_every_item(client, site):
    directive_set = _set_of(site.requirements[0])
    url = directive_set.get_absolute_url()
    assert url == reverse("articles:directiveset-detail", args=[directive_set.pk])
    page = text(client.get(url))
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("刘晖 · 四点要求 · 2025年1月27日")
    for item in site.requirements:
        assert item.text in page
    assert site.bjast.get_absolute_url() in page  # addressed to
    assert site.conference.get_absolute_url() in page


def test_set_pages_of_unpublished_articles_are_404(client, site):
    for article in (site.draft, site.scheduled):
        for directive_set in article.directive_sets.all():
            assert client.get(directive_set.get_absolute_url()).status_code == 404


def test_sets_index_lists_published_sets_with_counts(client, site):
    page = text(client.get(reverse("articles:directiveset-list")))
    assert "四点要求" in page and "4项" in page
    assert "十四个方面的工作" in page
    assert "秘密" not in page


def test_person_page_lists_sets_by_year(client, site):
    page = text(client.get(site.liu.get_absolute_url()))
    section = page.split('id="directives-heading"')[1].split("</section>")[0]
    assert "2025年" in section
    assert _set_of(site.requirements[0]).get_absolute_url() in section


def test_overview_draws_charts_on_the_server(client, site):
    response = client.get(reverse("articles:overview"))
    page = text(response)
    assert page.count('<svg class="chart') == 4
    assert "2025年1月" in page  # the month axis
    assert ">刘晖<" in page or "刘晖</text>" in page
    assert "秘密" not in page and "保密研究所" not in page
    assert "<script" not in page.split("<main")[1]
    person = text(client.get(reverse("articles:overview") + "?person=wu-jianmin"))
    assert "伍建民" in person.split('id="subject-heading"')[1]
    hidden = reverse("articles:overview") + f"?person={site.secret.slug}"
    assert client.get(hidden).status_code == 404


def _grow_sets(site, n):
    for _ in range(n):
        article = factories.ArticleFactory()
        person = factories.PersonFactory()
        for ordinal in (1, 2):
            factories.DirectiveFactory(
                article=article,
                issuer=person,
                ordinal=ordinal,
                addressees=[site.bjast, factories.OrganizationFactory()],
            )


@pytest.mark.parametrize(
    ("name", "queries"),
    # The person and organization pages on a miss: their row by slug, then
    # with the visibility rule after the fragment's tick (and, for an
    # organization, every unit's id for the fragment's tags).
    [("sets", 3), ("set", 3), ("overview", 5), ("person", 7), ("organization", 8)],
)
def test_set_pages_query_counts_do_not_grow(client, site, name, queries):
    urls = {
        "sets": reverse("articles:directiveset-list"),
        "set": _set_of(site.requirements[0]).get_absolute_url(),
        "overview": reverse("articles:overview"),
        "person": site.liu.get_absolute_url(),
        "organization": site.bjast.get_absolute_url(),
    }
    _grow_sets(site, 2)
    small = count_queries(client, urls[name])
    _grow_sets(site, 8)
    large = count_queries(client, urls[name])
    assert small == large == queries


def test_the_shared_header_keeps_the_search_query_and_nothing_else(client, site):
    """The header is rendered once per process (``site_part``), except on a page
    with a search query, whose box shows it."""
    box = re.compile(r'id="site-search-q"[^>]*value="([^"]*)"')
    assert box.search(client.get("/").content.decode()).group(1) == ""
    searched = client.get("/search/?q=北科院<b>").content.decode()
    assert box.search(searched).group(1) == "北科院&lt;b&gt;"
    # The next page's header is the shared one again, not the last query's.
    assert box.search(client.get("/people/").content.decode()).group(1) == ""
    for page in ("/", "/search/?q=北科院"):
        html = client.get(page).content.decode()
        assert reverse("articles:feed-rss") in html
        assert reverse("articles:sitemap") in html
