"""sitemap.xml: published articles, the organizations they name, public people."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import visibility


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return visibility.visible_articles().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return visibility.visible_organizations().only("slug")


class PersonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return visibility.visible_people().only("slug")


class PageSitemap(Sitemap):
    """The index pages: home and the directives index."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:article-list", "articles:directive-list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
    "people": PersonSitemap,
}
