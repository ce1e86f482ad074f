"""The incident list's filters, declared once (core.filters.ListFilter): list page, filter bar, API, XLSX export."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import F, Q
from django.utils import timezone
from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import Category, Status


def late_q() -> Q:
    now = timezone.now()
    return (Q(phone_reported_at__gt=F("phone_due_at")) | Q(written_reported_at__gt=F("written_due_at"))
            | Q(phone_reported_at__isnull=True, phone_due_at__lt=now)
            | Q(written_reported_at__isnull=True, written_due_at__lt=now))


class IncidentFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "unit__name__icontains", "unit__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="事件或学校")] = None
    status: Annotated[str | None, Bar("状态", choices=Status.choices)] = None
    category: Annotated[str | None, Bar("类别", choices=Category.choices)] = None
    late: Annotated[bool | None, Bar("迟报", choices=[("1", "只看迟报")])] = None
    unit: Annotated[int | None, Field(title="单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None

    def filter_late(self, value: bool) -> Q:
        return late_q() if value else Q()

    def refine(self, qs: Any) -> Any:
        return qs.filter(voided_at__isnull=True)
