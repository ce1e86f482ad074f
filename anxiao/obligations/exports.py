"""The activity list's export (documents.lists.ListExport): what the list shows, with its filters."""

from __future__ import annotations

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import ActivityFilter
from .models import Activity

ACTIVITIES = ListExport(
    title="履职记录", filters=ActivityFilter, list_url="obligations:activity_list",
    rows=lambda user: Activity.objects.visible_to(user).select_related("unit", "responsible_post__holder")
    .order_by("-occurred_on", "-id"),
    columns=[
        (Column("日期", 11, "date"), lambda a: a.occurred_on),
        (Column("类型", 14), lambda a: a.get_kind_display()),
        (Column("主题", 26, wrap=True), lambda a: a.title),
        (Column("单位", 20, wrap=True), lambda a: a.unit.name),
        (Column("负责人", 10), lambda a: a.responsible_post.holder.name
         if a.responsible_post and a.responsible_post.holder else ""),
        (Column("参加人数", 9, "int", total=True), lambda a: a.participant_count),
        (Column("补录", 6), lambda a: "补录" if a.backdated else ""),
        (Column("状态", 8), lambda a: "已作废" if a.is_voided else ""),
    ],
)
