"""The compliance rate (履职按时完成率), one definition for every page that shows it: the compliance page and
API (per unit, person, department, region and in total), the dashboard's heat map and the assessment's
on-time indicator.

:func:`compliance_counts` is the one count behind it: every page that shows a rate or its done/late/missed counts
takes them from here (the compliance page and API through ``views.compliance_rows``, the heat map through
``reports.dashboard.count_rows``), so mid-period both count a slot of the running period already done (early)
and a running daily month's days already past.

Counted per slot (a daily rule's month counts each day): the slots done by their deadline over the slots whose
outcome is known — done on time, done late, or missed (their deadline passed undone). Slots still running or
upcoming are not in it. A percentage with one decimal, None when nothing is known yet.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

GREEN, AMBER = 90, 70  # percent: green from 90, amber from 70, red below


def compliance_rate(done: int, late: int, missed: int) -> float | None:
    total = (done or 0) + (late or 0) + (missed or 0)
    return round(100 * (done or 0) / total, 1) if total else None


def rag(rate: float | None) -> str:
    if rate is None:
        return ""
    return "green" if rate >= GREEN else "amber" if rate >= AMBER else "red"


def compliance_counts(qs: Any, group: tuple[str, ...], today: datetime.date, start: datetime.date | None = None,
                      end: datetime.date | None = None) -> dict[tuple[Any, ...], dict[str, int]]:
    """On time (``done``), ``late`` and ``missed`` slots of the occurrences ``qs`` that start in ``[start, end]``,
    per tuple of ``group`` values (two queries; a daily rule's month counts each day)."""
    from .models import Status
    from .tally import slot_counts

    return {key: {"done": c[Status.DONE], "late": c[Status.LATE], "missed": c[Status.MISSED]}
            for key, c in slot_counts(qs, group, today, start, end).items()}


def heat_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dashboard heat map's window: the slots starting in the last three months (92 days) up to today."""
    return today - datetime.timedelta(days=92), today


def owing_q(today: datetime.date) -> Q:
    """A slot still owed: not met and its period has started (due, or missed once its deadline passed): the slots
    the compliance figures count as neither done nor late nor upcoming."""
    from .models import Status, status_q

    return status_q(Status.DUE, today) | status_q(Status.MISSED, today)


def owing(occurrences: Any, record: str, today: datetime.date) -> Any:
    """The slots among ``occurrences`` still owed (:func:`owing_q`) of the rules a record kind fills (e.g.
    ``rectification_list``): who still owes that record, overdue first."""
    from .crediting import credit_of
    from .models import ObligationRule

    candidates = ObligationRule.objects.filter(pk__in=occurrences.values("rule_id").distinct(), enabled=True)
    rules = [r.pk for r in candidates if record in credit_of(r).records]
    return (occurrences.filter(owing_q(today), rule_id__in=rules).select_related("unit", "rule")
            .order_by("deadline", "unit__name", "pk"))
