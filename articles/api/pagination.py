"""Page numbers with a total count by default; cursors for walking everything.

``?page=2&page_size=50`` gives ``{"count", "next", "previous", "results"}``.
``?pagination=cursor`` (and then the ``next`` links, which carry ``cursor=``) walks
the whole collection in id order without counting, stable while rows are added.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

from articles.pagination import ExactCountPaginator

MAX_PAGE_SIZE = 100


def _invalid(name, message):
    return exceptions.ValidationError({name: [message]})


def _positive_int(value):
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        return None
    return int(value)


class _PageSizeMixin:
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _positive_int(raw)
        if size is None or size > self.max_page_size:
            raise _invalid(
                self.page_size_query_param,
                _("Enter a whole number from 1 to %(max)d.")
                % {"max": self.max_page_size},
            )
        return size


class PageNumberPagination(_PageSizeMixin, pagination.PageNumberPagination):
    django_paginator_class = ExactCountPaginator

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if _positive_int(raw) is None:
            raise _invalid(self.page_query_param, _("Enter a whole number from 1."))
        return raw


class CursorPagination(_PageSizeMixin, pagination.CursorPagination):
    ordering = "id"

    def get_ordering(self, request, queryset, view):
        # Always the primary key: unique, never null, never changes.
        return ("id",)

    def decode_cursor(self, request):
        invalid = _invalid(self.cursor_query_param, _("This cursor is not valid."))
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise invalid from None
        # The position is an id; anything else would reach the database as garbage.
        position = getattr(cursor, "position", None)
        if position is not None and _positive_int(position) is None:
            raise invalid
        return cursor


class NewsroomPagination(pagination.BasePagination):
    """Chooses page-number or cursor pagination from the ``pagination`` parameter."""

    mode_query_param = "pagination"
    modes = ("page", "cursor")
    query_params = ("page", "page_size", "pagination", "cursor")

    def __init__(self):
        self.delegate = PageNumberPagination()

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        mode = params.get(self.mode_query_param, "page")
        if "cursor" in params:
            mode = "cursor"
        if mode not in self.modes:
            raise _invalid(self.mode_query_param, _("Choose “page” or “cursor”."))
        if mode == "cursor":
            for name in ("page", "ordering"):
                if name in params:
                    raise _invalid(
                        name, _("Cursor pagination always walks in id order.")
                    )
            self.delegate = CursorPagination()
        return self.delegate.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.delegate.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": str(
                        _("Total matching items (page-number pagination only).")
                    ),
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        def param(name, schema, description):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": str(description),
                "schema": schema,
            }

        return [
            param(
                "page",
                {"type": "integer", "minimum": 1},
                _("Page number (page-number pagination)."),
            ),
            param(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                _("Items per page, 1 to %(max)d (default 20).")
                % {"max": MAX_PAGE_SIZE},
            ),
            param(
                "pagination",
                {"type": "string", "enum": list(self.modes)},
                _(
                    "“cursor” walks the whole collection in id order without a "
                    "total count; follow the “next” links."
                ),
            ),
            param(
                "cursor",
                {"type": "string"},
                _("Opaque position from a “next” or “previous” link."),
            ),
        ]
