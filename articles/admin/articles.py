"""Articles: the whole article on one page, publishing, its rows listed alone."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Prefetch
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import permissions, services
from ..models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    OrganizationMention,
    PersonMention,
    Photo,
    Section,
)
from . import imports
from .autocomplete import BulkAutocompleteInlineMixin
from .base import (
    ArticleChoiceLimits,
    ArticleInlinePermissions,
    ArticlePartPermissions,
    NewsroomAdmin,
    SearchMixin,
    VerbatimInlineMixin,
    VersionedAdmin,
    article_page_url,
)


class DirectiveSetSummaryInline(ArticleInlinePermissions, admin.StackedInline):
    """The article's sets as blocks: issuer · heading · kind · item count, the
    items beneath (ordinal and the start of the text), a link to edit the set.

    A set is entered on its own page (issuer, position, heading and addressees
    once, its items beneath); the article only shows them.
    """

    model = DirectiveSet
    extra = 0
    fields = ["outline", "item_list"]
    readonly_fields = fields
    autocomplete_fields = ["issuer", "position", "addressees"]
    show_change_link = True
    can_delete = False
    verbose_name_plural = _("directive sets")
    classes = ["directive-set-blocks"]

    #: Characters of an item's text shown in its line.
    excerpt_length = 60

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "issuer")
            .prefetch_related(
                Prefetch("items", queryset=Directive.objects.order_by("ordinal"))
            )
            .order_by("number")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("directive set"))
    def outline(self, directive_set):
        parts = [
            str(directive_set.issuer),
            directive_set.heading,
            directive_set.get_kind_display(),
            _("%(count)s items") % {"count": len(directive_set.items.all())},
        ]
        return " · ".join(str(p) for p in parts if p)

    @admin.display(description=_("items"))
    def item_list(self, directive_set):
        return format_html(
            '<ol class="directive-set-items">{}</ol>',
            format_html_join(
                "",
                '<li value="{}">{}</li>',
                (
                    (item.ordinal, Truncator(item.text).chars(self.excerpt_length))
                    for item in directive_set.items.all()
                ),
            ),
        )


class PhotoInline(ArticleInlinePermissions, VerbatimInlineMixin, admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["order", "image", "caption", "credit"]


class CreditInline(
    BulkAutocompleteInlineMixin,
    ArticleInlinePermissions,
    VerbatimInlineMixin,
    admin.TabularInline,
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


class PublishForm(forms.Form):
    """The publish button's optional date: in the future, it schedules."""

    published_at = forms.DateTimeField(required=False)


@admin.register(Article)
class ArticleAdmin(SearchMixin, VersionedAdmin):
    """The whole article on one page. Status and date are shown, not edited:
    they change only through publish and unpublish (actions and buttons)."""

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
    # Title, lede and body are found through the search index
    # (``SearchMixin``), never by a scan of every body.
    search_fields = [
        "title",
        "slug",
        "publisher__name",
        "publisher__aliases__name",
    ]
    ordering = ["-published_at", "-pk"]
    list_per_page = 100
    autocomplete_fields = ["section", "publisher", "event_place", "tags"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
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

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and permissions.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and permissions.can_change(request.user, obj)

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_article_import",
            ),
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="articles_article_publish",
            ),
            path(
                "<path:object_id>/unpublish/",
                self.admin_site.admin_view(self.unpublish_view),
                name="articles_article_unpublish",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kw):
        context["can_publish"] = self.has_publish_permission(request)
        return super().render_change_form(request, context, add, change, **kw)

    def _publishing_view(self, request, object_id, act):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            raise PermissionDenied
        article = get_object_or_404(Article, pk=object_id)
        article = act(article)
        self.message_user(
            request,
            _("“%(title)s” is now: %(state)s.")
            % {
                "title": article.title,
                "state": STATE_STYLES[publication_state(article)][1],
            },
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def import_view(self, request):
        return imports.import_view(self, request)

    def publish_view(self, request, object_id):
        form = PublishForm(request.POST)
        when = form.cleaned_data["published_at"] if form.is_valid() else None
        return self._publishing_view(
            request,
            object_id,
            lambda article: services.article_publish(
                article=article, user=request.user, published_at=when
            ),
        )

    def unpublish_view(self, request, object_id):
        return self._publishing_view(
            request,
            object_id,
            lambda article: services.article_unpublish(
                article=article, user=request.user
            ),
        )

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
        return article_page_url(article)

    def view_on_site(self, article):
        """Public articles link to their page; the others to the preview."""
        return article_page_url(article)

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

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, article):
        """The date, and the time only when the source gave one."""
        if article.published_at is None:
            return "-"
        local = timezone.localtime(article.published_at)
        if article.published_time_known:
            return date_format(local, "DATETIME_FORMAT")
        return date_format(local, "DATE_FORMAT")

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
