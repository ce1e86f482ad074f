"""Filters shared by the HTML lists and the API (one definition per record type)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q


def _int(value: Any) -> int | None:
    return int(value) if str(value).isdecimal() else None


def filter_profiles(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(school__name__icontains=q) | Q(school__pinyin__icontains=q.lower()) | Q(campus__icontains=q))
    if p.get("school"):
        qs = qs.filter(school_id=_int(p["school"]))
    return qs


def filter_guards(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(company__icontains=q) | Q(profile__school__name__icontains=q))
    if p.get("school"):
        qs = qs.filter(profile__school_id=_int(p["school"]))
    if p.get("profile"):
        qs = qs.filter(profile_id=_int(p["profile"]))
    return qs


def filter_settings(qs: Any, p: Any) -> Any:
    return qs
