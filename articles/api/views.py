"""ViewSets for /api/v1/: query shaping, visibility, response shaping, HTTP.

Every viewset starts from the rows the request may see (``visibility.py``)
and prefetches only what the response will show, so each list runs a fixed number
of queries whatever the page size, with or without ``expand``.
"""

import hashlib

import reversion
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.models import (
    Article,
    Credit,
    Directive,
    DirectiveSet,
    Organization,
    OrganizationMention,
    PersonMention,
)

from . import filters, serializers
from .exceptions import StaleVersion
from .visibility import visible_articles, visible_people, visible_positions


def _csv(request, name):
    raw = request.query_params.get(name)
    if raw is None:
        return []
    return [item.strip() for item in raw.split(",") if item.strip()]


class NewsroomViewSet(viewsets.ModelViewSet):
    """Shared behaviour of the API's resources.

    * Unknown query parameters are a 400 naming them (a typo in a filter must
      not silently return everything).
    * ``fields`` picks fields; ``expand`` embeds related objects.
    * GET responses carry an ``ETag`` (a hash of the body) and answer a matching
      ``If-None-Match`` with 304. No ``Last-Modified`` is offered: directives,
      people and positions record no time of change, and an article leaving a
      list moves no date, so only the body's hash can prove a response unchanged.
    * Writes run in a transaction; integrity and protected-delete errors are
      400/409, never 500.
    """

    list_serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None
    filter_backends = [DjangoFilterBackend, filters.StrictOrderingFilter]
    # Any path segment reaches the view, so a malformed lookup is a JSON 404 too.
    lookup_value_regex = r"[^/]+"
    shape_params = ("fields", "expand")
    common_params = ("format",)

    visible_fields = None  # None: every field (as in the OpenAPI schema)
    expanded = frozenset()

    # Request checks and shaping.

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)
        self.shape_response(request)

    def allowed_query_params(self):
        allowed = {*self.common_params, *self.shape_params}
        if self.action == "list":
            allowed |= set(self.filterset_class.base_filters)
            allowed |= set(self.pagination_class.query_params)
            allowed.add(filters.StrictOrderingFilter.ordering_param)
        return allowed

    def check_query_params(self, request):
        unknown = sorted(set(request.query_params) - self.allowed_query_params())
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Unknown query parameter.")] for name in unknown}
            )
        # An empty value would otherwise be ignored and silently match everything.
        empty = sorted(
            name
            for name, values in request.query_params.lists()
            if any(not value.strip() for value in values)
        )
        if empty:
            raise exceptions.ValidationError(
                {name: [_("This parameter cannot be empty.")] for name in empty}
            )

    def read_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        return self.detail_serializer_class

    def shape_response(self, request):
        serializer_class = self.read_serializer_class()
        declared = serializer_class.Meta.fields
        expandable = serializer_class.Meta.expandable
        errors = {}
        expand = _csv(request, "expand")
        fields = _csv(request, "fields")
        unknown_expansions = [name for name in expand if name not in expandable]
        if unknown_expansions:
            errors["expand"] = [
                _("Cannot expand %(names)s; choose from: %(choices)s.")
                % {
                    "names": ", ".join(unknown_expansions),
                    "choices": ", ".join(expandable) or "—",
                }
            ]
        unknown_fields = [name for name in fields if name not in declared]
        if unknown_fields:
            errors["fields"] = [
                _("Unknown fields %(names)s; choose from: %(choices)s.")
                % {"names": ", ".join(unknown_fields), "choices": ", ".join(declared)}
            ]
        if errors:
            raise exceptions.ValidationError(errors)
        self.expanded = frozenset(expand) | (frozenset(fields) & set(expandable))
        if fields:
            shown = set(fields) | self.expanded
        else:
            shown = {n for n in declared if n not in expandable or n in self.expanded}
        self.visible_fields = frozenset(shown)

    def shows(self, name):
        """Whether the response shows field ``name`` (so it must be prefetched)."""
        return self.visible_fields is None or name in self.visible_fields

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.read_serializer_class()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.visible_fields is not None and self.action in ("list", "retrieve"):
            self.prune(serializer)
        return serializer

    def prune(self, serializer):
        target = getattr(serializer, "child", serializer)
        for name in list(target.fields):
            if name not in self.visible_fields:
                target.fields.pop(name)

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if "\x00" in lookup or (
            self.lookup_field == "pk" and not (lookup.isascii() and lookup.isdigit())
        ):
            raise exceptions.NotFound()
        return super().get_object()

    # Writes: validate with the write serializer, answer with the detail form.

    def _respond_with_detail(self, instance, status_code):
        instance = self.get_queryset().get(pk=instance.pk)
        serializer = self.detail_serializer_class(
            instance, context=self.get_serializer_context()
        )
        self.prune(serializer)
        return Response(serializer.data, status=status_code)

    def check_write_rights(self, *, instance, attrs):
        """Refuse a write the model permission allows but the workflow does not.

        ``instance`` is None for a create; ``attrs`` are the validated fields
        (empty for a delete). Resources whose writes touch an article apply the
        editing rule of ``services.can_edit_article``.
        """

    def _save(self, serializer, *, comment):
        """Save in one transaction, as one revision naming the user.

        An update of a versioned object must carry the ``version`` the client
        read; ``services.object_claim_version`` refuses it (409) if someone
        changed the object since, so no update overwrites another unseen.
        """
        instance = serializer.instance
        expected_version = serializer.validated_data.pop("version", None)
        versioned = hasattr(serializer.Meta.model, "version")
        if instance is not None and versioned:
            if expected_version is None:
                raise exceptions.ValidationError(
                    {"version": [_("Send the version of the object you read.")]}
                )
            services.object_record_initial_version(instance=instance)
        try:
            with transaction.atomic(), reversion.create_revision():
                if instance is not None and versioned:
                    services.object_claim_version(
                        instance=instance, expected_version=expected_version
                    )
                saved = serializer.save()
                reversion.set_user(self.request.user)
                reversion.set_comment(comment)
                return saved
        except services.StaleVersionError as error:
            raise StaleVersion(str(error)) from error
        except IntegrityError as error:
            raise exceptions.ValidationError(
                [_("This change conflicts with existing data.")]
            ) from error

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_write_rights(instance=None, attrs=serializer.validated_data)
        instance = self._save(serializer, comment=_("Created through the API."))
        return self._respond_with_detail(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        self.check_write_rights(
            instance=serializer.instance, attrs=serializer.validated_data
        )
        instance = self._save(serializer, comment=_("Changed through the API."))
        return self._respond_with_detail(instance, status.HTTP_200_OK)

    def perform_destroy(self, instance):
        self.check_write_rights(instance=instance, attrs={})
        services.object_record_initial_version(instance=instance)
        with transaction.atomic():
            instance.delete()

    # Conditional GET.

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        response.render()
        digest = hashlib.sha256(response["Content-Type"].encode())
        digest.update(response.content)
        etag = f'W/"{digest.hexdigest()[:32]}"'
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
        return get_conditional_response(request, etag=etag, response=response)


def _shape_parameters(serializer_class):
    """OpenAPI parameters for ``fields`` and (where it applies) ``expand``."""
    parameters = [
        OpenApiParameter(
            "fields",
            {"type": "array", "items": {"enum": list(serializer_class.Meta.fields)}},
            style="form",
            explode=False,
            description=_(
                "Comma-separated fields to return (default: all but the "
                "expandable ones). Naming an expandable field expands it."
            ),
        )
    ]
    if serializer_class.Meta.expandable:
        parameters.append(
            OpenApiParameter(
                "expand",
                {
                    "type": "array",
                    "items": {"enum": list(serializer_class.Meta.expandable)},
                },
                style="form",
                explode=False,
                description=_("Comma-separated related objects to embed."),
            )
        )
    return parameters


def _documented(list_serializer, detail_serializer):
    return extend_schema_view(
        list=extend_schema(parameters=_shape_parameters(list_serializer)),
        retrieve=extend_schema(parameters=_shape_parameters(detail_serializer)),
        create=extend_schema(responses={201: detail_serializer}),
        update=extend_schema(responses={200: detail_serializer}),
        partial_update=extend_schema(responses={200: detail_serializer}),
    )


@_documented(serializers.ArticleListSerializer, serializers.ArticleDetailSerializer)
class ArticleViewSet(NewsroomViewSet):
    """Articles: published ones for everybody, drafts and scheduled for editors."""

    list_serializer_class = serializers.ArticleListSerializer
    detail_serializer_class = serializers.ArticleDetailSerializer
    write_serializer_class = serializers.ArticleWriteSerializer
    filterset_class = filters.ArticleFilter
    ordering_fields = ["published_at", "updated_at", "title", "id"]
    ordering = ["-published_at", "-id"]
    lookup_field = "slug"

    def get_queryset(self):
        queryset = visible_articles(self.request).with_related()
        if self.shows("people"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "person_mentions",
                    queryset=PersonMention.objects.select_related("person"),
                )
            )
        if self.shows("organizations"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "organization_mentions",
                    queryset=OrganizationMention.objects.select_related("organization"),
                )
            )
        if self.shows("credits"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "credits", queryset=Credit.objects.select_related("organization")
                )
            )
        if self.shows("photos"):
            queryset = queryset.prefetch_related("photos")
        if self.shows("directives") or self.shows("directive_sets"):
            # An article's directives are visible exactly when the article is.
            queryset = queryset.prefetch_related(
                Prefetch(
                    "directive_sets",
                    queryset=DirectiveSet.objects.with_related().order_by("number"),
                ),
                Prefetch("directive_sets__items", queryset=Directive.objects.all()),
            )
        return queryset

    def check_write_rights(self, *, instance, attrs):
        user = self.request.user
        if not services.can_edit_article(user, instance):
            raise exceptions.PermissionDenied(
                _("Only chief editors may change a published or scheduled article.")
            )
        status_after = attrs.get("status", getattr(instance, "status", None))
        date_after = attrs.get("published_at", getattr(instance, "published_at", None))
        publishing = status_after == Article.Status.PUBLISHED and (
            instance is None
            or instance.status != Article.Status.PUBLISHED
            or date_after != instance.published_at
        )
        if publishing and not services.can_publish(user):
            raise exceptions.PermissionDenied(
                _("You do not have permission to publish articles.")
            )


@_documented(serializers.DirectiveSetSerializer, serializers.DirectiveSetSerializer)
class DirectiveSetViewSet(NewsroomViewSet):
    """Directive sets (刘晖 · 四点要求) with their items in order."""

    list_serializer_class = serializers.DirectiveSetSerializer
    detail_serializer_class = serializers.DirectiveSetSerializer
    write_serializer_class = serializers.DirectiveSetWriteSerializer
    filterset_class = filters.DirectiveSetFilter
    ordering_fields = ["published_at", "number", "id"]
    ordering = ["-published_at", "article_id", "number"]

    def get_queryset(self):
        return (
            DirectiveSet.objects.filter(article__in=visible_articles(self.request))
            .with_related()
            .prefetch_related(
                Prefetch("items", queryset=Directive.objects.order_by("ordinal"))
            )
            .annotate(published_at=F("article__published_at"))
        )

    def check_write_rights(self, *, instance, attrs):
        articles = {getattr(instance, "article", None), attrs.get("article")}
        for article in articles - {None}:
            if not services.can_edit_article(self.request.user, article):
                raise exceptions.PermissionDenied(
                    _(
                        "Only chief editors may change the directives of a "
                        "published or scheduled article."
                    )
                )


@_documented(serializers.DirectiveSerializer, serializers.DirectiveSerializer)
class DirectiveViewSet(NewsroomViewSet):
    """Directives (the items of sets), with issuer, position held and addressees."""

    list_serializer_class = serializers.DirectiveSerializer
    detail_serializer_class = serializers.DirectiveSerializer
    write_serializer_class = serializers.DirectiveWriteSerializer
    filterset_class = filters.DirectiveFilter
    ordering_fields = ["published_at", "set_number", "ordinal", "id"]

    def get_queryset(self):
        return (
            Directive.objects.filter(
                directive_set__article__in=visible_articles(self.request)
            )
            .with_related()
            .annotate(
                published_at=F("directive_set__article__published_at"),
                set_number=F("directive_set__number"),
            )
        )

    def check_write_rights(self, *, instance, attrs):
        sets = {getattr(instance, "directive_set", None), attrs.get("directive_set")}
        for directive_set in sets - {None}:
            if not services.can_edit_article(self.request.user, directive_set.article):
                raise exceptions.PermissionDenied(
                    _(
                        "Only chief editors may change the directives of a "
                        "published or scheduled article."
                    )
                )


def _positions(request):
    return (
        visible_positions(request)
        .select_related("person", "organization")
        .prefetch_related(Prefetch("reported_in", queryset=visible_articles(request)))
    )


def _mentions(model, request):
    return model.objects.filter(article__in=visible_articles(request)).select_related(
        "article"
    )


@_documented(serializers.PersonListSerializer, serializers.PersonDetailSerializer)
class PersonViewSet(NewsroomViewSet):
    """People, with their aliases and positions and the articles naming them."""

    list_serializer_class = serializers.PersonListSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    write_serializer_class = serializers.PersonWriteSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["name", "id"]
    lookup_field = "slug"

    def get_queryset(self):
        queryset = visible_people(self.request).prefetch_related("aliases")
        if self.shows("positions"):
            queryset = queryset.prefetch_related(
                Prefetch("positions", queryset=_positions(self.request))
            )
        if self.shows("mentions"):
            queryset = queryset.prefetch_related(
                Prefetch("mentions", queryset=_mentions(PersonMention, self.request))
            )
        return queryset


@_documented(
    serializers.OrganizationListSerializer, serializers.OrganizationDetailSerializer
)
class OrganizationViewSet(NewsroomViewSet):
    """Organizations, with aliases, parent and children, titles held there and
    the articles naming them."""

    list_serializer_class = serializers.OrganizationListSerializer
    detail_serializer_class = serializers.OrganizationDetailSerializer
    write_serializer_class = serializers.OrganizationWriteSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = ["name", "kind", "id"]
    lookup_field = "slug"

    def get_queryset(self):
        queryset = Organization.objects.select_related("parent").prefetch_related(
            "aliases"
        )
        if self.shows("children"):
            queryset = queryset.prefetch_related(
                Prefetch("children", queryset=Organization.objects.order_by("name"))
            )
        if self.shows("positions"):
            queryset = queryset.prefetch_related(
                Prefetch("positions", queryset=_positions(self.request))
            )
        if self.shows("mentions"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "mentions", queryset=_mentions(OrganizationMention, self.request)
                )
            )
        return queryset


@_documented(serializers.PositionSerializer, serializers.PositionSerializer)
class PositionViewSet(NewsroomViewSet):
    """Titles people hold at organizations."""

    list_serializer_class = serializers.PositionSerializer
    detail_serializer_class = serializers.PositionSerializer
    write_serializer_class = serializers.PositionWriteSerializer
    filterset_class = filters.PositionFilter
    ordering_fields = ["title", "order", "start_date", "id"]

    def get_queryset(self):
        return _positions(self.request)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Anything else under /api/v1/ is a JSON 404, like every other API error."""

    permission_classes = []
    _ignore_model_permissions = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
