"""Forms that read the public pages' query strings (search, directive filters)."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import Directive, DirectiveSet, Organization, Person

SEARCH_MAX_LENGTH = 100


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
        error_messages={
            "invalid_choice": _(
                "No organization receiving directives here is called “%(value)s”."
            )
        },
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": _("There are no directives from the year “%(value)s”.")
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Directive.Kind.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of directive.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        public = DirectiveSet.objects.published()
        self.fields["issuer"].queryset = Person.objects.filter(
            Exists(public.filter(issuer=OuterRef("pk")))
        )
        self.fields["addressee"].queryset = Organization.objects.filter(
            Exists(public.filter(addressees=OuterRef("pk")))
        )
        years = sorted(
            {
                moment.year
                for moment in public.datetimes("article__published_at", "year")
            },
            reverse=True,
        )
        self.fields["year"].choices = [
            ("", _("All years")),
            *((str(year), str(year)) for year in years),
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
