"""Organizations, their aliases and their children."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    Organization,
    OrganizationAlias,
)
from .base import (
    SearchMixin,
    VersionedAdmin,
    VersionedInlineMixin,
)


class OrganizationAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = OrganizationAlias
    extra = 0


class ChildOrganizationInline(admin.TabularInline):
    """The organizations under this one, listed with links to their pages."""

    model = Organization
    fk_name = "parent"
    verbose_name = _("child organization")
    verbose_name_plural = _("child organizations")
    fields = ["name", "kind"]
    readonly_fields = ["name", "kind"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(SearchMixin, VersionedAdmin):
    list_display = ["name", "kind", "parent", "alias_names", "child_count"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "aliases__name"]
    ordering = ["name"]
    list_per_page = 100
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "description", "version"]
    inlines = [OrganizationAliasInline, ChildOrganizationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(child_total=Count("children", distinct=True))
            .prefetch_related("aliases")
        )

    @admin.display(description=_("aliases"))
    def alias_names(self, organization):
        return "、".join(alias.name for alias in organization.aliases.all())

    @admin.display(description=_("child organizations"), ordering="child_total")
    def child_count(self, organization):
        return organization.child_total


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(VersionedAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "organization__name"]
    ordering = ["organization__name", "name"]
    list_per_page = 100
    autocomplete_fields = ["organization"]
