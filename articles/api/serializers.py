"""Representations of the newsroom's resources.

Read serializers come in pairs: a compact list form and a detail form that adds
weight. Fields named in ``Meta.expandable`` are left out unless the client asks
for them with ``expand`` (or names them in ``fields``); the view prunes fields and
prefetches exactly what is shown. Related objects appear as small references
(``id``, ``slug``, name, API ``url``).

Write serializers are separate, take related objects by slug, and run the
model's own validation (``full_clean``: fields, unique and check constraints) so
that bad input is a 400 with field-level messages, never a database error.
"""

import copy
import json

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils import encoders

from articles import cache
from articles.models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    MentionRole,
    Organization,
    OrganizationMention,
    Person,
    PersonMention,
    Photo,
    Position,
    Section,
    Tag,
)
from articles.text import normalize_newlines

from .fields import RFC3339DateTimeField


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.ReadOnlyField):
    """The absolute URL of the object's public page."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, obj):
        url = obj.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CachedItemsListSerializer(serializers.ListSerializer):
    """A list whose items' representations are kept in the fragment cache,
    each until one of the records it shows changes.

    Only when the view puts ``item_cache`` (the variant: fields shown, host)
    and ``item_rows`` in the context, as ``ArticleViewSet`` does for
    anonymous lists. The list's items are then bare objects (ids: the page's
    membership and order, read fresh); each item is a
    ``cache.RecordsFragments`` entry keyed by its id and tagged with the
    records the child's ``records(row)`` names, so a write elsewhere leaves
    it warm and a change to anything it shows makes it a miss at once.
    ``item_rows(ids)`` reads the missing items' rows with their related
    rows, after the look-up has read the content clock (an entry's tick must
    come before its rows are read); a page of hits reads none.
    """

    def to_representation(self, data):
        variant = self.context.get("item_cache")
        if variant is None:
            return super().to_representation(data)
        ids = [item.pk for item in (data.all() if hasattr(data, "all") else data)]
        fragments = cache.RecordsFragments(
            f"{type(self.child).__name__}.item", variant, ids
        )
        found = {pk: json.loads(value) for pk, value in fragments.values.items()}
        missing = [pk for pk in ids if pk not in found]
        rows = self.context["item_rows"](missing) if missing else []
        made = {row.pk: self.child.to_representation(row) for row in rows}
        # Kept as JSON text: plain values, never the objects they came from.
        fragments.store(
            {
                row.pk: (
                    json.dumps(
                        made[row.pk], cls=encoders.JSONEncoder, ensure_ascii=False
                    ),
                    self.child.records(row),
                )
                for row in rows
            }
        )
        found.update(made)
        # An item whose row is gone since the page was read (unpublished,
        # deleted) is left out, as the next read would leave it.
        return [found[pk] for pk in ids if pk in found]


class ReadSerializer(serializers.ModelSerializer):
    """A representation only: every field read-only, so none is "required"."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: RFC3339DateTimeField,
    }

    # The fields a response shows, when the view says (``prune``); None: all.
    shown_fields = None

    def get_field_names(self, declared_fields, info):
        names = super().get_field_names(declared_fields, info)
        if self.shown_fields is None:
            return names
        return [name for name in names if name in self.shown_fields]

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
            field.required = False
        return fields


# References: what a related object looks like inside another one.


class SectionParentSerializer(ReadSerializer):
    class Meta:
        model = Section
        fields = ["id", "slug", "name"]


class SectionSerializer(ReadSerializer):
    parent = SectionParentSerializer(read_only=True)

    class Meta:
        model = Section
        fields = ["id", "slug", "name", "parent"]


class TagSerializer(ReadSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name"]


class OrganizationRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug"
    )

    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "url"]


class PersonRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:person-detail", lookup_field="slug"
    )

    class Meta:
        model = Person
        fields = ["id", "slug", "name", "url"]


class ArticleRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:article-detail", lookup_field="slug"
    )

    class Meta:
        model = Article
        fields = ["id", "slug", "title", "published_at", "url"]


class PositionRefSerializer(ReadSerializer):
    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "title", "organization"]


# Pieces of an article.


class CreditSerializer(ReadSerializer):
    organization = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Credit
        fields = ["role", "name", "organization"]


class PhotoSerializer(ReadSerializer):
    image = serializers.FileField(read_only=True, use_url=True, allow_null=True)

    class Meta:
        model = Photo
        fields = ["caption", "image"]


class ArticlePersonMentionSerializer(ReadSerializer):
    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = PersonMention
        fields = ["person", "role"]


class ArticleOrganizationMentionSerializer(ReadSerializer):
    organization = OrganizationRefSerializer(read_only=True)

    class Meta:
        model = OrganizationMention
        fields = ["organization", "role"]


class MentionInSerializer(serializers.Serializer):
    """A person's or organization's appearance in an article."""

    article = ArticleRefSerializer(read_only=True)
    role = serializers.ChoiceField(choices=MentionRole.choices, read_only=True)


# Resources.


class DirectiveSetRefSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:directiveset-detail")

    class Meta:
        model = DirectiveSet
        fields = ["id", "url", "number", "heading", "label"]


def set_fields(*, person, position, organization):
    person_ref, position_ref, organization_ref = person, position, organization

    """The fields an item shares with its set (issuer, position, addressees,
    set number, heading, kind), embedding people, positions and organizations
    with the given serializers: full references or the lean ones."""

    class SetFields(serializers.Serializer):
        issuer = person_ref(source="directive_set.issuer", read_only=True)
        position = position_ref(
            source="directive_set.position", read_only=True, allow_null=True
        )
        addressees = organization_ref(
            source="directive_set.addressees", many=True, read_only=True
        )
        set_number = serializers.IntegerField(
            source="directive_set.number", read_only=True
        )
        set_heading = serializers.CharField(
            source="directive_set.heading", read_only=True
        )
        kind = serializers.ChoiceField(
            source="directive_set.kind",
            choices=DirectiveSet.Kind.choices,
            read_only=True,
        )

    return SetFields


class DirectiveSerializer(
    set_fields(
        person=PersonRefSerializer,
        position=PositionRefSerializer,
        organization=OrganizationRefSerializer,
    ),
    ReadSerializer,
):
    """An item, with what it shares with its set repeated for convenience."""

    url = serializers.HyperlinkedIdentityField(view_name="api:directive-detail")
    html_url = HtmlUrlField()
    set = DirectiveSetRefSerializer(source="directive_set", read_only=True)
    article = ArticleRefSerializer(source="directive_set.article", read_only=True)

    class Meta:
        model = Directive
        fields = [
            "id",
            "url",
            "html_url",
            "set",
            "article",
            "issuer",
            "position",
            "addressees",
            "set_number",
            "set_heading",
            "ordinal",
            "kind",
            "text",
            "summary",
            "span_start",
            "span_end",
            "version",
        ]
        expandable = ()


class DirectiveItemSerializer(ReadSerializer):
    """An item inside its set's representation."""

    url = serializers.HyperlinkedIdentityField(view_name="api:directive-detail")

    class Meta:
        model = Directive
        fields = [
            "id",
            "url",
            "ordinal",
            "text",
            "summary",
            "span_start",
            "span_end",
            "version",
        ]


class DirectiveSetSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:directiveset-detail")
    html_url = HtmlUrlField()
    article = ArticleRefSerializer(read_only=True)
    issuer = PersonRefSerializer(read_only=True)
    position = PositionRefSerializer(read_only=True, allow_null=True)
    addressees = OrganizationRefSerializer(many=True, read_only=True)
    stated_count = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The number of items the heading announces (四点要求: 4)."),
    )
    items = DirectiveItemSerializer(many=True, read_only=True)

    class Meta:
        model = DirectiveSet
        fields = [
            "id",
            "url",
            "html_url",
            "article",
            "number",
            "issuer",
            "position",
            "heading",
            "label",
            "kind",
            "addressees",
            "stated_count",
            "items",
            "version",
        ]
        expandable = ()


class PositionSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:position-detail")
    person = PersonRefSerializer(read_only=True)
    organization = OrganizationRefSerializer(read_only=True)
    reported_in = ArticleRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "url",
            "person",
            "organization",
            "title",
            "order",
            "start_date",
            "end_date",
            "reported_in",
            "version",
        ]
        expandable = ()


# Lean shapes for what an article embeds (``expand=directives,directive_sets``):
# the article is the parent and is not repeated, and people and organizations are
# named by id, slug and name (their resources are /api/v1/people/<slug>/ and
# /api/v1/organizations/<slug>/), so twenty articles with every expansion stay a
# few times the plain list, not ten.


class LeanOrganizationSerializer(ReadSerializer):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name"]


class LeanPersonSerializer(ReadSerializer):
    class Meta:
        model = Person
        fields = ["id", "slug", "name"]


class LeanPositionSerializer(ReadSerializer):
    organization = LeanOrganizationSerializer(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "title", "organization"]


class ArticleDirectiveSerializer(
    set_fields(
        person=LeanPersonSerializer,
        position=LeanPositionSerializer,
        organization=LeanOrganizationSerializer,
    ),
    ReadSerializer,
):
    """A directive inside its article, with what it shares with its set."""

    class Meta:
        model = Directive
        fields = [
            "id",
            "set_number",
            "set_heading",
            "ordinal",
            "kind",
            "issuer",
            "position",
            "addressees",
            "text",
            "summary",
            "span_start",
            "span_end",
        ]


class ArticleDirectiveItemSerializer(ReadSerializer):
    class Meta:
        model = Directive
        fields = ["id", "ordinal", "text", "summary", "span_start", "span_end"]


class ArticleDirectiveSetSerializer(ReadSerializer):
    """A directive set inside its article."""

    issuer = LeanPersonSerializer(read_only=True)
    position = LeanPositionSerializer(read_only=True, allow_null=True)
    addressees = LeanOrganizationSerializer(many=True, read_only=True)
    stated_count = serializers.IntegerField(read_only=True, allow_null=True)
    items = ArticleDirectiveItemSerializer(many=True, read_only=True)

    class Meta:
        model = DirectiveSet
        fields = [
            "id",
            "number",
            "issuer",
            "position",
            "heading",
            "label",
            "kind",
            "addressees",
            "stated_count",
            "items",
        ]


class ArticleListSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:article-detail", lookup_field="slug"
    )
    html_url = HtmlUrlField()
    section = SectionSerializer(read_only=True, allow_null=True)
    publisher = OrganizationRefSerializer(read_only=True, allow_null=True)
    tags = TagSerializer(many=True, read_only=True)
    people = ArticlePersonMentionSerializer(
        source="person_mentions", many=True, read_only=True
    )
    organizations = ArticleOrganizationMentionSerializer(
        source="organization_mentions", many=True, read_only=True
    )
    credits = CreditSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    directives = ArticleDirectiveSerializer(
        source="directive_items", many=True, read_only=True
    )
    directive_sets = ArticleDirectiveSetSerializer(many=True, read_only=True)

    class Meta:
        model = Article
        list_serializer_class = CachedItemsListSerializer
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "title",
            "lede",
            "status",
            "published_at",
            "updated_at",
            "section",
            "publisher",
            "tags",
            "people",
            "organizations",
            "credits",
            "photos",
            "directives",
            "directive_sets",
        ]
        expandable = (
            "people",
            "organizations",
            "credits",
            "photos",
            "directives",
            "directive_sets",
        )

    def records(self, article):
        """The tags (``cache.RecordsFragments``) of the records this item
        shows: the article (its parts, photos, credits, mentions, tags and
        directive sets, name it when they change), its publisher and event
        place, and the people and organizations of the relations it shows
        (mentions, credits, sets' issuers, positions and addressees). Its
        section and tags' rows are structure: a write of one changes every
        entry. Only the relations shown are followed, and those the view has
        prefetched."""
        shown = self.fields
        people = set()
        organizations = {article.publisher_id, article.event_place_id}
        if "people" in shown:
            people.update(m.person_id for m in article.person_mentions.all())
        if "organizations" in shown:
            organizations.update(
                m.organization_id for m in article.organization_mentions.all()
            )
        if "credits" in shown:
            organizations.update(c.organization_id for c in article.credits.all())
        if "directives" in shown or "directive_sets" in shown:
            for directive_set in article.directive_sets.all():
                people.add(directive_set.issuer_id)
                if directive_set.position is not None:
                    people.add(directive_set.position.person_id)
                    organizations.add(directive_set.position.organization_id)
                organizations.update(o.pk for o in directive_set.addressees.all())
        organizations.discard(None)
        return {
            f"article:{article.pk}",
            *(f"person:{pk}" for pk in people),
            *(f"organization:{pk}" for pk in organizations),
        }


class ArticleDetailSerializer(ArticleListSerializer):
    event_place = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields[:12],
            "body",
            "source_url",
            "event_date",
            "event_place",
            "created_at",
            "version",
            *ArticleListSerializer.Meta.fields[12:],
        ]
        expandable = ("directives", "directive_sets")


class PersonListSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:person-detail", lookup_field="slug"
    )
    html_url = HtmlUrlField()
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    positions = PositionSerializer(many=True, read_only=True)
    mentions = MentionInSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "name",
            "aliases",
            "positions",
            "mentions",
        ]
        expandable = ("positions", "mentions")


class PersonDetailSerializer(PersonListSerializer):
    class Meta(PersonListSerializer.Meta):
        fields = [
            *PersonListSerializer.Meta.fields[:6],
            "description",
            "version",
            *PersonListSerializer.Meta.fields[6:],
        ]
        expandable = ()


class OrganizationListSerializer(ReadSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug"
    )
    html_url = HtmlUrlField()
    parent = OrganizationRefSerializer(read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    children = OrganizationRefSerializer(many=True, read_only=True)
    positions = PositionSerializer(many=True, read_only=True)
    mentions = MentionInSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "name",
            "kind",
            "parent",
            "aliases",
            "children",
            "positions",
            "mentions",
        ]
        expandable = ("children", "positions", "mentions")


class OrganizationDetailSerializer(OrganizationListSerializer):
    class Meta(OrganizationListSerializer.Meta):
        fields = [
            *OrganizationListSerializer.Meta.fields[:8],
            "description",
            "version",
            *OrganizationListSerializer.Meta.fields[8:],
        ]
        expandable = ()


# Writes.


def django_errors(error):
    """A Django ``ValidationError`` as DRF field errors."""
    errors = serializers.as_serializer_error(error)
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors


class VerbatimTextMixin:
    """Text as sent, but with ``\n`` line endings (``normalize_newlines``);
    long text (body, lede, directive text) is not trimmed either."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(
            field_name, model_field
        )
        if isinstance(model_field, models.TextField):
            field_kwargs["trim_whitespace"] = False
        return field_class, field_kwargs

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return {name: normalize_newlines(value) for name, value in values.items()}


class ModelCleanMixin:
    """Run the model's ``full_clean()`` so constraints fail as 400, not 500."""

    clean_excludes = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance else model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=[*many_to_many, *self.clean_excludes])
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from error
        return attrs


class PublishSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("When to publish; a future time schedules. Default: now."),
    )


def _slug_field(queryset, **kwargs):
    return serializers.SlugRelatedField(slug_field="slug", queryset=queryset, **kwargs)


class VersionedWriteMixin(serializers.Serializer):
    """The version the client read, required to update (optimistic locking)."""

    version = serializers.IntegerField(
        min_value=1,
        required=False,
        write_only=True,
        help_text=_(
            "Required when updating: the `version` of the object as you read it. "
            "If someone changed it since, the update is refused with 409."
        ),
    )


class ArticleWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    section = _slug_field(Section.objects.all(), allow_null=True, required=False)
    publisher = _slug_field(Organization.objects.all(), allow_null=True, required=False)
    event_place = _slug_field(
        Organization.objects.all(), allow_null=True, required=False
    )
    tags = _slug_field(Tag.objects.all(), many=True, required=False)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "lede",
            "body",
            "section",
            "publisher",
            "source_url",
            "event_date",
            "event_place",
            "tags",
            "version",
        ]


class DirectiveSetWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    article = _slug_field(Article.objects.all())
    issuer = _slug_field(Person.objects.all())
    position = serializers.PrimaryKeyRelatedField(
        queryset=Position.objects.all(), allow_null=True, required=False
    )
    addressees = _slug_field(Organization.objects.all(), many=True, required=False)

    class Meta:
        model = DirectiveSet
        fields = [
            "article",
            "number",
            "issuer",
            "position",
            "heading",
            "kind",
            "addressees",
            "version",
        ]
        extra_kwargs = {"number": {"min_value": 1}}

    def validate(self, attrs):
        issuer = attrs.get("issuer", getattr(self.instance, "issuer", None))
        position = attrs.get("position", getattr(self.instance, "position", None))
        if position is not None and issuer is not None and position.person != issuer:
            raise serializers.ValidationError(
                {"position": [_("This position belongs to someone else.")]}
            )
        return super().validate(attrs)


class DirectiveWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    directive_set = serializers.PrimaryKeyRelatedField(
        queryset=DirectiveSet.objects.select_related("article")
    )

    # A missing ordinal continues the set (the service assigns it).
    ordinal = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Leave blank to continue the set's numbering."),
    )
    clean_excludes = ("ordinal",)

    class Meta:
        model = Directive
        fields = ["directive_set", "ordinal", "text", "summary", "version"]


class PersonWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    class Meta:
        model = Person
        fields = ["name", "slug", "description", "version"]


class OrganizationWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    parent = _slug_field(Organization.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Organization
        fields = ["name", "slug", "kind", "parent", "description", "version"]

    def validate(self, attrs):
        parent = attrs.get("parent")
        if parent is not None and self.instance and parent.pk == self.instance.pk:
            raise serializers.ValidationError(
                {"parent": [_("An organization cannot be its own parent.")]}
            )
        return super().validate(attrs)


class PositionWriteSerializer(
    VersionedWriteMixin, ModelCleanMixin, VerbatimTextMixin, serializers.ModelSerializer
):
    person = _slug_field(Person.objects.all())
    organization = _slug_field(Organization.objects.all())
    reported_in = _slug_field(Article.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Position
        fields = [
            "person",
            "organization",
            "title",
            "order",
            "start_date",
            "end_date",
            "reported_in",
            "version",
        ]

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end date cannot be before the start date.")]}
            )
        return super().validate(attrs)
