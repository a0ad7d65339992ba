"""OpenAPI post-processing: document the error responses every operation can give."""

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
    "400": "Invalid input: unknown or malformed query parameter, invalid body.",
    "401": "Authentication failed.",
    "403": "Not allowed: authentication or a model permission is missing.",
    "404": "Not found, or not visible to this client (drafts, a page past the end).",
    "409": "Conflict: the object is still referred to by other data.",
    "429": "Too many requests: throttled.",
}
READ_ERRORS = ("400", "401", "404", "429")


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
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
                        "description": ERRORS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            if method == "get":
                responses.setdefault(
                    "304", {"description": "Not modified (If-None-Match matched)."}
                )
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
