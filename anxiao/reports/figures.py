"""The report figures, one definition each: when a month's ledger is due, which month is due, the months a
picker offers, and each school's state for a period (已报 / 迟报 / 未报 / 未到期 / 已退回). The ledger pages,
the dashboard, the roll-up exports, the bulletin and the API (``/api/v1/reports/status``) all count with these.

- A monthly ledger covers the 28th of the previous month to the 27th and is due on the 28th (rules.md §5.1).
- The month that is due (``due_month``) is the most recent month whose deadline has passed: on 4 December it
  is November (due 28 November), not December, whose period is still running. Report pages open on it.
- A school's state for a period: its newest version decides; a prepared (not yet submitted) report counts as
  not submitted; 未报 once the deadline has passed, 未到期 before.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils import timezone

STATES = {"submitted": "已报", "late": "迟报", "missing": "未报", "pending": "未到期", "returned": "已退回"}
MONTHS_OFFERED = 24


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def period(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The statistics period of a month's ledger: the 28th of the previous month to the 27th."""
    prev_last = month - datetime.timedelta(days=1)
    return prev_last.replace(day=28), month.replace(day=27)


def due_on(month: datetime.date) -> datetime.date:
    return month.replace(day=28)


def previous_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def due_month(today: datetime.date | None = None) -> datetime.date:
    """The most recent month whose ledger deadline has passed."""
    today = today or timezone.localdate()
    month = first_of_month(today)
    return month if today > due_on(month) else previous_month(month)


def month_choices(today: datetime.date | None = None, n: int = MONTHS_OFFERED) -> list[datetime.date]:
    """Every month from the current one back, newest first, none skipped."""
    month = first_of_month(today or timezone.localdate())
    out = [month]
    for _ in range(n - 1):
        out.append(previous_month(out[-1]))
    return out


def early_warning(month: datetime.date, today: datetime.date | None = None) -> str:
    """The warning shown when a month's ledger is prepared or submitted before its period ends ('' after)."""
    today = today or timezone.localdate()
    _start, end = period(first_of_month(month))
    if today > end:
        return ""
    return (f"{month:%Y年%m月}台账的统计周期到 {end:%m月%d日} 才结束（{due_on(month):%m月%d日}前报送）；"
            f"现在报送的只是截至今天的数据，之后发现或整改的隐患不会计入。")


def state(status: str | None, late: bool, due: datetime.date, today: datetime.date) -> str:
    """A school's state for one period, from its newest report's status (None: no report)."""
    from .models import LedgerStatus

    if status is None or status == LedgerStatus.PREPARED:
        return "missing" if today > due else "pending"
    if status == LedgerStatus.RETURNED:
        return "returned"
    return "late" if late else "submitted"


def state_counts(schools: Any, month: datetime.date, today: datetime.date | None = None,
                 model: Any = None) -> dict[str, int]:
    """How many schools are in each state for a period. A queryset of schools is counted in the database (one
    query, :func:`state_annotated`: no row per school in Python at a province); a list of schools in Python."""
    from .models import MonthlyLedger

    today = today or timezone.localdate()
    model = model or MonthlyLedger
    if hasattr(schools, "values_list"):
        return grouped_state_counts(schools, month, None, today, model=model).get(None, dict.fromkeys(STATES, 0))
    due = due_on(month) if model is MonthlyLedger else quarter_due(month)
    ids = [u.pk for u in schools]
    latest: dict[int, tuple[str, bool]] = {}
    for unit_id, status, late in (model.objects.filter(unit__in=ids, **{model.period_field: month})
                                  .order_by("unit_id", "version").values_list("unit_id", "status", "late")):
        latest[unit_id] = (status, late)
    counts: dict[str, int] = defaultdict(int)
    for unit_id in ids:
        status, late = latest.get(unit_id, (None, False))
        counts[state(status, late, due, today)] += 1
    return {key: counts.get(key, 0) for key in STATES}


def state_annotated(schools: Any, month: datetime.date, today: datetime.date | None = None, model: Any = None) -> Any:
    """``schools`` with each one's ``state`` for the period worked out in the database: :func:`state` written
    as SQL over the newest version (``test_figures`` holds the two to the same answer). For the pages of a
    large scope: counts grouped by region or stage, and a page of schools filtered by state, with no row per
    school in Python."""
    from django.db.models import Case, CharField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    from .models import LedgerStatus, MonthlyLedger

    today = today or timezone.localdate()
    model = model or MonthlyLedger
    due = due_on(month) if model is MonthlyLedger else quarter_due(month)
    missing = "missing" if today > due else "pending"
    text: CharField[str, str] = CharField()
    # the state of the newest version, worked out inside one correlated subquery (one lookup per school: a Case
    # over two separate subqueries repeats each lookup wherever the Case names it)
    newest = (model.objects.filter(unit=OuterRef("pk"), **{model.period_field: month}).order_by("-version")
              .annotate(report_state=Case(
                  When(status=LedgerStatus.PREPARED, then=Value(missing)),
                  When(status=LedgerStatus.RETURNED, then=Value("returned")),
                  When(late=True, then=Value("late")),
                  default=Value("submitted"), output_field=text)))
    return schools.annotate(state=Coalesce(Subquery(newest.values("report_state")[:1]), Value(missing),
                                           output_field=text))


def grouped_state_counts(schools: Any, month: datetime.date, group: str | None, today: datetime.date | None = None,
                         key: Any = None, model: Any = None) -> dict[Any, dict[str, int]]:
    """``state_counts`` per value of ``group`` (a field of the school: ``region_path``, ``stage``; None: in total),
    the values mapped by ``key`` (a town's path to the region it lies in; None leaves it out): one query."""
    from django.db.models import Count

    out: dict[Any, dict[str, int]] = {}
    fields = [group] if group else []
    for r in (state_annotated(schools.order_by(), month, today, model).values(*fields, "state")
              .annotate(n=Count("pk")).order_by()):
        k = r[group] if group else None
        if key is not None:
            k = key(k)
            if k is None:
                continue
        counts = out.setdefault(k, dict.fromkeys(STATES, 0))
        counts[r["state"]] += r["n"]
    return out


def quarter_due(quarter: datetime.date) -> datetime.date:
    from . import quarterly

    return quarterly.due_on(quarter)
