from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils import timezone


def late_q() -> Q:
    now = timezone.now()
    return (Q(phone_reported_at__gt=F("phone_due_at")) | Q(written_reported_at__gt=F("written_due_at"))
            | Q(phone_reported_at__isnull=True, phone_due_at__lt=now)
            | Q(written_reported_at__isnull=True, written_due_at__lt=now))


def filter_incidents(qs: Any, p: Any) -> Any:
    q = (p.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q) | Q(unit__pinyin__icontains=q.lower()))
    if p.get("status"):
        qs = qs.filter(status=p["status"])
    if p.get("category"):
        qs = qs.filter(category=p["category"])
    if p.get("late") in ("1", "true", True):
        qs = qs.filter(late_q())
    if p.get("unit"):
        qs = qs.filter(unit_id=p["unit"]) if str(p["unit"]).isdecimal() else qs.none()
    return qs.filter(voided_at__isnull=True)
