"""The letter list's filters, declared once (core.filters.ListFilter): list page, filter bar, zip, API, XLSX."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from anxiao.core.api import Year
from anxiao.core.filters import Bar, FilterLookup, ListFilter, Refers

from .models import LetterKind, LetterStatus


class LetterFilter(ListFilter):
    year: Annotated[Year | None, Field(title="年度")] = None
    kind: Annotated[str | None, Bar("类型", choices=LetterKind.choices)] = None
    status: Annotated[str | None, Bar("状态", choices=LetterStatus.choices)] = None
    unit: Annotated[int | None, Field(title="乙方单位"), Refers("org.Unit"), FilterLookup("signatory_unit_id")] = None
