"""OpenAPI post-processing: Chinese docs, one tag per resource, exact types, errors.

The hooks run per schema request with the request's language active, so every
text here goes through the catalogue (the docs are Chinese like the rest of the UI).
"""

import re

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
}

ERRORS = {
    "400": gettext_lazy(
        "Invalid input: unknown or malformed query parameter, invalid body."
    ),
    "401": gettext_lazy("Authentication failed."),
    "403": gettext_lazy(
        "Not allowed: authentication or a model permission is missing."
    ),
    "404": gettext_lazy(
        "Not found, or not visible to this client (drafts, a page past the end)."
    ),
    "409": gettext_lazy("Conflict: the object is still referred to by other data."),
    "429": gettext_lazy("Too many requests: throttled."),
}
READ_ERRORS = ("400", "401", "404", "429")

# Path segment under /api/v1/ -> (tag, its description, the resource's name).
RESOURCES = {
    "articles": (
        pgettext_lazy("API tag", "Articles"),
        gettext_lazy(
            "Published articles, verbatim, with their people, organizations, "
            "credits, photos and directives. Example: /api/v1/articles/?q=北科院"
        ),
        gettext_lazy("article"),
    ),
    "directives": (
        pgettext_lazy("API tag", "Directives"),
        gettext_lazy(
            "Directives leaders issue in articles, by set and ordinal. Example: "
            "/api/v1/directives/?issuer=liu-hui&set_heading=四点要求"
        ),
        gettext_lazy("directive"),
    ),
    "people": (
        pgettext_lazy("API tag", "People"),
        gettext_lazy(
            "People named in published articles, with their positions. "
            "Example: /api/v1/people/liu-hui/?expand=positions"
        ),
        gettext_lazy("person"),
    ),
    "organizations": (
        pgettext_lazy("API tag", "Organizations"),
        gettext_lazy(
            "Organizations with their short forms and parent bodies. "
            "Example: /api/v1/organizations/?alias=北科院"
        ),
        gettext_lazy("organization"),
    ),
    "positions": (
        pgettext_lazy("API tag", "Positions"),
        gettext_lazy(
            "The titles people hold at organizations. "
            "Example: /api/v1/positions/?organization=bjast&current=true"
        ),
        gettext_lazy("position"),
    ),
}

SUMMARIES = {
    ("get", False): gettext_lazy("List %(things)s"),
    ("get", True): gettext_lazy("Read one %(thing)s"),
    ("post", False): gettext_lazy("Create a %(thing)s"),
    ("put", True): gettext_lazy("Replace a %(thing)s"),
    ("patch", True): gettext_lazy("Change part of a %(thing)s"),
    ("delete", True): gettext_lazy("Delete a %(thing)s"),
}

PATH = re.compile(r"^/api/v1/(?P<resource>[^/]+)/(?P<detail>\{[^}]+\}/)?$")


def _fix_types(node):
    """Give enum items their type, so docs show array<string>, not array<undefined>."""
    if isinstance(node, dict):
        items = node.get("items")
        if (
            node.get("type") == "array"
            and isinstance(items, dict)
            and "enum" in items
            and "type" not in items
        ):
            items["type"] = "string"
        for value in node.values():
            _fix_types(value)
    elif isinstance(node, list):
        for value in node:
            _fix_types(value)


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        **ERROR_SCHEMA,
        "description": _(
            "An error: a message, a code, and field-level messages for 400s."
        ),
    }
    schemas["Error"]["properties"]["errors"]["description"] = _(
        "Messages per field or query parameter."
    )
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = READ_ERRORS if method == "get" else ERRORS
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": str(ERRORS[code]),
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            if method == "get":
                responses.setdefault(
                    "304", {"description": _("Not modified (If-None-Match matched).")}
                )
    return result


def describe_in_chinese(result, generator, request, public):
    """The title, description, tags and operation summaries, translated."""
    result["info"]["title"] = _("Newsroom API")
    result["info"]["description"] = _(
        "Articles, the organizations and people they name, people's positions and "
        "the directives leaders issue. Reads are public (published material only); "
        "writes need a token (`Authorization: Token <key>`) or a session and the "
        "matching model permission."
    )
    used = []
    for path, operations in result.get("paths", {}).items():
        match = PATH.match(path)
        if not match or match["resource"] not in RESOURCES:
            continue
        tag, _description, thing = RESOURCES[match["resource"]]
        if match["resource"] not in used:
            used.append(match["resource"])
        for method, operation in operations.items():
            operation["tags"] = [str(tag)]
            summary = SUMMARIES.get((method, bool(match["detail"])))
            if summary:
                operation["summary"] = str(summary) % {
                    "thing": thing,
                    "things": thing,
                }
    result["tags"] = [
        {"name": str(RESOURCES[key][0]), "description": str(RESOURCES[key][1])}
        for key in RESOURCES
        if key in used
    ]
    _fix_types(result)
    return result


# The browsable API's page names and descriptions (REST_FRAMEWORK settings).
BASENAMES = {
    "article": "articles",
    "directive": "directives",
    "person": "people",
    "organization": "organizations",
    "position": "positions",
}


def view_name(view):
    """文章列表 / 文章详情 / API 首页 instead of "Article List" and "Api Root"."""
    resource = BASENAMES.get(getattr(view, "basename", None))
    if resource:
        tag = RESOURCES[resource][0]
        if getattr(view, "detail", False) or getattr(view, "suffix", "") == "Instance":
            return _("%(resource)s: one item") % {"resource": tag}
        return _("%(resource)s: list") % {"resource": tag}
    if type(view).__name__ == "APIRootView":
        return _("API home")
    if type(view).__name__ == "NotFoundView":
        return ""  # not a page of its own; the breadcrumbs skip it
    return _("Newsroom API")


def view_description(view, html=False):
    resource = BASENAMES.get(getattr(view, "basename", None))
    if resource:
        text = str(RESOURCES[resource][1])
    elif type(view).__name__ == "APIRootView":
        text = _(
            "Everything published, as JSON. Open a resource below; the schema is "
            "at /api/schema/ and the interactive docs at /api/docs/."
        )
    else:
        text = ""
    if html:
        return f"<p>{escape(text)}</p>" if text else ""
    return text
