"""Sections and tags."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    Section,
    Tag,
)
from .base import (
    NewsroomAdmin,
)

# Sections and tags ----------------------------------------------------------


@admin.register(Section)
class SectionAdmin(NewsroomAdmin):
    list_display = ["__str__", "name", "slug", "parent"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug", "parent__name"]
    ordering = ["parent__name", "name"]
    list_per_page = 100
    autocomplete_fields = ["parent"]
    # A section's name shows its ancestry (新闻 › 院内新闻).
    list_select_related = ["parent__parent__parent"]

    def get_queryset(self, request):
        # Also used by the autocomplete, which shows the same names.
        return super().get_queryset(request).select_related("parent__parent__parent")


@admin.register(Tag)
class TagAdmin(NewsroomAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, tag):
        return tag.article_total
