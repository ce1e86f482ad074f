"""The drill lists' filters, declared once each (core.filters.ListFilter): list pages, filter bars, API, exports."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from pydantic import Field

from anxiao.core.api import Year
from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import AttemptReason, DrillKind, DrillStatus, PlanStatus, Theme


class DrillFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "school__name__icontains", "school__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="演练名称或学校")] = None
    status: Annotated[str | None, Bar("状态", choices=DrillStatus.choices)] = None
    kind: Annotated[str | None, Bar("类别", choices=DrillKind.choices)] = None
    theme: Annotated[str | None, Bar("主题", choices=Theme.choices)] = None
    unevaluated: Annotated[bool | None, Bar("评估", choices=[("1", "已举行待评估")])] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None
    year: Annotated[Year | None, Field(title="年度"), FilterLookup("planned_on__year")] = None
    voided: Annotated[bool, Field(title="已作废")] = False  # void drills only when asked for

    def filter_voided(self, value: bool) -> Q:
        return Q(voided_at__isnull=not value)

    def filter_unevaluated(self, value: bool) -> Q:
        return Q(status="held", evaluation_result="") if value else Q()


class PlanFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["school__name__icontains", "school__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="学校名称")] = None
    status: Annotated[str | None, Bar("状态", choices=PlanStatus.choices)] = None
    year: Annotated[Year | None, Field(title="年度")] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None

    def refine(self, qs: Any) -> Any:
        return qs.filter(voided_at__isnull=True)


class DrillSettingsFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("unit__name__icontains"),
                 Bar("搜索", "search", placeholder="单位名称")] = None


class AttemptFilter(ListFilter):
    drill: Annotated[int | None, Field(title="演练"), FilterLookup("drill_id")] = None
    reason: Annotated[str | None, Bar("原因", choices=AttemptReason.choices)] = None
