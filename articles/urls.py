from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import condition

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"

# Pages answer If-Modified-Since from one aggregate query, before rendering;
# ConditionalGetMiddleware adds an ETag of the rendered page for If-None-Match.
conditional = condition(last_modified_func=views.site_last_modified)

urlpatterns = [
    path("", conditional(views.ArticleListView.as_view()), name="article-list"),
    path(
        "articles/<str:slug>/",
        conditional(views.ArticleDetailView.as_view()),
        name="article-detail",
    ),
    path(
        "organizations/<str:slug>/",
        conditional(views.OrganizationDetailView.as_view()),
        name="organization-detail",
    ),
    path(
        "organizations/<str:slug>/feed/rss/",
        conditional(feeds.OrganizationArticlesFeed()),
        name="organization-feed-rss",
    ),
    path(
        "organizations/<str:slug>/feed/atom/",
        conditional(feeds.OrganizationArticlesAtomFeed()),
        name="organization-feed-atom",
    ),
    path(
        "people/<str:slug>/",
        conditional(views.PersonDetailView.as_view()),
        name="person-detail",
    ),
    path(
        "directives/",
        conditional(views.DirectiveListView.as_view()),
        name="directive-list",
    ),
    path("search/", conditional(views.SearchView.as_view()), name="search"),
    path("feed/rss/", conditional(feeds.LatestArticlesFeed()), name="feed-rss"),
    path("feed/atom/", conditional(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path(
        "sitemap.xml",
        conditional(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
