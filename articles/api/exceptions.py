"""One shape for every API error.

``{"detail": "<message>", "code": "<code>", "errors": {"<field>": ["<message>"]}}``,
where ``errors`` is present for validation errors (fields, filters, query
parameters). Messages follow the request's language, Simplified Chinese by default.
"""

from django.core.exceptions import RequestDataTooBig
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This object is still referred to by other data.")
    default_code = "conflict"


class StaleVersion(exceptions.APIException):
    """The client edited a version of the object that is no longer current."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this object after you read it.")
    default_code = "stale_version"


class RequestTooLarge(exceptions.APIException):
    """The body exceeds ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def exception_handler(exc, context):
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(
        "CSRF Failed"
    ):
        # DRF's session authentication words this in English only.
        exc = exceptions.PermissionDenied(
            _("CSRF check failed: reload the page, or send a token instead."),
            code="csrf_failed",
        )
    elif isinstance(exc, Http404):
        # Django's message names the model and is English; the API says "未找到。".
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {api_settings.NON_FIELD_ERRORS_KEY: errors}
        response.data = {
            "detail": str(exceptions.ValidationError.default_detail),
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or "error",
        }
    return response
