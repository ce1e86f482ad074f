"""The hazard ledger's list export (documents.lists.ListExport): what the ledger shows, with its filters."""

from __future__ import annotations

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import HazardFilter
from .models import Hazard

HAZARDS = ListExport(
    title="学校安全隐患台账", filters=HazardFilter, list_url="hazards:hazard_list",
    rows=lambda user: Hazard.objects.visible_to(user).select_related("unit", "responsible").order_by("-found_at", "-id"),
    columns=[
        (Column("编号", 14), lambda h: h.number),
        (Column("发现时间", 16, "datetime"), lambda h: h.found_at),
        (Column("单位", 20, wrap=True), lambda h: h.unit.name),
        (Column("隐患部位", 14, wrap=True), lambda h: h.location),
        (Column("类别", 14), lambda h: h.get_category_display()),
        (Column("隐患描述", 28, wrap=True), lambda h: h.description),
        (Column("等级", 8), lambda h: h.get_grade_display()),
        (Column("状态", 10), lambda h: h.get_status_display()),
        (Column("整改责任人", 10), lambda h: h.responsible.name if h.responsible else ""),
        (Column("整改期限", 11, "date"), lambda h: h.deadline),
        (Column("逾期", 6), lambda h: "是" if h.is_overdue() else ""),
        (Column("整改资金（元）", 12, "decimal", total=True), lambda h: h.funds),
    ],
)
