"""Page-number pagination whose deep pages cost about what the first one does.

``OFFSET 9000 LIMIT 10`` makes the database fetch and throw away 9,000 whole rows
(bodies and all). ``SeekPaginator`` asks for the page's primary keys in a
subquery instead (``WHERE id IN (SELECT id … ORDER BY … LIMIT 10 OFFSET 9000)``),
which PostgreSQL answers from the ordering index alone, and then loads only the
page's rows; a page past the middle is counted from the other end, so the last
pages cost what the first ones do. The public pages and the API both use it.
"""

from django.core.paginator import Paginator


class SeekPaginator(Paginator):
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
            or query.annotations
            or not rows.ordered
        ):
            return rows[bottom:top]
        # The page's keys first (index only), then just those rows, in order.
        if bottom > self.count // 2:
            keys = rows.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            keys = rows.values("pk")[bottom:top]
        return rows.filter(pk__in=keys)
