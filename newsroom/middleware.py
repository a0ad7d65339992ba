"""Request hardening that holds for every face: pages, admin and API.

* ``InputSanitizerMiddleware`` refuses, before any view runs, characters that
  PostgreSQL cannot store or compare (NUL, and lone UTF-16 surrogates that have no
  UTF-8 form). In the path they make a 404 (no object can have such a name); in
  the query string or a form body a 400 naming the parameter. JSON bodies are
  checked by the API's parser (``articles/api/parsers.py``), which shares
  ``refused_character`` below.
* ``SecurityHeadersMiddleware`` adds ``Permissions-Policy`` (Django already sends
  ``Referrer-Policy``; django-csp sends ``Content-Security-Policy``).

Errors raised here are answered by the handlers in ``newsroom/errors.py``:
JSON under ``/api/``, the Chinese error pages elsewhere.
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext_lazy as _

# NUL, which PostgreSQL's text types refuse, and lone surrogates, which have no
# UTF-8 encoding (the database driver cannot even send them).
REFUSED = re.compile("[\x00\ud800-\udfff]")

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refused_character(text):
    """Whether ``text`` holds a character no database column can store."""
    return isinstance(text, str) and REFUSED.search(text) is not None


REFUSED_MESSAGE = _(
    "Contains a character that cannot be stored (a NUL or an invalid code point)."
)


class InvalidInput(BadRequest):
    """A 400 with field-level messages: ``errors`` maps a parameter to messages."""

    def __init__(self, errors):
        super().__init__(str(REFUSED_MESSAGE))
        self.errors = errors


def _refused_parameters(querydict):
    errors = {}
    for key, values in querydict.lists():
        if refused_character(key) or any(refused_character(v) for v in values):
            name = REFUSED.sub("\ufffd", key)
            errors[name] = [REFUSED_MESSAGE]
    return errors


class InputSanitizerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if refused_character(request.path_info):
            raise Http404(str(REFUSED_MESSAGE))
        errors = _refused_parameters(request.GET)
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            errors.update(_refused_parameters(request.POST))
        if errors:
            raise InvalidInput(errors)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """``Permissions-Policy``: the site needs no camera, microphone, location…"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
