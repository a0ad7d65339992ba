"""Search: the one home for folding, tokens, query understanding and matching.

Site search, every API ``q`` and the admin search call this package; no face
matches text on its own.
"""

from .engine import (
    SEARCH_CANDIDATES,
    article_matches,
    entity_cards,
    matching_sets,
    search_any,
    search_article_api,
    search_articles,
    search_directives,
    search_named,
    search_sets,
)
from .fold import fold, fold_query, tokens
from .query import SEARCH_MAX_WORDS, SearchTerm, search_terms, search_words

__all__ = [
    "SEARCH_CANDIDATES",
    "article_matches",
    "entity_cards",
    "matching_sets",
    "SEARCH_MAX_WORDS",
    "SearchTerm",
    "fold",
    "fold_query",
    "search_any",
    "search_article_api",
    "search_articles",
    "search_directives",
    "search_named",
    "search_sets",
    "search_terms",
    "search_words",
    "tokens",
]
