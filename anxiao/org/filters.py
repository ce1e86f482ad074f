"""The org lists' filters, declared once each (core.filters.ListFilter): list pages, filter bars, API, exports."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from pydantic import Field

from anxiao.core.choices import PostKind, RegionLevel, Stage, UnitKind
from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers, region_q

from .models import AssignmentKind


class RegionFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "code__icontains", "pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="名称或拼音首字母")] = None
    level: Annotated[str | None, Bar("级别", choices=RegionLevel.choices)] = None
    parent: Annotated[int | None, Field(title="上级"), Refers("org.Region"), FilterLookup("parent_id")] = None


class UnitFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "short_name__icontains", "code__icontains",
                                           "pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="学校名称或拼音首字母，如 xhzx")] = None
    kind: Annotated[str | None, Bar("类型", choices=UnitKind.choices)] = None
    stage: Annotated[str | None, Bar("学段", choices=Stage.choices)] = None
    region: Annotated[int | None, Field(title="区划"), Refers("org.Region")] = None
    parent: Annotated[int | None, Field(title="上级单位"), Refers("org.Unit"), FilterLookup("parent_id")] = None
    boarding: Annotated[bool | None, Field(title="寄宿")] = None

    def filter_region(self, value: int) -> Q:
        return region_q("region_path", value)

    def filter_boarding(self, value: bool) -> Q:
        return Q(boarding=True) if value else Q()


class PersonFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "mobile__icontains", "pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="姓名、拼音首字母或手机号")] = None
    unit: Annotated[int | None, Field(title="单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
    region: Annotated[int | None, Field(title="区划"), Refers("org.Region")] = None
    post_kind: Annotated[str | None, Bar("岗位", choices=PostKind.choices), FilterLookup("posts__kind")] = None

    def filter_region(self, value: int) -> Q:
        return region_q("unit__region_path", value)

    def refine(self, qs: Any) -> Any:
        return qs.distinct() if self.post_kind else qs


class PostFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["title__icontains", "holder__name__icontains", "holder__pinyin__icontains",
                                           "unit__name__icontains", "unit__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="岗位、姓名或单位")] = None
    kind: Annotated[str | None, Bar("岗位类别", choices=PostKind.choices)] = None
    unit: Annotated[int | None, Field(title="单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
    region: Annotated[int | None, Field(title="区划"), Refers("org.Region")] = None
    vacant: Annotated[bool | None, Bar("空缺", choices=[("1", "仅看空缺")])] = None

    def filter_region(self, value: int) -> Q:
        return region_q("unit__region_path", value)

    def filter_vacant(self, value: bool) -> Q:
        return Q(holder__isnull=True) if value else Q()


class GroupFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "unit__name__icontains"]),
                 Bar("搜索", "search", placeholder="名称或单位")] = None


class AssignmentFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["target_unit__name__icontains", "target_unit__pinyin__icontains",
                                           "holder_unit__name__icontains", "holder_post__holder__name__icontains"]),
                 Bar("搜索", "search", placeholder="学校或负责人")] = None
    kind: Annotated[str | None, Bar("类型", choices=AssignmentKind.choices)] = None
    target_unit: Annotated[int | None, Field(title="联系对象"), Refers("org.Unit"), FilterLookup("target_unit_id")] = None
