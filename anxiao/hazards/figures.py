"""The headline hazard figures, one definition each, used by every page that shows them: the home page, the
工作看板 dashboard (live and from its tally), the ledger and its roll-up, the monthly ledger report, the chiefs'
summary and the API (``anxiao/reports/tests/test_figures.py`` checks that they agree).

- 未销号 (``open``): every hazard not yet 销号 and not void — 验收通过 included: accepted is not closed.
- 逾期 (``overdue``): graded or being rectified, with its (extended) deadline before today; once the school has
  rectified it, waiting for acceptance is not the school's delay (``models.overdue_q``).
- 待验收 (``awaiting_acceptance``), 未销号重大隐患 (``major_open``), 督办中 (``supervised``, open ones only) and
  需上级协调 (``reported_up``, open ones only).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Grade, Hazard, Status, overdue_q

CLOSED_STATUSES = (Status.CLOSED, Status.VOID)
# 未销号: the statuses a hazard is still on the books in (验收通过 included).
UNCLOSED_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)
FIGURES = ("open", "overdue", "awaiting_acceptance", "major_open", "supervised", "reported_up")
LABELS = {"open": "未销号隐患", "overdue": "逾期未整改", "awaiting_acceptance": "待验收", "major_open": "未销号重大隐患",
          "supervised": "督办中", "reported_up": "需上级协调"}


def open_q() -> Q:
    return Q(status__in=UNCLOSED_STATUSES)


def figure_q(figure: str, today: datetime.date | None = None) -> Q:
    """The hazards one headline figure counts."""
    if figure == "open":
        return open_q()
    if figure == "overdue":
        return overdue_q(today or timezone.localdate())
    if figure == "awaiting_acceptance":
        return Q(status=Status.AWAITING_ACCEPTANCE)
    if figure == "major_open":
        return open_q() & Q(grade=Grade.MAJOR)
    if figure == "supervised":
        return open_q() & Q(under_supervision=True)
    if figure == "reported_up":
        return open_q() & Q(reported_up_at__isnull=False)
    raise KeyError(figure)


def figure_counts(today: datetime.date) -> dict[str, Any]:
    """``Count`` of every headline figure, for ``.annotate()``/``.aggregate()`` (grouped or not)."""
    return {f: Count("id", filter=figure_q(f, today)) for f in FIGURES}


def _empty() -> dict[str, int]:
    return {**dict.fromkeys(Status.values, 0), **dict.fromkeys(FIGURES, 0), "total": 0}


def status_counts(qs: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Counts by status, ``total`` and every headline figure of ``qs`` in one query: grouped by status (a
    handful of groups), each figure counted with its own definition. On PostgreSQL it is an index-only scan of
    the ledger's covering index."""
    return grouped_status_counts(qs, None, today).get(None, _empty())


def grouped_status_counts(qs: Any, field: str | None, today: datetime.date | None = None,
                          key: Any = None) -> dict[Any, dict[str, int]]:
    """``status_counts`` per value of ``field`` (None: in total), the values mapped by ``key`` (a town's path to
    the region it lies in; a value mapped to None is left out): one grouped query."""
    today = today or timezone.localdate()
    # by status and by figure apart: 待验收 is both a status and a figure (with the same count)
    by_status: dict[Any, dict[str, int]] = {}
    by_figure: dict[Any, dict[str, int]] = {}
    group = [field] if field else []
    for r in qs.order_by().values(*group, "status").annotate(n=Count("id"), **figure_counts(today)):
        k = r[field] if field else None
        if key is not None:
            k = key(k)
            if k is None:
                continue
        statuses = by_status.setdefault(k, dict.fromkeys(Status.values, 0))
        statuses[r["status"]] += r["n"]
        figures = by_figure.setdefault(k, dict.fromkeys(FIGURES, 0))
        for f in FIGURES:
            figures[f] += r[f]
    return {k: {**by_status[k], **by_figure[k], "total": sum(by_status[k].values())} for k in by_status}


def counts_from_cells(cells: dict[str, int], counted: dict[str, int]) -> dict[str, int]:
    """``status_counts``' figures from pre-counted cells (the dashboard tally): ``cells`` by "status|grade",
    ``counted`` the figures that are not sums of cells (overdue, awaiting acceptance, supervised, reported
    up). 未销号 and 未销号重大隐患 are sums of cells by their definition (``figure_q``)."""
    by_status = dict.fromkeys(Status.values, 0)
    figures = dict.fromkeys(FIGURES, 0)
    for cell, n in cells.items():
        status, grade = cell.split("|", 1)
        if status in by_status:
            by_status[status] += n or 0
        if status in UNCLOSED_STATUSES:
            figures["open"] += n or 0
            if grade == Grade.MAJOR:
                figures["major_open"] += n or 0
    for f in FIGURES:
        if f not in ("open", "major_open"):
            figures[f] = counted.get(f, 0) or 0
    return {**by_status, **figures, "total": sum(by_status.values())}


def rollup_row(counts: dict[str, int]) -> dict[str, Any]:
    """A roll-up row from ``status_counts``: hazards not void, 已销号 and the rectification rate (销号 ÷ hazards)."""
    total = counts["total"] - counts.get(Status.VOID, 0)
    closed = counts.get(Status.CLOSED, 0)
    return {**counts, "total": total, "closed": closed, "rate": closed / total if total else None}


def counts_by_unit(qs: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per-school roll-up for the bureau (rules.md §5.5): one grouped aggregate by unit id (index-only on
    PostgreSQL), then the units' names in one more query."""
    from anxiao.org.models import Unit

    today = today or timezone.localdate()
    rows = list(qs.order_by().values("unit_id")
                .annotate(total=Count("id", filter=~Q(status=Status.VOID)),
                          closed=Count("id", filter=Q(status=Status.CLOSED)), **figure_counts(today)))
    names = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in rows]).order_by().values_list("id", "name")) \
        if rows else {}
    for r in rows:
        r["unit__name"] = names.get(r["unit_id"], "")
        r["rate"] = r["closed"] / r["total"] if r["total"] else None
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["unit__name"]))
    return rows


def overdue_list(qs: Any, today: datetime.date, limit: int = 15, small: bool = False) -> list[Hazard]:
    """The most overdue hazards of ``qs``, oldest deadline first, from a partial index of the hazards that can run
    late (closed hazards, which own nearly every old deadline, are in neither). A large scope walks
    ``hazard_overdue_by_deadline`` in deadline order; a ``small`` one (a county: 1 % of a province's deadlines)
    reads its own units' rows of ``hazard_overdue_by_unit`` and sorts those few (the order is given as an
    expression, so PostgreSQL does not walk the province's deadlines hoping to meet the county's soon)."""
    order: Any = Coalesce("deadline", "deadline") if small else "deadline"
    return list(qs.filter(overdue_q(today)).select_related("unit").order_by(order, "id")[:limit])


def overdue_on(h: Any, day: datetime.date) -> bool:
    """Was the hazard overdue on ``day``: graded, its deadline before ``day``, and neither rectified nor closed by
    then? The monthly ledger's 逾期: ``overdue_q`` for a day that may lie in the past (for today they agree)."""
    if h.deadline is None or h.deadline >= day or h.status in (Status.REPORTED, Status.REGISTERED, Status.VOID):
        return False
    for at in (h.closed_at, h.rectified_at):
        if at is not None and timezone.localtime(at).date() <= day:
            return False
    return True


__all__ = ["CLOSED_STATUSES", "FIGURES", "LABELS", "UNCLOSED_STATUSES", "counts_by_unit", "counts_from_cells",
           "figure_counts", "figure_q", "grouped_status_counts", "open_q", "overdue_list", "overdue_on", "rollup_row",
           "status_counts"]
