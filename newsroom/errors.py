"""The project's error handlers (``handler400`` … ``handler500`` in ``urls.py``).

Readers get the Chinese error pages; anything under ``/api/`` gets the API's one
error shape, ``{"detail": "…", "code": "…", "errors": {…}}`` (see
``articles/api/exceptions.py``), so a client never has to parse HTML.

A database outage is not a server bug: when the exception being handled is a
database connection error, the answer is 503 with ``Retry-After``, and the next
request opens a fresh connection (``CONN_HEALTH_CHECKS``), so the site recovers
on its own when the database is back.
"""

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from newsroom.middleware import InvalidInput

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"


def is_api(request):
    return request.path.startswith(API_PREFIX)


def api_error(status, detail, code, errors=None, headers=None):
    body = {"detail": str(detail), "code": code}
    if errors:
        body["errors"] = {
            name: [str(message) for message in messages]
            for name, messages in errors.items()
        }
    return JsonResponse(
        body,
        status=status,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )


def is_database_outage(exc):
    """Whether ``exc`` means the database cannot be reached right now."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # psycopg's own errors, should one escape Django's wrapper.
    cause = getattr(exc, "__cause__", None)
    return isinstance(exc, DatabaseError) and isinstance(
        cause, OperationalError | InterfaceError
    )


def _page(request, template, status, context=None, headers=None):
    # No request context: the page must render with the database away.
    content = loader.get_template(template).render(context or {})
    return HttpResponse(content, status=status, headers=headers)


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        detail = _("The request body is too large.")
        if is_api(request):
            return api_error(413, detail, "request_too_large")
        return _page(request, "400.html", 413, {"message": detail})
    errors = getattr(exception, "errors", None)
    if isinstance(exception, TooManyFieldsSent):
        detail = _("The request has too many parameters.")
    elif isinstance(exception, InvalidInput):
        detail = _("Invalid input.")
    else:
        detail = _("The request could not be understood.")
    if is_api(request):
        return api_error(400, detail, "invalid", errors)
    messages = [str(m) for ms in (errors or {}).values() for m in ms]
    return _page(request, "400.html", 400, {"message": detail, "errors": messages})


@requires_csrf_token
def permission_denied(request, exception=None, template_name="403.html"):
    if is_api(request):
        return api_error(
            403,
            _("You do not have permission to perform this action."),
            "permission_denied",
        )
    return _page(request, "403.html", 403)


def page_not_found(request, exception=None, template_name="404.html"):
    if is_api(request):
        return api_error(404, _("Not found."), "not_found")
    from django.views.defaults import page_not_found as django_page_not_found

    return django_page_not_found(request, exception)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return service_unavailable(request)
    if is_api(request):
        return api_error(500, _("A server error occurred."), "server_error")
    return _page(request, "500.html", 500)


def service_unavailable(request):
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api(request):
        return api_error(
            503,
            _("The service is temporarily unavailable. Please try again shortly."),
            "service_unavailable",
            headers=headers,
        )
    return _page(request, "503.html", 503, headers=headers)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login attempt while locked out (Chinese, 429)."""
    from django.conf import settings

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return _page(
        request,
        "login_locked_out.html",
        429,
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        headers={"Retry-After": str(minutes * 60)},
    )
