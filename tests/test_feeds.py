"""RSS and Atom feeds, read with feedparser as a feed reader would."""

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.site_data import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize(
    ("name", "version"),
    [("articles:feed-rss", "rss20"), ("articles:feed-atom", "atom10")],
)
def test_latest_feed_lists_published_articles(client, site, name, version):
    response, feed = parse(client, reverse(name))
    assert feed.version == version
    assert feed.feed.title == "新闻编辑部：最新文章"
    titles = [entry.title for entry in feed.entries]
    assert titles == [site.later.title, site.conference.title]
    conference = feed.entries[1]
    assert conference.link == "http://testserver" + site.conference.get_absolute_url()
    assert conference.published_parsed[:5] == (2025, 1, 27, 8, 57)  # UTC
    assert conference.author == "办公室"
    assert "1月24日" in conference.summary
    assert {tag.term for tag in conference.tags} >= {"院内新闻", "工作会议"}
    assert "Last-Modified" in response


def test_feed_hides_drafts_and_scheduled(client, site):
    for name in ("articles:feed-rss", "articles:feed-atom"):
        body = client.get(reverse(name)).content.decode()
        assert site.draft.title not in body
        assert site.scheduled.title not in body


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_organization_feed(client, site, kind):
    url = reverse(f"articles:organization-feed-{kind}", kwargs={"slug": "bjast"})
    _, feed = parse(client, url)
    assert "北京市科学技术研究院" in feed.feed.title
    assert [entry.title for entry in feed.entries] == [site.conference.title]
    _, commission = parse(
        client,
        reverse(f"articles:organization-feed-{kind}", kwargs={"slug": "bjsti"}),
    )
    assert [entry.title for entry in commission.entries] == [site.later.title]
    hidden = reverse(
        f"articles:organization-feed-{kind}", kwargs={"slug": "hidden-org"}
    )
    # Known only from unpublished articles, the organization has no feed.
    assert client.get(hidden).status_code == 404


def test_organization_feed_unknown_is_404(client, site):
    url = reverse("articles:organization-feed-rss", kwargs={"slug": "nope"})
    assert client.get(url).status_code == 404


def test_feeds_are_advertised(client, site):
    page = client.get(site.bjast.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml"' in page
    assert reverse("articles:organization-feed-atom", kwargs={"slug": "bjast"}) in page


@pytest.mark.parametrize("name", ["articles:feed-rss", "articles:feed-atom"])
def test_feed_queries_do_not_grow(client, site, name):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(name))
        return len(queries)

    small = count()
    factories.CreditFactory.create_batch(15)
    assert count() == small == 3
