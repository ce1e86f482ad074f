"""The education record list's filters, declared once (core.filters.ListFilter): list page, filter bar, API."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.db.models import Q
from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import EDUCATION_KIND_CHOICES


class RecordFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["topic__icontains", "school__name__icontains", "speaker_name__icontains",
                                           "class_post__class_name__icontains"]),
                 Bar("搜索", "search", placeholder="主题、学校、班级或授课人")] = None
    kind: Annotated[str | None, Bar("类型", choices=EDUCATION_KIND_CHOICES)] = None
    school: Annotated[int | None, Field(title="学校"), Refers("org.Unit"), FilterLookup("school_id")] = None
    class_post: Annotated[int | None, Field(title="班级"), FilterLookup("class_post_id")] = None
    module: Annotated[str | None, Field(title="纲要模块")] = None
    # 0 (default): records in force; 1: void ones only; all: both
    voided: Annotated[Literal["0", "1", "all"], Field(title="已作废")] = "0"
    from_date: Annotated[datetime.date | None, Field(title="日期从"), FilterLookup("occurred_on__gte")] = None
    to_date: Annotated[datetime.date | None, Field(title="日期至"), FilterLookup("occurred_on__lte")] = None

    def filter_voided(self, value: str) -> Q:
        return Q() if value == "all" else Q(voided_at__isnull=value == "0")
