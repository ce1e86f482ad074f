"""The inspection list's filters, declared once (core.filters.ListFilter): list page, API, XLSX export."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import InspectionKind, InspectionStatus


class InspectionFilter(ListFilter):
    kind: Annotated[str | None, Bar("检查类型", choices=InspectionKind.choices)] = None
    status: Annotated[str | None, Bar("状态", choices=InspectionStatus.choices)] = None
    unit: Annotated[int | None, Field(title="受检单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
