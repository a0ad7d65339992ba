"""Page-number pagination whose deep pages cost about what the first one does.

``OFFSET 9000 LIMIT 10`` makes the database fetch and throw away 9,000 whole rows
(bodies and all). ``SeekPaginator`` asks for the page's primary keys in a
subquery instead (``WHERE id IN (SELECT id … ORDER BY … LIMIT 10 OFFSET 9000)``),
which PostgreSQL answers from the ordering index alone, and then loads only the
page's rows; a page past the middle is counted from the other end, so the last
pages cost what the first ones do. The public pages and the API both use it.

The total (``COUNT(*)`` of every matching row, a scan of the whole table for
the home page: 74 ms at 100,000 articles) is kept in the shared cache under the
content generation, as the article fragment is (``cache.Fragment``: any write
or the next scheduled publication makes it a miss), keyed by the count's SQL,
so it is exact and never stale and is counted once per generation.
"""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import cache


class SeekPaginator(Paginator):
    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None or not cache.Fragment.is_enabled():
            return super().count
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:
            return super().count
        fragment = cache.Fragment("count", self.object_list.db, sql, params)
        if fragment.value is None:
            fragment.store(super().count)
            return fragment.stored
        return fragment.value

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
        # The page's keys first (index only), then just those rows, in order.
        if bottom > self.count // 2:
            keys = rows.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            keys = rows.values("pk")[bottom:top]
        return rows.filter(pk__in=keys)
