"""Directive sets (issuer, position, heading, addressees once) and their items."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import (
    Article,
    Directive,
    DirectiveSet,
    Position,
)
from .base import (
    ArticleChoiceLimits,
    ArticleInlinePermissions,
    ArticlePartPermissions,
    DirectiveFormMixin,
    SearchMixin,
    VersionedAdmin,
    VersionedInlineForm,
    VersionedInlineMixin,
    VersionedModelForm,
    article_page_url,
    directive_page_url,
)


class DirectiveItemForm(DirectiveFormMixin, VersionedInlineForm):
    """An item; a blank ordinal continues the set's ordinals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ordinal" in self.fields:
            self.fields["ordinal"].required = False
            self.fields["ordinal"].help_text = _(
                "Leave blank to continue the set's numbering."
            )
            if self.instance.pk is None:
                # Not the model's default 1: a new row continues the set.
                self.initial["ordinal"] = None

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None and not cleaned_data.get("ordinal"):
            self.instance.ordinal = None  # the write path continues the set
        return cleaned_data


class DirectiveItemInline(
    ArticleInlinePermissions, VersionedInlineMixin, admin.TabularInline
):
    model = Directive
    form = DirectiveItemForm
    extra = 1
    fields = ["ordinal", "text", "summary", "span_start", "span_end", "version"]
    readonly_fields = ["span_start", "span_end"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("ordinal")


class DirectiveSetAdminForm(VersionedModelForm):
    def clean(self):
        cleaned_data = super().clean()
        issuer, position = cleaned_data.get("issuer"), cleaned_data.get("position")
        if issuer and position and position.person_id != issuer.pk:
            self.add_error("position", _("This position belongs to someone else."))
        return cleaned_data


@admin.register(DirectiveSet)
class DirectiveSetAdmin(
    SearchMixin, ArticleChoiceLimits, ArticlePartPermissions, VersionedAdmin
):
    """A set entered once (issuer, position, heading, addressees), items beneath."""

    form = DirectiveSetAdminForm
    list_display = [
        "__str__",
        "number",
        "kind",
        "item_count",
        "addressee_names",
        "article",
    ]
    list_filter = [
        ("issuer", admin.RelatedOnlyFieldListFilter),
        ("addressees", admin.RelatedOnlyFieldListFilter),
        "kind",
    ]
    list_select_related = ["article", "issuer"]
    search_fields = [
        "heading",
        "issuer__name",
        "issuer__aliases__name",
        "addressees__name",
        "addressees__aliases__name",
        "article__title",
    ]
    ordering = ["article", "number"]
    list_per_page = 100
    autocomplete_fields = ["article", "issuer", "position", "addressees"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "article",
                    "number",
                    "issuer",
                    "position",
                    "heading",
                    "kind",
                    "addressees",
                    "version",
                ]
            },
        ),
    ]
    inlines = [DirectiveItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(item_total=Count("items", distinct=True))
            .prefetch_related("addressees")
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        article = initial.get("article")
        if article and "number" not in initial:
            last = (
                DirectiveSet.objects.filter(article=article)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            initial["number"] = (last or 0) + 1
        return initial

    def view_on_site(self, directive_set):
        return f"{article_page_url(directive_set.article)}#set-{directive_set.pk}"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "position":
            kwargs["queryset"] = Position.objects.select_related(
                "person", "organization"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        directive_set = form.instance
        mismatch = directive_set.count_mismatch(directive_set.items.count())
        if mismatch:
            self.message_user(
                request,
                _(
                    "The heading “%(heading)s” announces %(stated)d items, but the "
                    "set has %(actual)d. Check that no item is missing or extra "
                    "(a truncated source may lack some)."
                )
                % {
                    "heading": directive_set.heading,
                    "stated": mismatch[0],
                    "actual": mismatch[1],
                },
                messages.WARNING,
            )

    @admin.display(description=_("items"), ordering="item_total")
    def item_count(self, directive_set):
        return directive_set.item_total

    @admin.display(description=_("addressees"))
    def addressee_names(self, directive_set):
        return "、".join(org.name for org in directive_set.addressees.all())


class DirectiveAdminForm(DirectiveFormMixin, VersionedModelForm):
    pass


@admin.register(Directive)
class DirectiveAdmin(SearchMixin, VersionedAdmin):
    """Items listed on their own; each is edited within its set as well."""

    form = DirectiveAdminForm
    list_display = ["summary_or_text", "set_display", "ordinal", "article_display"]
    list_filter = [
        ("directive_set__issuer", admin.RelatedOnlyFieldListFilter),
        ("directive_set__addressees", admin.RelatedOnlyFieldListFilter),
        "directive_set__kind",
    ]
    list_select_related = ["directive_set__article", "directive_set__issuer"]
    search_fields = [
        "text",
        "summary",
        "directive_set__heading",
        "directive_set__issuer__name",
        "directive_set__issuer__aliases__name",
        "directive_set__article__title",
    ]
    ordering = ["directive_set__article", "directive_set__number", "ordinal"]
    list_per_page = 100
    autocomplete_fields = ["directive_set"]
    fields = ["directive_set", "ordinal", "text", "summary", "version"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        set_pk = initial.get("directive_set")
        if set_pk and "ordinal" not in initial:
            directive_set = DirectiveSet.objects.filter(pk=set_pk).first()
            if directive_set is not None:
                initial["ordinal"] = directive_set.next_ordinal()
        return initial

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and permissions.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and permissions.can_change(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "directive_set" and not permissions.can_publish(
            request.user
        ):
            field.queryset = field.queryset.filter(article__status=Article.Status.DRAFT)
        return field

    def view_on_site(self, directive):
        return directive_page_url(directive)

    @admin.display(description=_("text"), ordering="summary")
    def summary_or_text(self, directive):
        return directive.summary or directive.text[:40]

    @admin.display(description=_("set"), ordering="directive_set__heading")
    def set_display(self, directive):
        return str(directive.directive_set)

    @admin.display(description=_("article"), ordering="directive_set__article")
    def article_display(self, directive):
        return directive.directive_set.article
