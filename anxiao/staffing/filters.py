"""The staffing lists' filters, declared once each (core.filters.ListFilter): list pages, filter bars, API."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers


class ProfileFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["school__name__icontains", "school__pinyin__icontains", "campus__icontains"]),
                 Bar("搜索", "search", placeholder="学校名称或拼音首字母")] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None


class GuardFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "company__icontains", "profile__school__name__icontains"]),
                 Bar("搜索", "search", placeholder="姓名、保安公司或学校")] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("profile__school_id")] = None
    profile: Annotated[int | None, Field(title="学校档案"), FilterLookup("profile_id")] = None


class StaffingSettingsFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("bureau__name__icontains"),
                 Bar("搜索", "search", placeholder="教育局")] = None
