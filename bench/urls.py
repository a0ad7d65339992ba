"""The site's URLs plus the benchmark's reference views (only with BENCH=1)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/reference/<str:slug>/", views.reference, name="bench-reference"),
    path("bench/fixed/", views.fixed, name="bench-fixed"),
    path("", include("newsroom.urls")),
]
