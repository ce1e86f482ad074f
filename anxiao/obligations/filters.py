"""Filters shared by the HTML lists and the API (one definition per record type)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from anxiao.org.models import Region, Unit

from .models import Status, status_q


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _subtree(qs: Any, unit_id: Any, field: str) -> Any:
    path = Unit.objects.filter(pk=_int(unit_id) or 0).values_list("path", flat=True).first()
    return qs.filter(**{f"{field}__path__startswith": path}) if path else qs.none()


def _region(qs: Any, region_id: Any, field: str) -> Any:
    path = Region.objects.filter(pk=_int(region_id) or 0).values_list("path", flat=True).first()
    return qs.filter(**{f"{field}__region_path__startswith": path}) if path else qs.none()


def filter_rules(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(clause_ref__icontains=q))
    for name in ("period", "activity_kind", "pack_code", "scope"):
        if params.get(name):
            qs = qs.filter(**{name: params.get(name)})
    if params.get("enabled") not in (None, ""):
        qs = qs.filter(enabled=str(params.get("enabled")).lower() in ("1", "true", "yes"))
    if params.get("bureau"):
        qs = qs.filter(bureau_id=_int(params.get("bureau")))
    return qs


def filter_occurrences(qs: Any, params: Any, today: datetime.date | None = None) -> Any:
    today = today or timezone.localdate()
    status = params.get("status")
    if status:
        qs = qs.filter(status_q(status, today)) if status in Status.values else qs.none()
    if params.get("unit"):
        qs = qs.filter(unit_id=_int(params.get("unit")))
    if params.get("subtree"):
        qs = _subtree(qs, params.get("subtree"), "unit")
    if params.get("region"):
        qs = _region(qs, params.get("region"), "unit")
    if params.get("post"):
        qs = qs.filter(post_id=_int(params.get("post")))
    if params.get("holder"):
        qs = qs.filter(post__holder_id=_int(params.get("holder")))
    if params.get("department"):
        qs = qs.filter(post__unit_id=_int(params.get("department")))
    if params.get("rule"):
        qs = qs.filter(rule_id=_int(params.get("rule")))
    if params.get("kind"):
        qs = qs.filter(rule__activity_kind=params.get("kind"))
    if params.get("period"):
        qs = qs.filter(period_key=params.get("period"))
    if params.get("on"):
        day = _date(params.get("on"))
        qs = qs.filter(period_start__lte=day, period_end__gte=day) if day else qs.none()
    if params.get("from"):
        day = _date(params.get("from"))
        qs = qs.filter(deadline__gte=day) if day else qs.none()
    if params.get("to"):
        day = _date(params.get("to"))
        qs = qs.filter(deadline__lte=day) if day else qs.none()
    return qs


def filter_activities(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(notes__icontains=q) | Q(unit__name__icontains=q))
    if params.get("kind"):
        qs = qs.filter(kind=params.get("kind"))
    if params.get("unit"):
        qs = qs.filter(unit_id=_int(params.get("unit")))
    if params.get("subtree"):
        qs = _subtree(qs, params.get("subtree"), "unit")
    if params.get("backdated") not in (None, ""):
        qs = qs.filter(backdated=str(params.get("backdated")).lower() in ("1", "true", "yes"))
    if params.get("from"):
        day = _date(params.get("from"))
        qs = qs.filter(occurred_on__gte=day) if day else qs.none()
    if params.get("to"):
        day = _date(params.get("to"))
        qs = qs.filter(occurred_on__lte=day) if day else qs.none()
    return qs


def filter_heightened(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    return qs.filter(name__icontains=q) if q else qs
