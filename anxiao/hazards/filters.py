"""One filter for the hazard ledger, used by the HTML pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from .figures import FIGURES, figure_q
from .models import Hazard


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
    for figure in FIGURES:  # ?open=1, ?overdue=1, ?major_open=1…: the hazards behind each headline figure
        if _truthy(p.get(figure)):
            qs = qs.filter(figure_q(figure, today))
    if p.get("risk"):
        qs = qs.filter(risk_id=p["risk"]) if str(p["risk"]).isdecimal() else qs.none()
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
            if str(p["unit"]).isdecimal() else None
        qs = qs.filter(unit__path__startswith=path) if path else qs.none()
    if p.get("region"):
        from anxiao.org.models import Region

        path = Region.objects.filter(pk=p["region"]).values_list("path", flat=True).first() \
            if str(p["region"]).isdecimal() else None
        qs = qs.filter(unit__region_path__startswith=path) if path else qs.none()
    return qs


__all__ = ["Hazard", "filter_hazards"]
