"""Template helpers for the public pages: search highlighting, absolute URLs and
the parts every page shares."""

import functools
import re

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

EXCERPT_CONTEXT = 60


def _pattern(variants):
    words = sorted({v for v in variants if v}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


@register.filter
def highlight(text, variants):
    """``text``, escaped, with every occurrence of ``variants`` in ``<mark>``."""
    text = str(text)
    pattern = _pattern(variants or [])
    if pattern is None:
        return escape(text)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


@register.filter
def excerpt(article, variants):
    """The part of the article's lede or body around the first match."""
    text = " ".join(f"{article.lede} {article.body}".split())
    pattern = _pattern(variants or [])
    match = pattern.search(text) if pattern else None
    start = 0 if match is None else max(0, match.start() - EXCERPT_CONTEXT)
    end = start + 2 * EXCERPT_CONTEXT + (len(match.group(0)) if match else 0)
    snippet = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{snippet}{suffix}"


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    """``path`` (or the current page's path) as an absolute URL."""
    request = context["request"]
    return request.build_absolute_uri(path if path is not None else request.path)


@functools.lru_cache(maxsize=64)
def _site_part(name, script_prefix, language):
    return get_template(name).render({})


@receiver(setting_changed)
def _forget_site_parts(**kwargs):
    """A test's settings (static storage, URLs) may change what they render."""
    _site_part.cache_clear()


@register.simple_tag(takes_context=True)
def site_part(context, name):
    """A part every page shares (feed and style links, the header's navigation
    and search box, the footer), rendered once per process, script prefix and
    language: its dozen ``url``, ``static`` and ``translate`` tags cost half a
    millisecond on every page. Live on a page with a search query, which the
    search box shows."""
    query = context.get("query")
    if query:
        return get_template(name).render({"query": query})
    return mark_safe(_site_part(name, get_script_prefix(), get_language()))
