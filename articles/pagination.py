"""Page-number pagination whose deep pages cost about what the first one does.

``OFFSET 9000 LIMIT 10`` makes the database fetch and throw away 9,000 whole rows
(bodies and all). ``SeekPaginator`` asks for the page's primary keys in a
subquery instead (``WHERE id IN (SELECT id … ORDER BY … LIMIT 10 OFFSET 9000)``),
which PostgreSQL answers from the ordering index alone, and then loads only the
page's rows; a page past the middle is counted from the other end, so the last
pages cost what the first ones do. The public pages and the API both use it.

The total is counted up to ``count_limit`` rows only (``COUNT(*)`` over a
``LIMIT``: the ordering index's first 10,001 entries, not the whole table, whose
count took 74 ms at 100,000 articles); a longer list reports ``capped`` and says
"more than" (共10,000+条), and its pages stop there: older rows are reached by
section, person, organization or date. The API keeps an exact total
(``ExactCountPaginator``: its ``count`` field is a contract, and cursor
pagination serves its deep reads). Either total is kept in the shared cache under
the content generation, as the article fragment is (``cache.Fragment``: any write
or the next scheduled publication makes it a miss), keyed by the count's SQL, so
it is never stale and is counted once per generation.
"""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import cache

# The most rows a public list counts (and pages through).
COUNT_LIMIT = 10_000


class SeekPaginator(Paginator):
    count_limit = COUNT_LIMIT

    @property
    def count(self):
        """The rows, up to ``count_limit``."""
        if self.count_limit is None:
            return self._counted
        return min(self._counted, self.count_limit)

    @property
    def capped(self):
        """Whether the list holds more rows than its pages reach."""
        return self.count_limit is not None and self._counted > self.count_limit

    @cached_property
    def _counted(self):
        """The rows, up to one more than ``count_limit``."""
        query = getattr(self.object_list, "query", None)
        if query is None or not cache.Fragment.is_enabled():
            return self._count()
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return self._count()
        fragment = cache.Fragment(
            "count", self.object_list.db, self.count_limit, sql, params
        )
        if fragment.value is None:
            fragment.store(self._count())
            return fragment.stored
        return fragment.value

    def _count(self):
        rows = self.object_list
        if self.count_limit is None or not hasattr(rows, "query"):
            return super().count
        return rows.all()[: self.count_limit + 1].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.slice(bottom, top), number, self)

    def slice(self, bottom, top):
        rows = self.object_list
        query = getattr(rows, "query", None)
        if (
            bottom == 0
            or query is None
            or query.distinct
            or any(a.contains_aggregate for a in query.annotations.values())
            or not rows.ordered
        ):
            return rows[bottom:top]
        # The page's keys first (index only), then just those rows, in order;
        # from the other end past the middle, when the end is known.
        if not self.capped and bottom > self.count // 2:
            keys = rows.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            keys = rows.values("pk")[bottom:top]
        return rows.filter(pk__in=keys)


class ExactCountPaginator(SeekPaginator):
    """Every row counted: the API's ``count``."""

    count_limit = None
