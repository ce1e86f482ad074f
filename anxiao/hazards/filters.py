"""One filter for the hazard ledger, used by the HTML pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import Hazard, Status, overdue_q


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _truthy(value: Any) -> bool:
    return value in ("1", "true", "True", "on", True)


def filter_hazards(qs: Any, p: Any, today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(location__icontains=q) | Q(description__icontains=q) | Q(item_code__iexact=q)
                       | Q(unit__name__icontains=q))
    for key in ("status", "grade", "category", "source"):
        if p.get(key):
            qs = qs.filter(**{key: p[key]})
    if _truthy(p.get("overdue")):
        qs = qs.filter(overdue_q(today))
    if _truthy(p.get("open")):
        qs = qs.exclude(status__in=(Status.CLOSED, Status.VOID))
    if _truthy(p.get("reported_up")):
        qs = qs.filter(reported_up_at__isnull=False).exclude(status__in=(Status.CLOSED, Status.VOID))
    if _truthy(p.get("supervised")):
        qs = qs.filter(under_supervision=True)
    start, end = _date(p.get("found_from")), _date(p.get("found_to"))
    month = str(p.get("month") or "")
    if len(month) == 7 and month[4] == "-" and _date(f"{month}-01"):
        start = _date(f"{month}-01")
        assert start is not None
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    if start:
        qs = qs.filter(found_at__date__gte=start)
    if end:
        qs = qs.filter(found_at__date__lte=end)
    if p.get("unit"):
        from anxiao.org.models import Unit

        path = Unit.objects.filter(pk=p["unit"]).values_list("path", flat=True).first() \
            if str(p["unit"]).isdigit() else None
        qs = qs.filter(unit__path__startswith=path) if path else qs.none()
    if p.get("region"):
        from anxiao.org.models import Region

        path = Region.objects.filter(pk=p["region"]).values_list("path", flat=True).first() \
            if str(p["region"]).isdigit() else None
        qs = qs.filter(unit__region_path__startswith=path) if path else qs.none()
    return qs


def status_counts(qs: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Counts by status plus overdue, major and 督办, in one aggregate query."""
    today = today or timezone.localdate()
    aggregates: dict[str, Any] = {s: Count("id", filter=Q(status=s)) for s in Status.values}
    aggregates.update(total=Count("id"), overdue=Count("id", filter=overdue_q(today)),
                      major_open=Count("id", filter=Q(grade="major") & ~Q(status__in=(Status.CLOSED, Status.VOID))),
                      supervised=Count("id", filter=Q(under_supervision=True)),
                      reported_up=Count("id", filter=Q(reported_up_at__isnull=False)
                                        & ~Q(status__in=(Status.CLOSED, Status.VOID))))
    return qs.order_by().aggregate(**aggregates)


def counts_by_unit(qs: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per-school roll-up for the bureau (rules.md §5.5), in one grouped aggregate query."""
    today = today or timezone.localdate()
    closed = Q(status__in=(Status.CLOSED, Status.VOID))
    rows = (qs.order_by().values("unit_id", "unit__name")
            .annotate(total=Count("id", filter=~Q(status=Status.VOID)), open=Count("id", filter=~closed),
                      closed=Count("id", filter=Q(status=Status.CLOSED)), overdue=Count("id", filter=overdue_q(today)),
                      major_open=Count("id", filter=Q(grade="major") & ~closed),
                      supervised=Count("id", filter=Q(under_supervision=True)),
                      reported_up=Count("id", filter=Q(reported_up_at__isnull=False) & ~closed))
            .order_by("-overdue", "-open", "unit__name"))
    out = []
    for r in rows:
        r["rate"] = r["closed"] / r["total"] if r["total"] else None
        out.append(r)
    return out


__all__ = ["Hazard", "counts_by_unit", "filter_hazards", "status_counts"]
