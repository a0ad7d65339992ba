"""Directive sets: who demanded what, item by item, with spans in the body."""

from .types import DirectiveFact  # noqa: F401


def extract_directives(page, *, persons):
    """The ``DirectiveFact`` list issued in ``page.body`` by ``persons``."""
    return []
