"""Forms that read the public pages' query strings (search, directive filters)."""

from django import forms
from django.db.models import Exists, Max, Min, OuterRef
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Article, Directive, DirectiveSet, Organization, Person, Section

SEARCH_MAX_LENGTH = 100
# The directive filters offer the issuers and addressees of this many newest sets.
CHOICE_SETS = 200
CHOICE_LIMIT = 100


class ListSelect(forms.Select):
    """A ``<select>`` of a flat choice list, its options written in Python.

    Django renders every option through a template of its own (~40 µs each):
    the directive filters' two hundred options were a third of that page's
    time. Same markup, attributes and escaping; a grouped list is left to
    Django.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option is None else option,
                    mark_safe(" selected") if str(option) in selected else "",
                    label,
                )
                for option, label in choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)


def published_years():
    """Years from the first published article's to the latest one's, newest
    first: one read of both ends of the publication-date index, not a scan of
    every set."""
    span = Article.objects.published().aggregate(
        first=Min("published_at"), last=Max("published_at")
    )
    if span["first"] is None:
        return []
    first_year = timezone.localtime(span["first"]).year
    last_year = timezone.localtime(span["last"]).year
    return list(range(last_year, first_year - 1, -1))


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "The search is too long: use at most %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. 北科院, 科技创新, 刘晖")}
        ),
    )
    section = forms.ChoiceField(label=_("Section"), required=False, widget=ListSelect)
    published_after = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Set by the links of the cards and results, kept as hidden fields.
    person = forms.SlugField(allow_unicode=True, required=False)
    organization = forms.SlugField(allow_unicode=True, required=False)
    publisher = forms.SlugField(allow_unicode=True, required=False)

    FILTERS = (
        "section",
        "published_after",
        "published_before",
        "person",
        "organization",
        "publisher",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [
            ("", _("All sections")),
            *Section.objects.order_by("name").values_list("slug", "name"),
        ]

    def filter(self, articles):
        """``articles`` narrowed by every valid filter (the API's vocabulary)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("section"):
            articles = articles.in_section(data["section"])
        if data.get("publisher"):
            articles = articles.published_by(data["publisher"])
        if data.get("person"):
            articles = articles.naming_person(data["person"])
        if data.get("organization"):
            articles = articles.naming_organization(data["organization"])
        return articles.published_between(
            data.get("published_after"), data.get("published_before")
        )


class DirectiveFilterForm(forms.Form):
    """Filters of the directives index; every field is optional.

    The issuer and addressee choices are the people and organizations that have
    directives in published articles, so the form never reveals a draft.
    """

    issuer = forms.ModelChoiceField(
        label=_("Issuer"),
        queryset=Person.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All issuers"),
        widget=ListSelect,
        error_messages={
            "invalid_choice": _("No one with directives here is called “%(value)s”.")
        },
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"),
        queryset=Organization.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All addressees"),
        widget=ListSelect,
        error_messages={
            "invalid_choice": _(
                "No organization receiving directives here is called “%(value)s”."
            )
        },
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        widget=ListSelect,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": _("There are no directives from the year “%(value)s”.")
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        widget=ListSelect,
        required=False,
        choices=[("", _("All kinds")), *Directive.Kind.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of directive.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ids of the people and organizations each select names.
        self.offered = {}
        public = DirectiveSet.objects.published()
        # What validates: anyone with a published set (one indexed lookup of the
        # slug given). What the select offers: a bounded list, below.
        self.fields["issuer"].queryset = Person.objects.filter(
            Exists(public.filter(issuer=OuterRef("pk")))
        )
        self.fields["addressee"].queryset = Organization.objects.filter(
            Exists(public.filter(addressees=OuterRef("pk")))
        )
        recent = public.order_by("-article__published_at", "-article_id").values("pk")[
            :CHOICE_SETS
        ]
        self._offer(
            "issuer",
            Person.objects.filter(directive_sets__in=recent),
            _("All issuers"),
        )
        self._offer(
            "addressee",
            Organization.objects.filter(directive_sets_received__in=recent),
            _("All addressees"),
        )
        self.fields["year"].choices = [
            ("", _("All years")),
            *((str(year), str(year)) for year in published_years()),
        ]

    def _offer(self, name, candidates, empty_label):
        """Offer the people or organizations of the newest sets, and the one
        asked for: the select never lists every issuer in the archive (~800 at
        10,000 articles); any other one is reached by its page or its slug."""
        chosen = self.data.get(name) if self.is_bound else None
        rows = candidates.distinct().order_by("name").values_list("pk", "slug", "name")
        rows = list(rows[:CHOICE_LIMIT])
        if chosen and chosen not in {slug for _pk, slug, _name in rows}:
            extra = (
                self.fields[name]
                .queryset.filter(slug=chosen)
                .values_list("pk", "slug", "name")[:1]
            )
            rows = [*extra, *rows]
        self.offered[name] = [pk for pk, _slug, _name in rows]
        self.fields[name].widget.choices = [
            ("", empty_label),
            *((slug, label) for _pk, slug, label in rows),
        ]

    def filter(self, queryset):
        """``queryset`` narrowed by every valid filter; invalid ones are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("issuer"):
            queryset = queryset.by_issuer(data["issuer"])
        if data.get("addressee"):
            queryset = queryset.addressed_to(data["addressee"])
        if data.get("year"):
            queryset = queryset.filter(
                directive_set__article__published_at__year=data["year"]
            )
        if data.get("kind"):
            queryset = queryset.filter(directive_set__kind=data["kind"])
        return queryset
