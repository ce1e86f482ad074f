"""Filters shared by the HTML lists and the API (one definition per record type)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from anxiao.org.filters import _region


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def filter_tasks(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(agency__name__icontains=q) | Q(school__name__icontains=q))
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    for name in ("agency", "school", "government"):
        if params.get(name):
            qs = qs.filter(**{f"{name}_id": _int(params[name])})
    if params.get("region"):
        qs = _region(qs, params["region"], "government__region_path")
    return qs


def filter_meetings(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(government__name__icontains=q))
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("government"):
        qs = qs.filter(government_id=_int(params["government"]))
    if params.get("year"):
        qs = qs.filter(held_on__year=_int(params["year"]))
    return qs


def filter_duties(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(person__name__icontains=q) | Q(school__pinyin__icontains=q))
    if params.get("school"):
        qs = qs.filter(school_id=_int(params["school"]))
    if params.get("weekday") not in (None, ""):
        qs = qs.filter(weekday=_int(params["weekday"]))
    if params.get("role"):
        qs = qs.filter(role=params["role"])
    return qs


def filter_agencies(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(unit__name__icontains=q)
    if params.get("district"):
        qs = qs.filter(district_id=_int(params["district"]))
    return qs
