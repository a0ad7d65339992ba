"""sitemap.xml is valid XML and lists only published material."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.site_data import build_site

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def site():
    return build_site()


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def test_sitemap_lists_published_pages(client, site):
    found = locations(client)
    base = "http://testserver"
    for obj in (
        site.conference,
        site.later,
        site.bjast,
        site.unit,
        site.commission,
        site.liu,
        site.wu,
    ):
        assert base + obj.get_absolute_url() in found, obj
    assert base + "/" in found
    assert base + "/directives/" in found
    assert found[base + site.conference.get_absolute_url()] == (
        # The sitemap writes the date in Beijing time, as the site shows dates.
        timezone.localtime(site.conference.updated_at).date().isoformat()
    )


def test_sitemap_leaves_out_unpublished_material(client, site):
    found = " ".join(locations(client))
    for obj in (site.draft, site.scheduled, site.secret, site.hidden_org):
        assert obj.get_absolute_url() not in found, obj
    # Named only in unpublished articles, an organization or person stays out.
    assert len(locations(client)) == 2 + 2 + 3 + 2


def test_sitemap_queries_do_not_grow(client, site):
    def count():
        with CaptureQueriesContext(connection) as queries:
            locations(client)
        return len(queries)

    small = count()
    for _ in range(5):
        factories.PersonMentionFactory(article=site.later)
        factories.OrganizationMentionFactory(article=site.later)
    assert count() == small == 6  # a count and a page per model sitemap
