from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import imports, views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("directive-sets", views.DirectiveSetViewSet, basename="directiveset")
router.register("directives", views.DirectiveViewSet, basename="directive")
router.register("people", views.PersonViewSet, basename="person")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("positions", views.PositionViewSet, basename="position")

urlpatterns = [
    *router.urls,
    path("imports/", imports.ImportView.as_view(), name="import"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
