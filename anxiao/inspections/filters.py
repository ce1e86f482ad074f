"""The inspection list's filters, declared once (core.filters.ListFilter): list page, API, XLSX export."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import InspectionKind, InspectionStatus, SignerRole, awaiting_signature_q


class InspectionFilter(ListFilter):
    kind: Annotated[str | None, Bar("检查类型", choices=InspectionKind.choices)] = None
    status: Annotated[str | None, Bar("状态", choices=InspectionStatus.choices)] = None
    unit: Annotated[int | None, Field(title="受检单位"), Refers("org.Unit"), FilterLookup("unit_id")] = None
    unsigned: Annotated[str | None, Bar("待签名", choices=SignerRole.choices)] = None

    def filter_unsigned(self, value: str) -> Q:
        return awaiting_signature_q(value)
