"""One filter for the hazard ledger, used by the HTML pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import OVERDUE_STATUSES, Hazard, Status, overdue_q

CLOSED_STATUSES = (Status.CLOSED, Status.VOID)


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
    if p.get("risk"):
        qs = qs.filter(risk_id=p["risk"]) if str(p["risk"]).isdigit() else qs.none()
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
    """Counts by status plus overdue, open major, 督办 and reported upward, in one query: the hazards grouped by
    (status, grade, 督办) — a dozen groups at most — summed here. On PostgreSQL it is an index-only scan of the
    ledger's covering index."""
    today = today or timezone.localdate()
    rows = (qs.order_by().values("status", "grade", "under_supervision")
            .annotate(n=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)),
                      up=Count("id", filter=Q(reported_up_at__isnull=False))))
    out: dict[str, int] = dict.fromkeys(Status.values, 0)
    out.update(total=0, overdue=0, major_open=0, supervised=0, reported_up=0)
    for r in rows:
        status, n = r["status"], r["n"]
        out[status] = out.get(status, 0) + n
        out["total"] += n
        if status in OVERDUE_STATUSES:
            out["overdue"] += r["overdue"]
        if status not in CLOSED_STATUSES:
            out["reported_up"] += r["up"]
            if r["grade"] == "major":
                out["major_open"] += n
        if r["under_supervision"]:
            out["supervised"] += n
    return out


def counts_by_unit(qs: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per-school roll-up for the bureau (rules.md §5.5): one grouped aggregate by unit id (index-only on
    PostgreSQL), then the units' names in one more query."""
    from anxiao.org.models import Unit

    today = today or timezone.localdate()
    closed = Q(status__in=CLOSED_STATUSES)
    rows = list(qs.order_by().values("unit_id")
                .annotate(total=Count("id", filter=~Q(status=Status.VOID)), open=Count("id", filter=~closed),
                          closed=Count("id", filter=Q(status=Status.CLOSED)), overdue=Count("id", filter=overdue_q(today)),
                          major_open=Count("id", filter=Q(grade="major") & ~closed),
                          supervised=Count("id", filter=Q(under_supervision=True)),
                          reported_up=Count("id", filter=Q(reported_up_at__isnull=False) & ~closed)))
    names = dict(Unit.objects.filter(pk__in=[r["unit_id"] for r in rows]).order_by().values_list("id", "name")) \
        if rows else {}
    for r in rows:
        r["unit__name"] = names.get(r["unit_id"], "")
        r["rate"] = r["closed"] / r["total"] if r["total"] else None
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["unit__name"]))
    return rows


__all__ = ["Hazard", "counts_by_unit", "filter_hazards", "status_counts"]
