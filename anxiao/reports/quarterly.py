"""The quarterly summary drafted from the quarter's three monthly ledgers and its obligations (rules.md §5.4)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from . import ledger


def quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def months_of(quarter: datetime.date) -> list[datetime.date]:
    return [quarter.replace(month=quarter.month + i) for i in range(3)]


def due_on(quarter: datetime.date) -> datetime.date:
    return months_of(quarter)[-1].replace(day=28)


def draft(unit: Any, quarter: datetime.date) -> dict[str, Any]:
    from anxiao.hazards.models import Grade, Hazard
    from anxiao.obligations.models import Occurrence

    from .models import LedgerStatus, MonthlyLedger

    today = timezone.localdate()
    totals: dict[str, Any] = defaultdict(int)
    activities: dict[str, int] = defaultdict(int)
    months = []
    for month in months_of(quarter):
        if month > today:
            continue
        report = (MonthlyLedger.objects.filter(unit=unit, month=month, status=LedgerStatus.SUBMITTED)
                  .order_by("-version").first())
        summary = report.snapshot["summary"] if report else ledger.draft(unit, month)["summary"]
        months.append({"month": f"{month:%Y-%m}", "submitted": report is not None,
                       "late": bool(report and report.late)})
        for key in ("new", "new_major", "closed"):
            totals[key] += summary[key]
        totals["open_end"] = summary["open"]
        totals["overdue_end"] = summary["overdue"]
        for kind, n in summary["activities"].items():
            activities[kind] += n
    start, end = quarter, months_of(quarter)[-1].replace(day=28) + datetime.timedelta(days=4)
    end = end.replace(day=1) - datetime.timedelta(days=1)
    majors = [{"number": h.number, "location": h.location, "description": h.description[:60],
               "status": h.get_status_display(), "deadline": h.deadline.isoformat() if h.deadline else "",
               "supervised": h.listed or h.under_supervision}
              for h in Hazard.objects.filter(unit__path__startswith=unit.path, grade=Grade.MAJOR, voided_at__isnull=True)
              .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start)).filter(found_at__date__lte=end)]
    compliance = [{"rule": r["rule__title"], "total": r["total"], "done": r["done"]} for r in
                  Occurrence.objects.filter(unit__path__startswith=unit.path, period_start__gte=start,
                                            period_end__lte=end)
                  .values("rule__title").annotate(total=Sum("slots"), done=Sum("met_slots"))
                  .order_by("rule__title")]
    return {"quarter": f"{quarter.year}年第{(quarter.month - 1) // 3 + 1}季度", "months": months,
            "totals": dict(totals), "activities": dict(activities), "major_hazards": majors, "compliance": compliance}
