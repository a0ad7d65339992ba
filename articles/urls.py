from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"

# Conditional GET rests on ConditionalGetMiddleware's ETag, a hash of the rendered
# page: exact whatever rows the page is built from. A Last-Modified date is not
# offered, since directives, people and positions record no time of change.
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article-list"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path(
        "organizations/", views.OrganizationListView.as_view(), name="organization-list"
    ),
    path("sections/", views.SectionListView.as_view(), name="section-list"),
    path("sets/", views.DirectiveSetListView.as_view(), name="directiveset-list"),
    path(
        "sets/<int:pk>/",
        views.DirectiveSetDetailView.as_view(),
        name="directiveset-detail",
    ),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path(
        "sections/<str:slug>/", views.SectionDetailView.as_view(), name="section-detail"
    ),
    path(
        "articles/<str:slug>/",
        views.ArticleDetailView.as_view(),
        name="article-detail",
    ),
    path(
        "preview/articles/<int:pk>/",
        views.ArticlePreviewView.as_view(),
        name="article-preview",
    ),
    path(
        "organizations/<str:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<str:slug>/feed/rss/",
        feeds.OrganizationArticlesFeed(),
        name="organization-feed-rss",
    ),
    path(
        "organizations/<str:slug>/feed/atom/",
        feeds.OrganizationArticlesAtomFeed(),
        name="organization-feed-atom",
    ),
    path(
        "people/<str:slug>/",
        views.PersonDetailView.as_view(),
        name="person-detail",
    ),
    path(
        "people/<str:slug>/feed/rss/",
        feeds.PersonArticlesFeed(),
        name="person-feed-rss",
    ),
    path(
        "people/<str:slug>/feed/atom/",
        feeds.PersonArticlesAtomFeed(),
        name="person-feed-atom",
    ),
    path(
        "directives/",
        views.DirectiveListView.as_view(),
        name="directive-list",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
