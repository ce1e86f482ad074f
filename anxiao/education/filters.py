"""Filters shared by the HTML list and the API (one definition per record type)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q


def _int(value: Any) -> int | None:
    return int(value) if str(value).isdecimal() else None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def filter_records(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(school__name__icontains=q) | Q(speaker_name__icontains=q)
                       | Q(class_post__class_name__icontains=q))
    if p.get("kind"):
        qs = qs.filter(kind=p["kind"])
    if p.get("school"):
        qs = qs.filter(school_id=_int(p["school"]))
    if p.get("class_post"):
        qs = qs.filter(class_post_id=_int(p["class_post"]))
    if p.get("module"):
        qs = qs.filter(module=p["module"])
    if p.get("from") and _date(p["from"]):
        qs = qs.filter(occurred_on__gte=_date(p["from"]))
    if p.get("to") and _date(p["to"]):
        qs = qs.filter(occurred_on__lte=_date(p["to"]))
    voided = str(p.get("voided") or "").lower()
    if voided in ("1", "true", "yes"):
        qs = qs.filter(voided_at__isnull=False)
    elif voided not in ("all",):
        qs = qs.filter(voided_at__isnull=True)
    return qs
