"""RSS and Atom feeds of the latest published articles (site-wide, per organization)."""

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import visibility
from .models import Credit, OrganizationMention, PersonMention

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """RSS 2.0 feed of the latest published articles."""

    def title(self):
        return _("Newsroom: latest articles")

    def description(self):
        return _("The latest science and policy news published by Newsroom.")

    def link(self):
        return reverse("articles:article-list")

    def feed_url(self):
        return reverse("articles:feed-rss")

    def articles(self):
        return (
            visibility.visible_articles()
            .with_related()
            .prefetch_related(
                Prefetch(
                    "credits",
                    queryset=Credit.objects.filter(role=Credit.Role.WRITER),
                    to_attr="writers",
                )
            )
        )

    def items(self):
        return self.articles()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.describe()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return "、".join(credit.name for credit in item.writers) or None

    def item_categories(self, item):
        categories = [tag.name for tag in item.tags.all()]
        if item.section:
            categories.insert(0, item.section.name)
        return categories


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def feed_url(self):
        return reverse("articles:feed-atom")


class OrganizationArticlesFeed(LatestArticlesFeed):
    """RSS feed of the published articles that name or come from one organization."""

    def get_object(self, request, slug):
        return get_object_or_404(visibility.visible_organizations(), slug=slug)

    def title(self, obj):
        return _("Newsroom: articles about %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("The latest published articles that name %(name)s.") % {
            "name": obj.name
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("articles:organization-feed-rss", kwargs={"slug": obj.slug})

    def items(self, obj):
        return self.articles().filter(
            Q(publisher=obj)
            | Exists(
                OrganizationMention.objects.filter(
                    article=OuterRef("pk"), organization=obj
                )
            )
        )[:FEED_LENGTH]


class OrganizationArticlesAtomFeed(OrganizationArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

    def feed_url(self, obj):
        return reverse("articles:organization-feed-atom", kwargs={"slug": obj.slug})


class PersonArticlesFeed(LatestArticlesFeed):
    """RSS feed of the published articles that mention one (public) person."""

    def get_object(self, request, slug):
        return get_object_or_404(visibility.visible_people(), slug=slug)

    def title(self, obj):
        return _("Newsroom: articles about %(name)s") % {"name": obj.name}

    def description(self, obj):
        return _("The latest published articles that mention %(name)s.") % {
            "name": obj.name
        }

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("articles:person-feed-rss", kwargs={"slug": obj.slug})

    def items(self, obj):
        return self.articles().filter(
            Exists(PersonMention.objects.filter(article=OuterRef("pk"), person=obj))
        )[:FEED_LENGTH]


class PersonArticlesAtomFeed(PersonArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

    def feed_url(self, obj):
        return reverse("articles:person-feed-atom", kwargs={"slug": obj.slug})
