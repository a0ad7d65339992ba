"""The editors' workbench: every model editable in Chinese, with history and locks.

Three mechanisms run through the module:

* **History with rollback** (django-reversion): every admin class is a
  ``VersionAdmin``; an article's revision also records its directives, photos,
  credits and mentions, so restoring it restores the whole article.
* **No lost updates**: articles, directives, people and organizations carry a
  ``version``. Their forms post it back in a hidden field; the form refuses a
  stale one (locking the row on PostgreSQL), and the save itself is a
  conditional UPDATE, so of two saves made from one version only the first wins.
* **Publishing rights**: only holders of ``articles.publish_article`` (主编) may
  publish, unpublish, or change an article that is no longer a draft.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import services
from .admin_autocomplete import BulkAutocompleteInlineMixin
from .models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationAlias,
    OrganizationMention,
    Person,
    PersonAlias,
    PersonMention,
    Photo,
    Position,
    Section,
    Tag,
    first_clause,
)
from .photos import photo_make_renditions
from .views import ArticleDetailView

admin.site.site_header = _("Newsroom administration")
admin.site.site_title = _("Newsroom administration")
admin.site.index_title = _("Newsroom workbench")

# What a revision holds. An article's revision follows everything edited on its
# page, so rolling an article back also rolls back its directives and mentions.
reversion.register(
    Article,
    follow=[
        "directive_sets",
        "photos",
        "credits",
        "person_mentions",
        "organization_mentions",
    ],
)
reversion.register(Person, follow=["aliases", "positions"])
reversion.register(Organization, follow=["aliases"])
reversion.register(DirectiveSet, follow=["items"])
for _model in (
    Directive,
    Photo,
    Credit,
    PersonMention,
    OrganizationMention,
    PersonAlias,
    OrganizationAlias,
    Position,
    Section,
    Tag,
):
    reversion.register(_model)


def article_page_url(article, admin_site=admin.site):
    """The article's public page once public; before that, its staff preview."""
    if article.is_public:
        return article.get_absolute_url()
    return reverse(f"{admin_site.name}:articles_article_preview", args=[article.pk])


def directive_page_url(directive):
    return f"{article_page_url(directive.article)}#directive-{directive.pk}"


# Optimistic locking ---------------------------------------------------------


class VersionedModelForm(forms.ModelForm):
    """Refuses to save over a version other than the one the editor opened."""

    #: Inline rows are checked only when what is posted differs from what is
    #: stored (the version aside) or the row is deleted: a row a colleague saved
    #: without changing it does not block the save, while one they did change
    #: is refused, since posting the old values would undo their edit.
    check_unchanged = True

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk is None or "version" not in self.fields:
            return cleaned_data
        if not self.check_unchanged and not (set(self.changed_data) - {"version"}):
            return cleaned_data
        expected = cleaned_data.get("version")
        if expected is None:
            raise ValidationError(
                _("The form lacks its version number; reload the page and retry."),
                code="stale",
            )
        # Inside the admin's transaction this locks the row until the save commits
        # (PostgreSQL), so a concurrent save waits and then sees the new version.
        current = services.current_version(
            instance=instance, lock=transaction.get_connection().in_atomic_block
        )
        if current != expected:
            raise ValidationError(
                services.stale_version_message(
                    instance=instance,
                    expected_version=expected,
                    current_version=current,
                ),
                code="stale",
            )
        return cleaned_data


class VersionedInlineForm(VersionedModelForm):
    check_unchanged = False


class VersionedInlineFormSet(forms.BaseInlineFormSet):
    def save_new(self, form, commit=True):
        form.instance.version = 1
        return super().save_new(form, commit=commit)

    def save_existing(self, form, obj, commit=True):
        if not set(form.changed_data) - {"version"}:
            # Only the version differs: a colleague saved this row without
            # changing it, and there is nothing to write over their version.
            return obj
        if commit:
            services.object_claim_version(
                instance=form.instance, expected_version=form.cleaned_data["version"]
            )
        return super().save_existing(form, obj, commit=commit)


class VersionFieldMixin:
    """Renders ``version`` as a hidden field (for ModelAdmins and inlines)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version":
            return forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class VersionedInlineMixin(VersionFieldMixin):
    form = VersionedInlineForm
    formset = VersionedInlineFormSet


class NewsroomAdmin(VersionAdmin):
    """Base for every admin class: history and rollback on each object."""

    history_latest_first = True

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_change_permission(request, obj):
                # So that the state before this first edit can be restored too.
                services.object_record_initial_version(instance=obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Reverting is changing the object as it is now: an editor may not
            # turn a published article back into the draft it once was.
            current = admin.ModelAdmin.get_object(self, request, unquote(object_id))
            if current is not None and not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)


class VersionedAdmin(VersionFieldMixin, NewsroomAdmin):
    """A ModelAdmin for a model with a ``version`` field."""

    form = VersionedModelForm

    def save_model(self, request, obj, form, change):
        if change:
            services.object_claim_version(
                instance=obj, expected_version=form.cleaned_data["version"]
            )
        else:
            obj.version = 1
        super().save_model(request, obj, form, change)

    def _refuse_stale(self, request, view, *args, **kwargs):
        """A race lost at the conditional UPDATE ends as a message, not a 500.

        The exception has already rolled back the whole save (object, inlines
        and revision); the editor is sent back to the current version.
        """
        try:
            return view(request, *args, **kwargs)
        except services.StaleVersionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._refuse_stale(
            request, super().change_view, object_id, form_url, extra_context
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Reverting writes the old rows back, old version numbers included. Note
        # the current numbers first so get_object() can put them back: the form
        # then checks the reverting editor's version against the current one,
        # and every other row the revert rewrites moves to a new version.
        version = get_object_or_404(Version, pk=version_id)
        request._newsroom_versions = {}
        for row in version.revision.version_set.all():
            model = row._model
            if model is None or not any(
                f.name == "version" for f in model._meta.concrete_fields
            ):
                continue
            current = (
                model._default_manager.filter(pk=row.object_id)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None:
                request._newsroom_versions[(model, str(row.object_id))] = current
        return self._refuse_stale(
            request,
            super().revision_view,
            object_id,
            version_id,
            extra_context,
        )

    def get_object(self, request, object_id, from_field=None):
        for (model, pk), current in getattr(request, "_newsroom_versions", {}).items():
            is_main = model is self.model and pk == str(object_id)
            model._default_manager.filter(pk=pk).update(
                version=current if is_main else current + 1
            )
        return super().get_object(request, object_id, from_field)


# Shared inlines -------------------------------------------------------------


class ArticlePartPermissions:
    """Rows that belong to an article follow the article's editing rights."""

    def _article_editable(self, request, obj):
        article = obj if obj is None or isinstance(obj, Article) else obj.article
        return services.can_edit_article(request.user, article)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._article_editable(request, obj)


class ArticleInlinePermissions(ArticlePartPermissions):
    """For inlines, whose permission checks receive the parent article."""

    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and self._article_editable(request, obj)


class DirectiveFormMixin:
    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("text") and not cleaned_data.get("summary"):
            cleaned_data["summary"] = first_clause(cleaned_data["text"])
        return cleaned_data


class DirectiveSetSummaryInline(ArticleInlinePermissions, admin.TabularInline):
    """The article's sets, one line each, linking to the set's own page.

    A set is entered on its own page (issuer, position, heading and addressees
    once, its items beneath); the article only lists them.
    """

    model = DirectiveSet
    extra = 0
    fields = ["number", "issuer", "heading", "kind", "item_count"]
    readonly_fields = fields
    autocomplete_fields = ["issuer", "position", "addressees"]
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("directive sets")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "issuer")
            .annotate(item_total=Count("items"))
            .order_by("number")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("items"))
    def item_count(self, directive_set):
        return directive_set.item_total


class PhotoInline(ArticleInlinePermissions, admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["order", "image", "caption", "credit"]


class CreditInline(
    BulkAutocompleteInlineMixin, ArticleInlinePermissions, admin.TabularInline
):
    model = Credit
    extra = 0
    fields = ["order", "role", "name", "organization"]
    autocomplete_fields = ["organization"]


class PersonMentionInline(
    BulkAutocompleteInlineMixin, ArticleInlinePermissions, admin.TabularInline
):
    model = PersonMention
    extra = 0
    fields = ["order", "person", "role"]
    autocomplete_fields = ["person"]


class OrganizationMentionInline(
    BulkAutocompleteInlineMixin, ArticleInlinePermissions, admin.TabularInline
):
    model = OrganizationMention
    extra = 0
    fields = ["order", "organization", "role"]
    autocomplete_fields = ["organization"]


# Articles -------------------------------------------------------------------


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("publication state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("scheduled", _("Scheduled")),
            ("published", _("Published")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return queryset.scheduled()
            case "published":
                return queryset.published()
        return queryset


class SectionFilter(admin.SimpleListFilter):
    """Sections in use, named with their ancestry, in one query."""

    title = _("section")
    parameter_name = "section"

    def lookups(self, request, model_admin):
        sections = (
            Section.objects.filter(articles__isnull=False)
            .distinct()
            .select_related("parent__parent__parent")
        )
        return [(str(section.pk), str(section)) for section in sections]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookup_choices):
            return queryset.filter(section_id=self.value())
        return queryset


STATE_STYLES = {
    "draft": ("#6b7280", _("Draft")),
    "scheduled": ("#b45309", _("Scheduled")),
    "published": ("#15803d", _("Published")),
}


def publication_state(article):
    if article.status == Article.Status.DRAFT:
        return "draft"
    return "scheduled" if article.is_scheduled else "published"


class ArticlePreviewView(ArticleDetailView):
    """The public article page for any article, with a 预览 banner.

    Only reachable through the admin (staff, with view permission); the public
    view's queryset stays ``published()``, so drafts still 404 there.
    """

    template_name = "admin/articles/article/preview.html"

    def get_queryset(self):
        return Article.objects.with_related()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ArticleAdminForm(VersionedModelForm):
    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("status") == Article.Status.PUBLISHED
            and "published_at" in self.fields
            and not cleaned_data.get("published_at")
        ):
            # Publishing without a date means "now", as the publish action does.
            cleaned_data["published_at"] = timezone.now()
        return cleaned_data


@admin.register(Article)
class ArticleAdmin(VersionedAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "section",
        "publisher",
        "published",
        "directive_count",
        "preview_link",
    ]
    list_display_links = ["title"]
    list_filter = [
        PublicationStateFilter,
        SectionFilter,
        ("publisher", admin.RelatedOnlyFieldListFilter),
        ("tags", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["section__parent__parent", "publisher"]
    date_hierarchy = "published_at"
    search_fields = [
        "title",
        "slug",
        "lede",
        "body",
        "publisher__name",
        "publisher__aliases__name",
    ]
    ordering = ["-published_at", "-pk"]
    list_per_page = 100
    autocomplete_fields = ["section", "publisher", "event_place", "tags"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "lede", "body", "version"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "published_time_known",
                    "section",
                    "publisher",
                    "tags",
                ]
            },
        ),
        (
            _("Source and event"),
            {"fields": ["source_url", "event_date", "event_place"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [
        DirectiveSetSummaryInline,
        PersonMentionInline,
        OrganizationMentionInline,
        PhotoInline,
        CreditInline,
    ]
    actions = ["publish", "unpublish"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(directive_total=Count("directive_sets__items", distinct=True))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = widgets.AdminTextInputWidget(
                attrs={"style": "width: min(60em, 100%)"}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for photo in form.instance.photos.all():
            photo_make_renditions(photo=photo)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields += ["status", "published_at"]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and services.can_edit_article(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and services.can_edit_article(request.user, obj)

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, article):
        """The date, and the time only when the source gave one."""
        if article.published_at is None:
            return "-"
        local = timezone.localtime(article.published_at)
        if article.published_time_known:
            return date_format(local, "DATETIME_FORMAT")
        return date_format(local, "DATE_FORMAT")

    @admin.display(description=_("state"), ordering="status")
    def state(self, article):
        colour, label = STATE_STYLES[publication_state(article)]
        return format_html('<strong style="color: {}">{}</strong>', colour, label)

    @admin.display(description=_("directives"), ordering="directive_total")
    def directive_count(self, article):
        return article.directive_total

    @admin.display(description=_("page"))
    def preview_link(self, article):
        if article.is_public:
            return format_html(
                '<a href="{}" target="_blank">{}</a>',
                article.get_absolute_url(),
                _("View on site"),
            )
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            self.preview_url(article),
            _("Preview"),
        )

    def preview_url(self, article):
        return reverse(
            f"{self.admin_site.name}:articles_article_preview", args=[article.pk]
        )

    def view_on_site(self, article):
        """Public articles link to their page; the others to the preview."""
        return article_page_url(article, self.admin_site)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return ArticlePreviewView.as_view()(request, slug=article.slug)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        published, scheduled = [], []
        for article in queryset:
            article = services.article_publish(article=article, user=request.user)
            (scheduled if article.is_scheduled else published).append(article)
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article published.",
                    "%(count)d articles published.",
                    len(published),
                )
                % {"count": len(published)},
                messages.SUCCESS,
            )
        for article in scheduled:
            self.message_user(
                request,
                _("“%(title)s” is scheduled for %(time)s.")
                % {
                    "title": article.title,
                    "time": date_format(
                        timezone.localtime(article.published_at), "DATETIME_FORMAT"
                    ),
                },
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"),
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_unpublish(article=article, user=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d article is back to draft.",
                "%(count)d articles are back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# Directives -----------------------------------------------------------------


class ArticleChoiceLimits:
    """Editors may attach rows only to articles they may edit (drafts)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "article" and not services.can_publish(request.user):
            field.queryset = field.queryset.filter(status=Article.Status.DRAFT)
            field.error_messages["invalid_choice"] = _(
                "Only a chief editor may change an article that is no longer a draft."
            )
        return field


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


class DirectiveItemFormSet(VersionedInlineFormSet):
    def save_new(self, form, commit=True):
        if not form.cleaned_data.get("ordinal"):
            taken = [
                f.cleaned_data["ordinal"]
                for f in self.forms
                if f.cleaned_data.get("ordinal") and f not in self.deleted_forms
            ]
            stored = self.instance.next_ordinal() - 1 if self.instance.pk else 0
            form.instance.ordinal = max([stored, *taken]) + 1
            form.cleaned_data["ordinal"] = form.instance.ordinal
        return super().save_new(form, commit=commit)


class DirectiveItemInline(VersionedInlineMixin, admin.TabularInline):
    model = Directive
    form = DirectiveItemForm
    formset = DirectiveItemFormSet
    extra = 1
    fields = ["ordinal", "text", "summary", "span_start", "span_end", "version"]
    readonly_fields = ["span_start", "span_end"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("ordinal")

    def _article_editable(self, request, obj):
        article = getattr(obj, "article", None) if obj is not None else None
        return services.can_edit_article(request.user, article)

    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._article_editable(request, obj)


class DirectiveSetAdminForm(VersionedModelForm):
    def clean(self):
        cleaned_data = super().clean()
        issuer, position = cleaned_data.get("issuer"), cleaned_data.get("position")
        if issuer and position and position.person_id != issuer.pk:
            self.add_error("position", _("This position belongs to someone else."))
        return cleaned_data


@admin.register(DirectiveSet)
class DirectiveSetAdmin(ArticleChoiceLimits, ArticlePartPermissions, VersionedAdmin):
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
        body = directive_set.article.body
        for item in directive_set.items.all():
            start, end = item.span_start, item.span_end
            item.locate_in(body)
            if (start, end) != (item.span_start, item.span_end):
                item.save(update_fields=["span_start", "span_end"])
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
class DirectiveAdmin(VersionedAdmin):
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

    def _article_editable(self, request, obj):
        article = obj.article if obj is not None else None
        return services.can_edit_article(request.user, article)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._article_editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "directive_set" and not services.can_publish(request.user):
            field.queryset = field.queryset.filter(article__status=Article.Status.DRAFT)
        return field

    def save_model(self, request, obj, form, change):
        obj.locate_in(obj.directive_set.article.body)
        super().save_model(request, obj, form, change)

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


# People and organizations ---------------------------------------------------


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    extra = 0


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["order", "organization", "title", "start_date", "end_date", "reported_in"]
    autocomplete_fields = ["organization", "reported_in"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization")


@admin.register(Person)
class PersonAdmin(VersionedAdmin):
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


class OrganizationAliasInline(admin.TabularInline):
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
class OrganizationAdmin(VersionedAdmin):
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


@admin.register(Position)
class PositionAdmin(NewsroomAdmin):
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
class PersonAliasAdmin(NewsroomAdmin):
    list_display = ["name", "person"]
    list_select_related = ["person"]
    list_filter = [("person", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "person__name"]
    ordering = ["person__name", "name"]
    list_per_page = 100
    autocomplete_fields = ["person"]


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(NewsroomAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]
    list_filter = [("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "organization__name"]
    ordering = ["organization__name", "name"]
    list_per_page = 100
    autocomplete_fields = ["organization"]


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


# Rows of an article, also listed on their own -------------------------------


class ArticlePartAdmin(ArticleChoiceLimits, ArticlePartPermissions, NewsroomAdmin):
    list_per_page = 100
    autocomplete_fields = ["article"]
    ordering = ["article", "order", "pk"]


@admin.register(PersonMention)
class PersonMentionAdmin(ArticlePartAdmin):
    list_display = ["person", "role", "article", "order"]
    list_filter = ["role", ("person", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "article"]
    search_fields = ["person__name", "person__aliases__name", "article__title"]
    autocomplete_fields = ["article", "person"]


@admin.register(OrganizationMention)
class OrganizationMentionAdmin(ArticlePartAdmin):
    list_display = ["organization", "role", "article", "order"]
    list_filter = ["role", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization", "article"]
    search_fields = [
        "organization__name",
        "organization__aliases__name",
        "article__title",
    ]
    autocomplete_fields = ["article", "organization"]


@admin.register(Credit)
class CreditAdmin(ArticlePartAdmin):
    list_display = ["name", "role", "organization", "article", "order"]
    list_filter = ["role", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization", "article"]
    search_fields = ["name", "organization__name", "article__title"]
    autocomplete_fields = ["article", "organization"]


@admin.register(Photo)
class PhotoAdmin(ArticlePartAdmin):
    list_display = ["caption", "article", "order"]
    list_select_related = ["article"]
    search_fields = ["caption", "article__title"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        photo_make_renditions(photo=obj)
