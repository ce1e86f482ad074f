"""The hazard ledger's filters, declared once (core.filters.ListFilter): the ledger page and its filter bar, the
roll-up, the API (``GET /api/v1/hazards``, ``/hazards/counts``) and the XLSX export all read this class."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.db.models import Q
from django.utils import timezone
from pydantic import Field

from anxiao.core.filters import Bar, FilterLookup, ListFilter, region_q, subtree_q

from .figures import figure_q
from .models import Category, Grade, Hazard, Source, Status


def _units(user: Any) -> list[tuple[int, str]]:
    from anxiao.core.choices import UnitKind
    from anxiao.org.models import Unit

    # a county has ~200 schools in the unit filter; at most 300 are offered
    return list(Unit.objects.visible_to(user).filter(kind__in=(UnitKind.SCHOOL, UnitKind.BUREAU))
                .order_by("kind", "name").values_list("id", "name")[:300])


def _in_month(field: str, value: str) -> Q:
    """``field`` (a time) falls in the month ``YYYY-MM`` (Beijing dates)."""
    from anxiao.core.periods import month_end

    start = datetime.date.fromisoformat(f"{value}-01")
    return Q(**{f"{field}__date__gte": start, f"{field}__date__lte": month_end(start.year, start.month)})


class HazardFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["location__icontains", "description__icontains", "item_code__iexact",
                                           "unit__name__icontains"]),
                 Bar("搜索", "search", placeholder="部位、描述、学校或检查项编码")] = None
    unit: Annotated[int | None, Bar("单位", choices=_units)] = None
    status: Annotated[str | None, Bar("状态", choices=Status.choices)] = None
    grade: Annotated[str | None, Bar("等级", choices=Grade.choices)] = None
    category: Annotated[str | None, Bar("类别", choices=Category.choices)] = None
    source: Annotated[str | None, Bar("排查方式", choices=Source.choices)] = None
    # the headline figures (anxiao/hazards/figures.py): ?open=1 lists what 未销号 counts, and so on
    open: Annotated[bool | None, Field(title="未销号")] = None
    overdue: Annotated[bool | None, Bar("逾期", choices=[("1", "仅看逾期")])] = None
    awaiting_acceptance: Annotated[bool | None, Field(title="待验收")] = None
    major_open: Annotated[bool | None, Field(title="未销号重大隐患")] = None
    reported_up: Annotated[bool | None, Bar("需上级协调", choices=[("1", "仅看上报上级的")])] = None
    supervised: Annotated[bool | None, Bar("督办", choices=[("1", "仅看督办中")])] = None
    region: Annotated[int | None, Field(title="区域")] = None
    risk: Annotated[int | None, Field(title="风险")] = None
    month: Annotated[str | None, Field(title="发现月份", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
                     Bar("发现月份", "month")] = None
    closed_month: Annotated[str | None, Field(title="销号月份", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
                            Bar("销号月份", "month")] = None
    found_from: Annotated[datetime.date | None, Field(title="发现日期从")] = None
    found_to: Annotated[datetime.date | None, Field(title="发现日期至")] = None

    def _figure(self, name: str, value: bool) -> Q:
        return figure_q(name, timezone.localdate()) if value else Q()

    def filter_open(self, value: bool) -> Q:
        return self._figure("open", value)

    def filter_overdue(self, value: bool) -> Q:
        return self._figure("overdue", value)

    def filter_awaiting_acceptance(self, value: bool) -> Q:
        return self._figure("awaiting_acceptance", value)

    def filter_major_open(self, value: bool) -> Q:
        return self._figure("major_open", value)

    def filter_reported_up(self, value: bool) -> Q:
        return self._figure("reported_up", value)

    def filter_supervised(self, value: bool) -> Q:
        return self._figure("supervised", value)

    def filter_unit(self, value: int) -> Q:
        return subtree_q("unit", value)

    def filter_region(self, value: int) -> Q:
        return region_q("unit__region_path", value)

    def filter_risk(self, value: int) -> Q:
        return Q(risk_id=value)

    def filter_month(self, value: str) -> Q:
        return _in_month("found_at", value)

    def filter_closed_month(self, value: str) -> Q:
        # 销号 in the month, as the dashboard's trend counts 销号 (a hazard closed and since voided is void)
        return _in_month("closed_at", value) & ~Q(status=Status.VOID)

    def filter_found_from(self, value: datetime.date) -> Q:
        return Q(found_at__date__gte=value)

    def filter_found_to(self, value: datetime.date) -> Q:
        return Q(found_at__date__lte=value)


__all__ = ["Hazard", "HazardFilter"]
