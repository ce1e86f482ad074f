"""The agency task list's export (documents.lists.ListExport): what the list shows, with its filters."""

from __future__ import annotations

from django.utils import timezone

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import TaskFilter
from .models import AgencyTask, TaskStatus


def _late(task: AgencyTask) -> str:
    return "是" if task.deadline < timezone.localdate() and task.status not in (TaskStatus.DONE, TaskStatus.VERIFIED) \
        else ""


TASKS = ListExport(
    title="成员单位任务", filters=TaskFilter, list_url="chiefs:task_list",
    rows=lambda user: AgencyTask.objects.visible_to(user).select_related("agency", "school", "government"),
    columns=[
        (Column("任务", 26, wrap=True), lambda t: t.title),
        (Column("承办成员单位", 18, wrap=True), lambda t: t.agency.name),
        (Column("学校", 18, wrap=True), lambda t: t.school.name if t.school else ""),
        (Column("交办政府", 16, wrap=True), lambda t: t.government.name),
        (Column("来源", 10), lambda t: t.get_source_display()),
        (Column("完成期限", 11, "date"), lambda t: t.deadline),
        (Column("状态", 8), lambda t: t.get_status_display()),
        (Column("逾期", 6), _late),
        (Column("办结时间", 16, "datetime"), lambda t: t.done_at),
    ],
)
