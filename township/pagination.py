"""One way to cut a list into pages: Django's paginator, at most 100 rows a page.

The count is the queryset's own `count()`: Django leaves out annotations nothing filters or
orders by, so a list whose per-row figures are subqueries counts its rows without them.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

MAX_PAGE_SIZE = 100


def paginate(request, rows, *, per_page: int) -> Page:
    """The requested page (`?page=`, the last or first one when out of range). The links of
    `includes/pagination.html` keep the request's other parameters (`{% querystring %}`)."""
    return Paginator(rows, min(per_page, MAX_PAGE_SIZE)).get_page(request.GET.get("page"))
