"""One page of a list for a page (template ``core/_pager.html``): no page renders more than ``ROWS`` rows,
whatever the scope (issue 18: a province roll-up is 20,000 schools; the full table is the export)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

ROWS = 100
COUNT_CAP = 10000  # a list of a large scope counts its rows up to here, not all two million


def capped_count(qs: Any, cap: int | None = None) -> tuple[int, bool]:
    """How many rows ``qs`` has, counted no further than ``cap`` (``COUNT_CAP``; one LIMITed count); and whether
    there are more."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by()[:cap + 1].count()
    return min(n, cap), n > cap


def page_of(request: HttpRequest, items: Any, per_page: int | None = None) -> tuple[Page[Any], str]:
    """The page ``?page=`` asks for (the last one when it is past the end) and the query string of the other
    parameters, for the pager's links."""
    page = Paginator(items, per_page or ROWS).get_page(request.GET.get("page"))
    return page, query_without_page(request)


def query_without_page(request: HttpRequest) -> str:
    """The page's query string without its page number: what a pager or an export link carries on."""
    params = request.GET.copy()
    params.pop("page", None)
    return str(params.urlencode())
