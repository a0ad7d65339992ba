from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article-list"),
    path(
        "articles/<str:slug>/", views.ArticleDetailView.as_view(), name="article-detail"
    ),
    path(
        "organizations/<str:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("people/<str:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
]
