"""The folded copy of a text; the one implementation lives in ``articles.search``."""

from articles.search.fold import fold

__all__ = ["fold"]
