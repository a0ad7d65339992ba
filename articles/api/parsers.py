"""Request parsers that turn any malformed body into a Chinese 400, never a 500.

The JSON parser decodes strictly (UTF-8, no NaN or Infinity), limits nesting depth
(a few thousand ``[`` would otherwise exhaust the recursion limit), and refuses
strings holding characters the database cannot store (NUL, lone surrogates), in
values and keys alike. The form parsers apply the same character check.
"""

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings

from newsroom.middleware import REFUSED_MESSAGE, refused_character

from .exceptions import RequestTooLarge

MAX_DEPTH = 32


def _reject_constant(name):
    raise ValueError(name)


def _field_error(key, message):
    if not isinstance(key, str) or refused_character(key):
        key = api_settings.NON_FIELD_ERRORS_KEY
    return exceptions.ValidationError({key: [message]})


def check_parsed(data, max_depth=MAX_DEPTH):
    """Walk ``data`` without recursion; refuse deep nesting and bad characters.

    Errors name the top-level field they occur in.
    """
    stack = [(data, 0, None)]
    while stack:
        value, depth, top = stack.pop()
        if depth > max_depth:
            raise exceptions.ParseError(
                _("The JSON is nested too deeply (at most %(max)d levels).")
                % {"max": max_depth}
            )
        if isinstance(value, str):
            if refused_character(value):
                raise _field_error(top, REFUSED_MESSAGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                owner = key if depth == 0 else top
                if refused_character(key):
                    raise _field_error(owner, REFUSED_MESSAGE)
                stack.append((item, depth + 1, owner))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, top) for item in value)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            raw = b""
        elif limit is None:
            raw = stream.read()
        else:
            raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise RequestTooLarge()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError(
                _("The request body is not valid UTF-8.")
            ) from None
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON is nested too deeply (at most %(max)d levels).")
                % {"max": MAX_DEPTH}
            ) from None
        except json.JSONDecodeError as error:
            raise exceptions.ParseError(
                _("Malformed JSON at line %(line)d, column %(column)d.")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except ValueError:
            raise exceptions.ParseError(
                _("Malformed JSON: NaN and Infinity are not numbers in JSON.")
            ) from None
        return check_parsed(data)


class _CheckedFormMixin:
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        data = getattr(result, "data", result)
        for key, values in data.lists():
            if refused_character(key) or any(refused_character(v) for v in values):
                raise _field_error(key, REFUSED_MESSAGE)
        return result


class FormParser(_CheckedFormMixin, parsers.FormParser):
    pass


class MultiPartParser(_CheckedFormMixin, parsers.MultiPartParser):
    pass
