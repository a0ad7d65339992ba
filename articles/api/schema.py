"""OpenAPI post-processing: document the error responses every operation can give."""

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
