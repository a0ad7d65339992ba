"""OpenAPI post-processing: document the error responses every operation can give."""

import re

from django.utils.html import escape
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a message, a code, and field-level messages for 400s.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Messages per field or query parameter.",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}

ERRORS = {
    "400": _(
        "Invalid input: unknown, empty or malformed query parameter, invalid "
        "body (malformed JSON, nested too deeply, a NUL character)."
    ),
    "401": _("Authentication failed."),
    "403": _(
        "Not allowed: authentication or a model permission is missing, or the "
        "editorial workflow forbids the change (only chief editors publish)."
    ),
    "404": _("Not found, or not visible to this client (drafts, a page past the end)."),
    "406": _("None of the media types in Accept can be produced."),
    "409": _(
        "Conflict: the object changed since the client read it (`version`), or "
        "is still referred to by other data."
    ),
    "413": _("The request body exceeds the size limit."),
    "415": _("Unsupported request media type (send application/json)."),
    "429": _("Too many requests: throttled (see Retry-After)."),
    "500": _("Server error."),
    "503": _("Temporarily unavailable (the database is unreachable; see Retry-After)."),
}
READ_ERRORS = ("400", "401", "404", "406", "429", "500", "503")
WRITE_ERRORS = tuple(code for code in ERRORS if code != "406")


def _require_version(result, operation):
    """An update must send the ``version`` it read: required on PUT and PATCH.

    The write serializers share one request component between create and update
    (where ``version`` is optional); updates get a copy that requires it.
    """
    schemas = result["components"]["schemas"]
    for media in operation.get("requestBody", {}).get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        component = schemas.get(name)
        if not component or "version" not in component.get("properties", {}):
            continue
        update_name = f"{name}Update"
        copy = {
            **component,
            "required": sorted({*component.get("required", ()), "version"}),
        }
        schemas[update_name] = copy
        media["schema"] = {"$ref": f"#/components/schemas/{update_name}"}
    if "requestBody" in operation:
        operation["requestBody"]["required"] = True


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = READ_ERRORS if method in ("get", "head") else WRITE_ERRORS
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
                    "304", {"description": "Not modified (If-None-Match matched)."}
                )
                # Reads are public: credentials are optional (they show drafts to
                # editors), so the empty requirement is listed too.
                security = operation.setdefault("security", [])
                if {} not in security:
                    security.append({})
            if method in ("put", "patch"):
                _require_version(result, operation)
    return result


class SchemaView(SpectacularAPIView):
    """The OpenAPI document; its errors are JSON like every other API error
    (not YAML, whatever the schema's own content negotiation picked)."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


# Path segment under /api/v1/ -> (tag, its description, the resource's name).
RESOURCES = {
    "articles": (
        pgettext_lazy("API tag", "Articles"),
        _(
            "Published articles, verbatim, with their people, organizations, "
            "credits, photos and directives. Example: /api/v1/articles/?q=北科院"
        ),
        _("article"),
    ),
    "directives": (
        pgettext_lazy("API tag", "Directives"),
        _(
            "Directives leaders issue in articles, by set and ordinal. Example: "
            "/api/v1/directives/?issuer=liu-hui&set_heading=四点要求"
        ),
        _("directive"),
    ),
    "directive-sets": (
        pgettext_lazy("API tag", "Directive sets"),
        _(
            "Sets of directives as the text gives them: issuer, position, heading, "
            "kind and addressees once, the items beneath. "
            "Example: /api/v1/directive-sets/?issuer=liu-hui"
        ),
        _("directive set"),
    ),
    "people": (
        pgettext_lazy("API tag", "People"),
        _(
            "People named in published articles, with their positions. "
            "Example: /api/v1/people/liu-hui/?expand=positions"
        ),
        _("person"),
    ),
    "organizations": (
        pgettext_lazy("API tag", "Organizations"),
        _(
            "Organizations with their short forms and parent bodies. "
            "Example: /api/v1/organizations/?alias=北科院"
        ),
        _("organization"),
    ),
    "positions": (
        pgettext_lazy("API tag", "Positions"),
        _(
            "The titles people hold at organizations. "
            "Example: /api/v1/positions/?organization=bjast&current=true"
        ),
        _("position"),
    ),
    "imports": (
        pgettext_lazy("API tag", "Imports"),
        _(
            "Scraped pages in, articles with their structure out: a preview that "
            "saves nothing, or a commit that saves a draft. Example: /api/v1/imports/"
        ),
        _("import"),
    ),
}

# Operations that are not plain reads and writes of a resource.
ACTION_SUMMARIES = {
    ("post", "publish/"): _("Publish or schedule an article"),
    ("post", "unpublish/"): _("Take an article back to draft"),
    ("post", None, "imports"): _("Preview or commit an imported page"),
}

SUMMARIES = {
    ("get", False): _("List %(things)s"),
    ("get", True): _("Read one %(thing)s"),
    ("post", False): _("Create a %(thing)s"),
    ("put", True): _("Replace a %(thing)s"),
    ("patch", True): _("Change part of a %(thing)s"),
    ("delete", True): _("Delete a %(thing)s"),
}

PATH = re.compile(
    r"^/api/v1/(?P<resource>[^/]+)/(?:(?P<detail>\{[^}]+\}/)(?P<action>[a-z-]+/)?)?$"
)


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


def describe_in_chinese(result, generator, request, public):
    """The title, description, tags and operation summaries, translated."""
    result["info"]["title"] = gettext("Newsroom API")
    error = result.get("components", {}).get("schemas", {}).get("Error")
    if error:
        error["description"] = gettext(
            "An error: a message, a code, and field-level messages for 400s."
        )
        error["properties"]["errors"]["description"] = gettext(
            "Messages per field or query parameter."
        )
        error["properties"]["errors"]["additionalProperties"] = {
            "type": "array",
            "items": {"type": "string"},
        }
    result["info"]["description"] = gettext(
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
            not_modified = operation.get("responses", {}).get("304")
            if not_modified:
                not_modified["description"] = gettext(
                    "Not modified (If-None-Match matched)."
                )
            summary = (
                ACTION_SUMMARIES.get((method, match["action"]))
                if match["action"]
                else ACTION_SUMMARIES.get((method, None, match["resource"]))
                or SUMMARIES.get((method, bool(match["detail"])))
            )
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
    "directiveset": "directive-sets",
    "directive-set": "directive-sets",
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
            return gettext("%(resource)s: one item") % {"resource": tag}
        return gettext("%(resource)s: list") % {"resource": tag}
    if type(view).__name__ == "APIRootView":
        return gettext("API home")
    if type(view).__name__ == "NotFoundView":
        return ""  # not a page of its own; the breadcrumbs skip it
    return gettext("Newsroom API")


def view_description(view, html=False):
    resource = BASENAMES.get(getattr(view, "basename", None))
    if resource:
        text = str(RESOURCES[resource][1])
    elif type(view).__name__ == "APIRootView":
        text = gettext(
            "Everything published, as JSON. Open a resource below; the schema is "
            "at /api/schema/ and the interactive docs at /api/docs/."
        )
    else:
        text = ""
    if html:
        return f"<p>{escape(text)}</p>" if text else ""
    return text
