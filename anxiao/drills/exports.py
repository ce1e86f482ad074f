"""The drill list's export (documents.lists.ListExport): what the list shows, with its filters."""

from __future__ import annotations

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import DrillFilter
from .models import Drill

DRILLS = ListExport(
    title="应急疏散演练", filters=DrillFilter, list_url="drills:drill_list",
    rows=lambda user: Drill.objects.visible_to(user).select_related("school").order_by("-planned_on", "-id"),
    columns=[
        (Column("计划日期", 11, "date"), lambda d: d.planned_on),
        (Column("学校", 20, wrap=True), lambda d: d.school.name),
        (Column("类别", 10), lambda d: d.get_kind_display()),
        (Column("主题", 22, wrap=True), lambda d: d.title or d.get_theme_display()),
        (Column("状态", 9), lambda d: d.get_status_display()),
        (Column("举行日期", 11, "date"), lambda d: d.held_on),
        (Column("参演人数", 9, "int", total=True), lambda d: d.participants_count),
        (Column("疏散用时（秒）", 10, "int"), lambda d: d.evacuation_seconds),
        (Column("评定", 8), lambda d: d.get_evaluation_result_display()),
    ],
)
