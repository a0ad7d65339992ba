"""ViewSets for /api/v1/: query shaping, visibility, response shaping, HTTP.

Every viewset starts from the rows the request may see (``visibility.py``)
and prefetches only what the response will show, so each list runs a fixed number
of queries whatever the page size, with or without ``expand``.
"""

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import F, Prefetch, ProtectedError, RestrictedError
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.utils import encoders
from rest_framework.views import APIView

from articles import cache, services
from articles.models import (
    Credit,
    Directive,
    DirectiveSet,
    OrganizationMention,
    PersonMention,
)
from articles.visibility import (
    visible_articles,
    visible_directive_sets,
    visible_directives,
    visible_organizations,
    visible_people,
    visible_positions,
)

from . import filters, serializers
from .exceptions import StaleVersion


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
    * Anonymous JSON reads are served from the shared response cache
      (``articles.api.middleware``, counted by the throttles first); every
      service write makes it stale (``services.writes``).
    * Writes run in a transaction; integrity and protected-delete errors are
      400/409, never 500.
    """

    list_serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None
    filter_backends = [filters.FilterBackend, filters.StrictOrderingFilter]
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
        """Leave out the fields the response does not show. A read
        serializer builds only those, and only when it is first asked for
        them: a page of cached items never builds any."""
        target = getattr(serializer, "child", serializer)
        if isinstance(target, serializers.ReadSerializer):
            target.shown_fields = self.visible_fields
            return
        for name in list(target.fields):
            if name not in self.visible_fields:
                target.fields.pop(name)

    # Reads from the shared cache: ``articles.api.middleware`` answers and
    # stores them; the view only says which responses may be shared.

    def is_shared_read(self, request, response):
        """An anonymous JSON list or item read: the same for every such reader."""
        return (
            request.method == "GET"
            and response.status_code == 200
            and self.action in ("list", "retrieve")
            and not request.user.is_authenticated
            and getattr(request, "accepted_renderer", None) is not None
            and request.accepted_renderer.format == "json"
        )

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

    def _write(self, write, **kwargs):
        """Run a service write: stale is 409, constraint clashes 400.

        The workflow rule (``articles.permissions``) is applied by the service;
        its ``PermissionDenied`` is a 403 with the service's Chinese message.
        """
        try:
            return write(user=self.request.user, **kwargs)
        except services.StaleVersionError as error:
            raise StaleVersion(str(error)) from error
        except (ProtectedError, RestrictedError):
            raise  # still referred to: a 409 from the exception handler
        except IntegrityError as error:
            raise exceptions.ValidationError(
                [_("This change conflicts with existing data.")]
            ) from error
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                serializers.django_errors(error)
            ) from error

    def refuse_fields(self, request):
        """Fields a client may not write here (``{name: message}``)."""
        return {}

    def _check_fields(self, request):
        refused = self.refuse_fields(request)
        if refused:
            raise exceptions.ValidationError(
                {name: [message] for name, message in refused.items()}
            )

    def create(self, request, *args, **kwargs):
        self._check_fields(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        model = serializer.Meta.model
        many = {field.name for field in model._meta.many_to_many}
        instance = model(**{k: v for k, v in data.items() if k not in many})
        instance = self._write(
            services.object_create,
            instance=instance,
            m2m={k: v for k, v in data.items() if k in many},
        )
        return self._respond_with_detail(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        self._check_fields(request)
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected_version = data.pop("version", None)
        if expected_version is None and hasattr(serializer.Meta.model, "version"):
            raise exceptions.ValidationError(
                {"version": [_("Send the version of the object you read.")]}
            )
        instance = self._write(
            services.object_update,
            instance=serializer.instance,
            data=data,
            expected_version=expected_version,
        )
        return self._respond_with_detail(instance, status.HTTP_200_OK)

    def perform_destroy(self, instance):
        self._write(services.object_delete, instance=instance)

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
        response.newsroom_shared = self.is_shared_read(request, response)
        conditional = get_conditional_response(request, etag=etag, response=response)
        if conditional is not response:  # a 304, not the response to share
            conditional.newsroom_shared = False
        return conditional


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
        queryset = visible_articles(self.request.user).with_related()
        if not self.shows("body"):
            queryset = queryset.defer("body")  # lists show none
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

    def item_cache_variant(self, action="list"):
        """For an anonymous list (or, with ``action="retrieve"``, item), what
        its items' cached representations depend on (the fields shown, the
        host the absolute URLs name); None when the items are not cached
        (``CachedItemsListSerializer``, ``retrieve``)."""
        request = self.request
        if (
            self.action != action
            or getattr(self, "swagger_fake_view", False)  # the schema's dry run
            or request.user.is_authenticated
            or not cache.Fragment.is_enabled()
        ):
            return None
        shown = ",".join(sorted(self.visible_fields or ()))
        return f"{shown}\n{request.scheme}\n{request.get_host()}"

    def retrieve(self, request, *args, **kwargs):
        """An anonymous reader's article is a ``cache.RecordsFragment`` found
        by slug, as the article page is: kept until a record it shows changes,
        so a hit reads no row. A hidden or unknown slug asks the database (a
        404) each time."""
        variant = self.item_cache_variant(action="retrieve")
        if variant is None:
            return super().retrieve(request, *args, **kwargs)
        fragment = cache.RecordsFragment(
            "api-article", "json:1", self.kwargs[self.lookup_field], variant
        )
        if fragment.value is None:
            # Read after the fragment's tick (see RecordsFragment).
            instance = self.get_object()
            serializer = self.get_serializer(instance)
            data = serializer.data
            fragment.store(
                json.dumps(data, cls=encoders.JSONEncoder, ensure_ascii=False),
                serializer.records(instance),
            )
            return Response(data)
        return Response(json.loads(fragment.value))

    def paginate_queryset(self, queryset):
        # Cached items are records-scoped fragments, whose entries must hold
        # the content clock's tick read before their rows were read (or a
        # write committed in between would be taken as already shown). The
        # items are only known once the page is read, so the page is read as
        # ids alone (its membership and order, always fresh); the serializer
        # then looks the items up, which reads the tick, and reads the rows
        # of the missing ones after it (``item_rows``): a page of hits reads
        # no row at all, a miss one query more than an uncached list.
        self.item_rows = None
        if self.item_cache_variant() is not None:
            self.item_rows = self.rows_by_id
            queryset = queryset.select_related(None).prefetch_related(None)
            queryset = queryset.only("id")
        return super().paginate_queryset(queryset)

    def rows_by_id(self, ids):
        """The visible rows of ``ids``, with everything the response shows."""
        return self.get_queryset().filter(pk__in=ids).order_by()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        variant = self.item_cache_variant()
        rows = getattr(self, "item_rows", None)
        if variant is not None and rows is not None:
            context.update(item_cache=variant, item_rows=rows)
        return context

    def refuse_fields(self, request):
        message = _(
            "Status and publication time change only through "
            "POST /api/v1/articles/<slug>/publish/ and /unpublish/."
        )
        fields = ("status", "published_at")
        return {name: message for name in fields if name in request.data}

    @extend_schema(
        request=serializers.PublishSerializer,
        responses={200: serializers.ArticleDetailSerializer},
        description=_(
            "Publish the article now, at its existing date, or at `published_at` "
            "(a future time schedules it). Chief editors only."
        ),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        article = self.get_object()
        payload = serializers.PublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        article = self._write(
            services.article_publish,
            article=article,
            published_at=payload.validated_data.get("published_at"),
        )
        return self._respond_with_detail(article, status.HTTP_200_OK)

    @extend_schema(
        request=None,
        responses={200: serializers.ArticleDetailSerializer},
        description=_("Take the article back to draft. Chief editors only."),
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request, slug=None):
        article = self._write(services.article_unpublish, article=self.get_object())
        return self._respond_with_detail(article, status.HTTP_200_OK)


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
            visible_directive_sets(self.request.user)
            .with_related()
            .prefetch_related(
                Prefetch("items", queryset=Directive.objects.order_by("ordinal"))
            )
            .annotate(published_at=F("article__published_at"))
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
            visible_directives(self.request.user)
            .with_related()
            .annotate(
                published_at=F("directive_set__article__published_at"),
                set_number=F("directive_set__number"),
            )
        )


def _positions(request):
    user = request.user
    return (
        visible_positions(user)
        .select_related("person", "organization")
        .prefetch_related(Prefetch("reported_in", queryset=visible_articles(user)))
    )


def _mentions(model, request):
    return model.objects.filter(
        article__in=visible_articles(request.user)
    ).select_related("article")


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
        queryset = visible_people(self.request.user).prefetch_related("aliases")
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
        visible = visible_organizations(self.request.user)
        queryset = visible.select_related("parent").prefetch_related("aliases")
        if self.shows("children"):
            queryset = queryset.prefetch_related(
                Prefetch("children", queryset=visible.order_by("name"))
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
