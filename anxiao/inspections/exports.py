"""The inspection list's export (documents.lists.ListExport): what the list shows, with its filters."""

from __future__ import annotations

from django.db.models import Count, Q

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import InspectionFilter
from .models import Inspection

INSPECTIONS = ListExport(
    title="检查排查记录", filters=InspectionFilter, list_url="inspections:inspection_list",
    rows=lambda user: Inspection.objects.visible_to(user).select_related("unit", "inspecting_unit")
    .annotate(failed=Count("results", filter=Q(results__outcome="fail"))).order_by("-planned_on", "-id"),
    columns=[
        (Column("检查日期", 11, "date"), lambda i: i.planned_on),
        (Column("检查类型", 12), lambda i: i.get_kind_display()),
        (Column("受检单位", 20, wrap=True), lambda i: i.unit.name),
        (Column("检查单位", 20, wrap=True), lambda i: i.inspecting_unit.name if i.inspecting_unit else "本单位"),
        (Column("主题", 26, wrap=True), lambda i: i.title),
        (Column("状态", 9), lambda i: i.get_status_display()),
        (Column("完成时间", 16, "datetime"), lambda i: i.completed_at),
        (Column("不合格项", 9, "int", total=True), lambda i: i.failed),
    ],
)
