"""Filters shared by the HTML lists, the XLSX export and the API (one definition per record type)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def _int(value: Any) -> int | None:
    return int(value) if str(value).isdecimal() else None


def filter_risks(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(area__icontains=q) | Q(hazard_factors__icontains=q) | Q(code__icontains=q)
                       | Q(school__name__icontains=q) | Q(school__pinyin__icontains=q.lower()))
    for key in ("level", "category", "method", "control_level"):
        if p.get(key):
            qs = qs.filter(**{key: p[key]})
    if p.get("school"):
        qs = qs.filter(school_id=_int(p["school"]))
    if p.get("active") in ("0", "false", False):
        qs = qs.filter(is_active=False)
    elif p.get("active") in ("1", "true", True):
        qs = qs.filter(is_active=True)
    return qs


def filter_settings(qs: Any, p: Any) -> Any:
    return qs
