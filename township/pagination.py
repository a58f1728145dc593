"""One way to cut a list into pages: Django's paginator, at most 100 rows a page.

The count is the queryset's own `count()`: Django leaves out annotations nothing filters or
orders by, so a list whose per-row figures are subqueries counts its rows without them.

A page after the first is read in two steps: the ids of its rows, then those rows. A database
works out a row's figures (its subqueries) for every row it passes on the way to an offset,
not only for the rows it returns. The last page of a township's 7,400 meetings took 130–180 ms
on PostgreSQL (attendance counted for every one of them), and 2–3 ms for its ids.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

MAX_PAGE_SIZE = 100


class ListPaginator(Paginator):
    """Django's paginator; a queryset's page after the first read as its ids, then its rows."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom == 0 or not (
            isinstance(rows, QuerySet) and issubclass(rows._iterable_class, ModelIterable)
        ):  # a first page, a list, or a queryset of values: as Django reads them
            return self._get_page(rows[bottom:top], number, self)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        # In the list's order; a row gone between the two reads is left out.
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


def paginate(request, rows, *, per_page: int) -> Page:
    """The requested page (`?page=`, the last or first one when out of range). The links of
    `includes/pagination.html` keep the request's other parameters (`{% querystring %}`)."""
    return ListPaginator(rows, min(per_page, MAX_PAGE_SIZE)).get_page(request.GET.get("page"))
