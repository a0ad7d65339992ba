"""People, their aliases and the positions they hold."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import (
    Person,
    PersonAlias,
    Position,
)
from .base import (
    ArticleChoiceLimits,
    ArticlePartPermissions,
    SearchMixin,
    VersionedAdmin,
    VersionedInlineMixin,
)


class PersonAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = PersonAlias
    extra = 0


class PositionInline(ArticleChoiceLimits, VersionedInlineMixin, admin.TabularInline):
    model = Position
    extra = 0
    fields = [
        "order",
        "organization",
        "title",
        "start_date",
        "end_date",
        "reported_in",
        "version",
    ]
    autocomplete_fields = ["organization", "reported_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")


@admin.register(Person)
class PersonAdmin(SearchMixin, VersionedAdmin):
    list_display = ["name", "slug", "alias_names", "titles", "directive_count"]
    list_filter = [("positions__organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "aliases__name", "positions__title"]
    ordering = ["name", "slug"]
    list_per_page = 100
    fields = ["name", "slug", "description", "version"]
    inlines = [PersonAliasInline, PositionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(directive_total=Count("directive_sets__items", distinct=True))
            .prefetch_related("aliases", "positions__organization")
        )

    @admin.display(description=_("aliases"))
    def alias_names(self, person):
        return "、".join(alias.name for alias in person.aliases.all())

    @admin.display(description=_("titles"))
    def titles(self, person):
        return format_html_join(
            "",
            "<div>{} {}</div>",
            ((p.organization.name, p.title) for p in person.positions.all()),
        )

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, person):
        return person.directive_total


@admin.register(Position)
class PositionAdmin(ArticleChoiceLimits, ArticlePartPermissions, VersionedAdmin):
    """Positions follow the article rule: only 主编 may change one reported in
    a published or scheduled article (``permissions.can_change``)."""

    list_display = [
        "person",
        "organization",
        "title",
        "order",
        "start_date",
        "end_date",
    ]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "organization"]
    search_fields = [
        "title",
        "person__name",
        "person__aliases__name",
        "organization__name",
        "organization__aliases__name",
    ]
    ordering = ["person__name", "order", "pk"]
    list_per_page = 100
    autocomplete_fields = ["person", "organization", "reported_in"]

    def get_queryset(self, request):
        # __str__ names both the person and the organization (autocomplete too).
        return super().get_queryset(request).select_related("person", "organization")


@admin.register(PersonAlias)
class PersonAliasAdmin(VersionedAdmin):
    list_display = ["name", "person"]
    list_select_related = ["person"]
    list_filter = [("person", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "person__name"]
    ordering = ["person__name", "name"]
    list_per_page = 100
    autocomplete_fields = ["person"]
