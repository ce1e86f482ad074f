"""The incident list's export (documents.lists.ListExport): what the list shows, with its filters."""

from __future__ import annotations

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import IncidentFilter
from .models import Incident

INCIDENTS = ListExport(
    title="事故与突发事件", filters=IncidentFilter, list_url="incidents:incident_list",
    rows=lambda user: Incident.objects.visible_to(user).select_related("unit").order_by("-learned_at", "-id"),
    columns=[
        (Column("获知时间", 16, "datetime"), lambda i: i.learned_at),
        (Column("单位", 20, wrap=True), lambda i: i.unit.name),
        (Column("事件", 24, wrap=True), lambda i: i.title),
        (Column("类别", 12), lambda i: i.get_category_display()),
        (Column("等级", 10), lambda i: i.get_level_display()),
        (Column("电话报告", 16, "datetime"), lambda i: i.phone_reported_at),
        (Column("书面报告", 16, "datetime"), lambda i: i.written_reported_at),
        (Column("状态", 8), lambda i: i.get_status_display()),
        (Column("死亡", 6, "int", total=True), lambda i: i.deaths),
        (Column("重伤", 6, "int", total=True), lambda i: i.serious_injuries),
        (Column("轻伤", 6, "int", total=True), lambda i: i.minor_injuries),
        (Column("直接经济损失（元）", 14, "decimal", total=True), lambda i: i.direct_loss),
    ],
)
