"""One FilterSet per resource, every filter declared by hand.

Related objects are named by slug, as the public pages name them. Filters across
many-valued relations use ``pk__in`` subqueries, so results never repeat and the
count stays right. ``q`` searches with ``icontains``, which matches Chinese text on
SQLite and PostgreSQL alike (Chinese has no case; there is no stemming to miss).
"""

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from articles import search
from articles.models import (
    Article,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationAlias,
    Person,
    Position,
)
from articles.visibility import visible_organizations, visible_positions


def _search_help(what):
    return _("Text search (substring match, Chinese welcome) in %(what)s.") % {
        "what": what
    }


class ArticleFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text=_(
            "Text search (substring match, Chinese welcome) in the title, lede, "
            "body, directive texts, and the names and aliases of the people and "
            "organizations mentioned."
        ),
    )
    published_after = filters.DateFilter(
        field_name="published_at",
        lookup_expr="date__gte",
        help_text=_("Published on or after this date (YYYY-MM-DD, Beijing time)."),
    )
    published_before = filters.DateFilter(
        field_name="published_at",
        lookup_expr="date__lte",
        help_text=_("Published on or before this date (YYYY-MM-DD, Beijing time)."),
    )
    section = filters.CharFilter(
        method="filter_section",
        help_text=_("Section slug; a section also matches its subsections."),
    )
    publisher = filters.CharFilter(
        field_name="publisher__slug", help_text=_("Publisher's organization slug.")
    )
    tag = filters.CharFilter(method="filter_tag", help_text=_("Tag slug."))
    person = filters.CharFilter(
        method="filter_person", help_text=_("Slug of a person the article mentions.")
    )
    organization = filters.CharFilter(
        method="filter_organization",
        help_text=_("Slug of an organization the article mentions."),
    )
    status = filters.ChoiceFilter(
        choices=Article.Status.choices,
        help_text=_(
            "Publication status; only editors can see drafts, so for anyone "
            "else “draft” finds nothing."
        ),
    )

    class Meta:
        model = Article
        fields = []

    def filter_queryset(self, queryset):
        # q last: search ranks the newest matches of what the other filters
        # kept, so a filter never narrows an already capped list.
        q = self.form.cleaned_data.pop("q", "")
        queryset = super().filter_queryset(queryset)
        return self.filter_q(queryset, "q", q) if q else queryset

    def filter_q(self, queryset, name, value):
        return search.search_article_api(queryset, value)

    def filter_section(self, queryset, name, value):
        return queryset.in_section(value)

    def filter_tag(self, queryset, name, value):
        return queryset.tagged(value)

    def filter_person(self, queryset, name, value):
        return queryset.naming_person(value)

    def filter_organization(self, queryset, name, value):
        return queryset.naming_organization(value)


class DirectiveFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        help_text=_(
            "Text search (substring match, Chinese welcome) in the directive's "
            "text, summary and set heading and the issuer's name and aliases."
        ),
    )
    issuer = filters.CharFilter(
        field_name="directive_set__issuer__slug", help_text=_("Issuer's person slug.")
    )
    addressee = filters.CharFilter(
        method="filter_addressee",
        help_text=_("Slug of an organization the directive is addressed to."),
    )
    article = filters.CharFilter(
        field_name="directive_set__article__slug", help_text=_("Article slug.")
    )
    set_heading = filters.CharFilter(
        field_name="directive_set__heading",
        help_text=_("Set heading exactly as the text gives it, e.g. 四点要求."),
    )
    kind = filters.ChoiceFilter(
        field_name="directive_set__kind",
        choices=Directive.Kind.choices,
        help_text=_("Kind of directive."),
    )
    date_after = filters.DateFilter(
        field_name="directive_set__article__published_at",
        lookup_expr="date__gte",
        help_text=_("Issued in an article published on or after this date."),
    )
    date_before = filters.DateFilter(
        field_name="directive_set__article__published_at",
        lookup_expr="date__lte",
        help_text=_("Issued in an article published on or before this date."),
    )

    class Meta:
        model = Directive
        fields = []

    def filter_q(self, queryset, name, value):
        return search.search_directives(queryset, value)

    def filter_addressee(self, queryset, name, value):
        return queryset.filter(
            directive_set__in=DirectiveSet.addressees.through.objects.filter(
                organization__slug=value
            ).values("directiveset")
        )


class DirectiveSetFilter(filters.FilterSet):
    issuer = filters.CharFilter(
        field_name="issuer__slug", help_text=_("Issuer's person slug.")
    )
    addressee = filters.CharFilter(
        method="filter_addressee",
        help_text=_("Slug of an organization the directive is addressed to."),
    )
    article = filters.CharFilter(
        field_name="article__slug", help_text=_("Article slug.")
    )
    heading = filters.CharFilter(
        help_text=_("Set heading exactly as the text gives it, e.g. 四点要求.")
    )
    kind = filters.ChoiceFilter(
        choices=DirectiveSet.Kind.choices, help_text=_("Kind of directive.")
    )
    date_after = filters.DateFilter(
        field_name="article__published_at",
        lookup_expr="date__gte",
        help_text=_("Issued in an article published on or after this date."),
    )
    date_before = filters.DateFilter(
        field_name="article__published_at",
        lookup_expr="date__lte",
        help_text=_("Issued in an article published on or before this date."),
    )

    class Meta:
        model = DirectiveSet
        fields = []

    def filter_addressee(self, queryset, name, value):
        return queryset.filter(
            pk__in=DirectiveSet.addressees.through.objects.filter(
                organization__slug=value
            ).values("directiveset")
        )


class PersonFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", help_text=_search_help(_("the name and aliases"))
    )
    organization = filters.CharFilter(
        method="filter_organization",
        help_text=_("Slug of an organization where the person holds a title."),
    )
    title = filters.CharFilter(
        method="filter_title",
        help_text=_("Part of a title the person holds, e.g. 院长."),
    )

    class Meta:
        model = Person
        fields = []

    def filter_q(self, queryset, name, value):
        return search.search_named(queryset, value)

    def filter_organization(self, queryset, name, value):
        positions = visible_positions(self.request.user).filter(
            organization__in=visible_organizations(self.request.user).filter(slug=value)
        )
        return queryset.filter(pk__in=positions.values("person"))

    def filter_title(self, queryset, name, value):
        positions = visible_positions(self.request.user).filter(title__icontains=value)
        return queryset.filter(pk__in=positions.values("person"))


class OrganizationFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", help_text=_search_help(_("the name and aliases"))
    )
    kind = filters.ChoiceFilter(
        choices=Organization.Kind.choices, help_text=_("Kind of organization.")
    )
    parent = filters.CharFilter(
        method="filter_parent", help_text=_("Parent organization's slug.")
    )
    alias = filters.CharFilter(
        method="filter_alias",
        help_text=_("A short form exactly as the texts use it, e.g. 北科院."),
    )

    class Meta:
        model = Organization
        fields = []

    def filter_q(self, queryset, name, value):
        return search.search_named(queryset, value)

    def filter_parent(self, queryset, name, value):
        # A hidden organization's slug filters as one that does not exist.
        parents = visible_organizations(self.request.user).filter(slug=value)
        return queryset.filter(parent__in=parents)

    def filter_alias(self, queryset, name, value):
        return queryset.filter(
            pk__in=OrganizationAlias.objects.filter(name=value).values("organization")
        )


class PositionFilter(filters.FilterSet):
    person = filters.CharFilter(
        field_name="person__slug", help_text=_("Person's slug.")
    )
    organization = filters.CharFilter(
        method="filter_organization", help_text=_("Organization's slug.")
    )
    title = filters.CharFilter(
        field_name="title", lookup_expr="icontains", help_text=_("Part of the title.")
    )
    current = filters.ChoiceFilter(
        method="filter_current",
        choices=[("true", _("held today")), ("false", _("no longer held"))],
        help_text=_("Whether the title is held today (by its start and end dates)."),
    )

    class Meta:
        model = Position
        fields = []

    def filter_organization(self, queryset, name, value):
        organizations = visible_organizations(self.request.user).filter(slug=value)
        return queryset.filter(organization__in=organizations)

    def filter_current(self, queryset, name, value):
        current = Position.objects.current(timezone.localdate()).values("pk")
        if value == "true":
            return queryset.filter(pk__in=current)
        return queryset.exclude(pk__in=current)


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is a 400, and ties break by id.

    The id tie-break keeps page boundaries stable when many rows share a value.
    """

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        valid = self.remove_invalid_fields(queryset, terms, view, request)
        if not terms or len(valid) != len(terms):
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        _("Order by one or more of: %(choices)s.")
                        % {"choices": ", ".join(self._choices(view))}
                    ]
                }
            )
        if not {"id", "-id"} & set(valid):
            valid.append("-id" if valid[0].startswith("-") else "id")
        return valid

    def _choices(self, view):
        names = [name for name, _label in self.get_valid_fields(None, view, {})]
        return [variant for name in names for variant in (name, f"-{name}")]

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Comma-separated sort keys; prefix “-” for descending.")
                ),
                "schema": {
                    "type": "array",
                    "items": {"type": "string", "enum": self._choices(view)},
                },
                "style": "form",
                "explode": False,
            }
        ]


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates a filter set (its
    form, a deep copy of every filter) on every request: skipped when the
    request names none of the filters, whose absence filters nothing."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not (
            set(filterset_class.base_filters) & set(request.query_params)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
