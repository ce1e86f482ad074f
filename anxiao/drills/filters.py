"""Filters shared by the HTML lists and the API (one definition per record type)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def _int(value: Any) -> int | None:
    return int(value) if str(value).isdecimal() else None


def filter_drills(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(school__name__icontains=q) | Q(school__pinyin__icontains=q.lower()))
    for key in ("status", "kind", "theme"):
        if p.get(key):
            qs = qs.filter(**{key: p[key]})
    if p.get("school"):
        qs = qs.filter(school_id=_int(p["school"]))
    if p.get("year"):
        qs = qs.filter(planned_on__year=_int(p["year"]))
    if p.get("voided") in ("1", "true", True):
        qs = qs.filter(voided_at__isnull=False)
    elif p.get("voided") in (None, "", "0", "false", False):
        qs = qs.filter(voided_at__isnull=True)
    if p.get("unevaluated") in ("1", "true", True):
        qs = qs.filter(status="held", evaluation_result="")
    return qs


def filter_plans(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(school__pinyin__icontains=q.lower()))
    if p.get("status"):
        qs = qs.filter(status=p["status"])
    if p.get("year"):
        qs = qs.filter(year=_int(p["year"]))
    if p.get("school"):
        qs = qs.filter(school_id=_int(p["school"]))
    return qs.filter(voided_at__isnull=True)


def filter_settings(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    return qs.filter(unit__name__icontains=q) if q else qs


def filter_attempts(qs: Any, p: Any) -> Any:
    if p.get("drill"):
        qs = qs.filter(drill_id=_int(p["drill"]))
    if p.get("reason"):
        qs = qs.filter(reason=p["reason"])
    return qs
