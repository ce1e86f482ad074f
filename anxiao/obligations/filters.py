"""The obligation lists' filters, declared once each (core.filters.ListFilter): list pages, filter bars, API,
exports."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.db.models import Q
from django.utils import timezone
from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers, region_q, subtree_q

from .models import ActivityKind, PeriodKind, Status, status_q


class RuleFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "code__icontains", "clause_ref__icontains"]),
                 Bar("搜索", "search", placeholder="名称、编号或条款")] = None
    period: Annotated[str | None, Bar("周期", choices=PeriodKind.choices)] = None
    activity_kind: Annotated[str | None, Bar("类型", choices=ActivityKind.choices)] = None
    enabled: Annotated[bool | None, Bar("状态", choices=[("1", "启用"), ("0", "停用")])] = None
    pack_code: Annotated[str | None, Field(title="规则包")] = None
    scope: Annotated[str | None, Field(title="范围")] = None
    bureau: Annotated[int | None, Field(title="教育局"), FilterLookup("bureau_id")] = None


class OccurrenceFilter(ListFilter):
    status: Annotated[str | None, Bar("状态", choices=Status.choices)] = None
    kind: Annotated[str | None, Bar("类型", choices=ActivityKind.choices), FilterLookup("rule__activity_kind")] = None
    unit: Annotated[int | None, Field(title="单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
    subtree: Annotated[int | None, Field(title="单位及下级"), Refers("org.Unit")] = None
    region: Annotated[int | None, Field(title="区划"), Refers("org.Region")] = None
    post: Annotated[int | None, Field(title="岗位"), FilterLookup("post_id")] = None
    holder: Annotated[int | None, Field(title="责任人"), FilterLookup("post__holder_id")] = None
    department: Annotated[int | None, Field(title="科室"), Refers("org.Unit"), FilterLookup("post__unit_id")] = None
    rule: Annotated[int | None, Field(title="规则"), FilterLookup("rule_id")] = None
    period: Annotated[str | None, Field(title="周期"), FilterLookup("period_key")] = None
    on: Annotated[datetime.date | None, Field(title="日期")] = None
    due_from: Annotated[datetime.date | None, Field(title="截止日期从"), FilterLookup("deadline__gte")] = None
    due_to: Annotated[datetime.date | None, Field(title="截止日期至"), FilterLookup("deadline__lte")] = None

    def filter_status(self, value: str) -> Q:
        return status_q(value, timezone.localdate()) if value in Status.values else Q(pk__in=[])

    def filter_subtree(self, value: int) -> Q:
        return subtree_q("unit", value)

    def filter_region(self, value: int) -> Q:
        return region_q("unit__region_path", value)

    def filter_on(self, value: datetime.date) -> Q:
        return Q(period_start__lte=value, period_end__gte=value)


class ActivityFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "notes__icontains", "unit__name__icontains"]),
                 Bar("搜索", "search", placeholder="主题、记录内容或单位")] = None
    kind: Annotated[str | None, Bar("类型", choices=ActivityKind.choices)] = None
    backdated: Annotated[bool | None, Bar("补录", choices=[("1", "仅看补录")])] = None
    unit: Annotated[int | None, Field(title="单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
    subtree: Annotated[int | None, Field(title="单位及下级"), Refers("org.Unit")] = None
    from_date: Annotated[datetime.date | None, Field(title="日期从"), FilterLookup("occurred_on__gte")] = None
    to_date: Annotated[datetime.date | None, Field(title="日期至"), FilterLookup("occurred_on__lte")] = None

    def filter_subtree(self, value: int) -> Q:
        return subtree_q("unit", value)


class HeightenedFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("name__icontains"), Bar("搜索", "search", placeholder="名称")] = None
