"""The risk lists' filters, declared once each (core.filters.ListFilter): list page, filter bar, API, XLSX export."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .grading import ControlLevel, Level, Method
from .models import Category


class RiskFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["area__icontains", "hazard_factors__icontains", "code__icontains",
                                           "school__name__icontains", "school__pinyin__icontains"]),
                 Bar("搜索", "search", placeholder="区域、危险因素、编号或学校")] = None
    level: Annotated[str | None, Bar("等级", choices=Level.choices)] = None
    category: Annotated[str | None, Bar("类别", choices=Category.choices)] = None
    method: Annotated[str | None, Bar("方法", choices=Method.choices)] = None
    control_level: Annotated[str | None, Bar("管控层级", choices=ControlLevel.choices)] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None
    active: Annotated[bool | None, Field(title="在用"), FilterLookup("is_active")] = None


class RiskSettingsFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("bureau__name__icontains"),
                 Bar("搜索", "search", placeholder="教育局")] = None


__all__ = ["RiskFilter", "RiskSettingsFilter"]
