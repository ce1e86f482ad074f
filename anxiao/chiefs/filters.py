"""The chiefs' lists' filters, declared once each (core.filters.ListFilter): list pages, filter bars, API, exports."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from pydantic import Field

from anxiao.core.api import Year
from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers, region_q

from .models import WEEKDAYS, DutyRole, MeetingKind, TaskSource, TaskStatus


class TaskFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "agency__name__icontains", "school__name__icontains"]),
                 Bar("搜索", "search", placeholder="任务、成员单位或学校")] = None
    status: Annotated[str | None, Bar("状态", choices=TaskStatus.choices)] = None
    source: Annotated[str | None, Bar("来源", choices=TaskSource.choices)] = None
    agency: Annotated[int | None, Field(title="成员单位"), Refers("org.Unit"), FilterLookup("agency_id")] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None
    government: Annotated[int | None, Field(title="交办政府"), Refers("org.Unit"), FilterLookup("government_id")] = None
    region: Annotated[int | None, Field(title="区划"), Refers("org.Region")] = None

    def filter_region(self, value: int) -> Q:
        return region_q("government__region_path", value)


class MeetingFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "government__name__icontains"]),
                 Bar("搜索", "search", placeholder="会议主题或政府")] = None
    kind: Annotated[str | None, Bar("类型", choices=MeetingKind.choices)] = None
    government: Annotated[int | None, Field(title="召开政府"), Refers("org.Unit"), FilterLookup("government_id")] = None
    year: Annotated[Year | None, Field(title="年度"), FilterLookup("held_on__year")] = None


class DutyFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["school__name__icontains", "person__name__icontains",
                                           "school__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="学校或值守人员")] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None
    weekday: Annotated[int | None, Bar("星期", choices=WEEKDAYS)] = None
    role: Annotated[str | None, Bar("身份", choices=DutyRole.choices)] = None


class AgencyFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("unit__name__icontains"), Bar("搜索", "search", placeholder="成员单位")] = None
    district: Annotated[int | None, Field(title="区县"), Refers("org.Region"), FilterLookup("district_id")] = None
