"""The chiefs app's rows in the permission matrix (tests/test_permission_matrix.py runs them).

The records live in county A's government (visible like "bureau_a") or concern school a1 ("a1");
they are built by :func:`fixtures.chiefs_world` on first use.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

from ..models import TaskStatus
from .fixtures import chiefs_world, task

# Only the agency side (or an admin over it) works a task; only the government side verifies it.
# In the test world both are county A's bureau admin (and the system admin).
TASK_WRITERS = {"sysadmin", "bureau_admin"}
TASK_MARKERS = {"a1": lambda w: "新华中学门口交通整治", "b1": lambda w: "乙镇小学门口摊贩"}


def _c(w: Any) -> Any:
    return chiefs_world(w)


def _task_in(status: str) -> Any:
    def pk(w: Any) -> int:
        return task(_c(w), w.a1, f"任务（{status}）", status=status).pk

    return pk


def _today_duty(w: Any) -> int:
    return _c(w).duties[timezone.localdate().weekday()].pk


def _evidence(w: Any) -> Any:
    """A piece of task evidence on school a1's task (as ``close_task`` stores it)."""
    from django.core.files.base import ContentFile

    from ..models import TaskAttachment

    return TaskAttachment.objects.create(task=_c(w).task, file=ContentFile(b"%PDF-1.4 evidence", name="e.pdf"),
                                         name="e.pdf", size=17)


def _web_crud(name: str, plural: str, pk: Any, target: str) -> list[Case]:
    return [
        Case(f"chiefs:{name}_list", lambda w: (_c(w), reverse(f"chiefs:{name}_list"))[1]),
        Case(f"chiefs:{name}_create", lambda w: reverse(f"chiefs:{name}_create"), kind="write"),
        Case(f"chiefs:{name}_detail", lambda w: reverse(f"chiefs:{name}_detail", args=[pk(w)]), target=target),
        Case(f"chiefs:{name}_edit", lambda w: reverse(f"chiefs:{name}_edit", args=[pk(w)]), target=target,
             kind="write"),
    ]


def _web_transition(action: str, status: str, data: dict[str, Any] | None = None) -> Case:
    pk = _task_in(status)
    return Case(f"chiefs:task_{action}", lambda w: reverse(f"chiefs:task_{action}", args=[pk(w)]), target="a1",
                kind="write", method="post", data=lambda w: data or {}, ok=302, writers=TASK_WRITERS)


def _api_transition(action: str, status: str, data: dict[str, Any] | None = None) -> Case:
    pk = _task_in(status)
    return Case(f"api:chiefs_tasks_{action}", lambda w: f"/api/v1/chiefs/tasks/{pk(w)}/{action}", target="a1",
                kind="write", method="post", api=True, data=lambda w: data or {}, writers=TASK_WRITERS)


CLOSE = {"evidence": "已设置护学岗", "note": "出警记录第1号"}
RETURN = {"note": "现场仍有问题"}

CASES = [
    Case("chiefs:chief_list", lambda w: (_c(w), reverse("chiefs:chief_list"))[1],
         markers={"bureau_a": lambda w: "甲县人民政府"}),
    Case("chiefs:chief_detail", lambda w: reverse("chiefs:chief_detail", args=[_c(w).district_chief.pk]),
         target="bureau_a"),
    Case("chiefs:task_export", lambda w: (_c(w), reverse("chiefs:task_export"))[1]),
    Case("chiefs:agency_list", lambda w: (_c(w), reverse("chiefs:agency_list"))[1],
         markers={"bureau_a": lambda w: "甲县公安局"}),
    Case("chiefs:agency_detail", lambda w: reverse("chiefs:agency_detail", args=[_c(w).agency.pk]),
         target="bureau_a"),
    Case("chiefs:task_list", lambda w: (_c(w), reverse("chiefs:task_list"))[1], markers=TASK_MARKERS),
    Case("chiefs:task_create", lambda w: (_c(w), reverse("chiefs:task_create"))[1], kind="write"),
    Case("chiefs:task_detail", lambda w: reverse("chiefs:task_detail", args=[_c(w).task.pk]), target="a1"),
    Case("chiefs:task_attachment_download", lambda w: reverse("chiefs:task_attachment_download",
                                                              args=[_evidence(w).pk]), target="a1"),
    _web_transition("accept", TaskStatus.ASSIGNED),
    _web_transition("close", TaskStatus.ACCEPTED, CLOSE),
    _web_transition("verify", TaskStatus.DONE),
    _web_transition("return", TaskStatus.DONE, RETURN),
    *_web_crud("meeting", "meetings", lambda w: _c(w).meeting.pk, "bureau_a"),
    Case("chiefs:meeting_void", lambda w: reverse("chiefs:meeting_void", args=[_c(w).meeting.pk]),
         target="bureau_a", kind="write", method="post", data=lambda w: {"void_reason": "重复录入"}, ok=302),
    *_web_crud("duty", "duties", _today_duty, "a1"),
    Case("chiefs:duty_checkin", lambda w: reverse("chiefs:duty_checkin", args=[_today_duty(w)]), target="a1",
         kind="write", method="post", data=lambda w: {"code": _c(w).gate.secret}, ok=302, writers={"school_admin"}),
    Case("chiefs:gate_scan", lambda w: reverse("chiefs:gate_scan", args=[w.a1.pk]), target="a1"),
    Case("chiefs:gate_qr", lambda w: reverse("chiefs:gate_qr", args=[w.a1.pk]), target="a1", kind="write"),
    Case("chiefs:duty_coverage", lambda w: (_c(w), reverse("chiefs:duty_coverage"))[1]),
    # API
    Case("api:chiefs_posts_list", lambda w: (_c(w), "/api/v1/chiefs/posts")[1], api=True,
         markers={"bureau_a": lambda w: "甲县人民政府"}),
    Case("api:chiefs_posts_get", lambda w: f"/api/v1/chiefs/posts/{_c(w).district_chief.pk}", target="bureau_a",
         api=True),
    Case("api:chiefs_agencies_list", lambda w: (_c(w), "/api/v1/chiefs/agencies")[1], api=True,
         markers={"bureau_a": lambda w: "甲县公安局"}),
    Case("api:chiefs_agencies_get", lambda w: f"/api/v1/chiefs/agencies/{_c(w).agency.pk}", target="bureau_a",
         api=True),
    Case("api:chiefs_meetings_list", lambda w: (_c(w), "/api/v1/chiefs/meetings")[1], api=True,
         markers={"bureau_a": lambda w: "甲县总校长全体成员单位会议"}),
    Case("api:chiefs_meetings_get", lambda w: f"/api/v1/chiefs/meetings/{_c(w).meeting.pk}", target="bureau_a",
         api=True),
    Case("api:chiefs_meetings_update", lambda w: f"/api/v1/chiefs/meetings/{_c(w).meeting.pk}", target="bureau_a",
         kind="write", method="patch", api=True, data=lambda w: {"minutes": "补充纪要"}),
    Case("api:chiefs_meetings_create", lambda w: (_c(w), "/api/v1/chiefs/meetings")[1], target="bureau_a",
         kind="write", method="post", api=True, ok=201, hidden_status=422,
         data=lambda w: {"government_id": _c(w).gov_a.pk, "kind": "topic", "held_on": str(timezone.localdate()),
                         "title": "防溺水专题会议", "agency_ids": [_c(w).police.pk]}),
    Case("api:chiefs_meetings_void", lambda w: f"/api/v1/chiefs/meetings/{_c(w).meeting.pk}/void",
         target="bureau_a", kind="write", method="post", api=True, data=lambda w: {"void_reason": "重复录入"}),
    Case("api:chiefs_tasks_list", lambda w: (_c(w), "/api/v1/chiefs/tasks")[1], api=True, markers=TASK_MARKERS),
    Case("api:chiefs_tasks_get", lambda w: f"/api/v1/chiefs/tasks/{_c(w).task.pk}", target="a1", api=True),
    Case("api:chiefs_tasks_create", lambda w: (_c(w), "/api/v1/chiefs/tasks")[1], target="bureau_a", kind="write",
         method="post", api=True, ok=201, hidden_status=422,
         data=lambda w: {"government_id": _c(w).gov_a.pk, "agency_id": _c(w).police.pk, "title": "整治网吧",
                         "source": "hazard", "hazard_kind": "internet_cafe",
                         "deadline": str(timezone.localdate() + datetime.timedelta(days=5))}),
    _api_transition("accept", TaskStatus.ASSIGNED),
    _api_transition("close", TaskStatus.ACCEPTED, CLOSE),
    _api_transition("verify", TaskStatus.DONE),
    _api_transition("return", TaskStatus.DONE, RETURN),
    Case("api:chiefs_duties_list", lambda w: (_c(w), "/api/v1/chiefs/duties")[1], api=True),
    Case("api:chiefs_duties_get", lambda w: f"/api/v1/chiefs/duties/{_today_duty(w)}", target="a1", api=True),
    Case("api:chiefs_duties_update", lambda w: f"/api/v1/chiefs/duties/{_today_duty(w)}", target="a1",
         kind="write", method="patch", api=True, data=lambda w: {"place": "南门"}),
    Case("api:chiefs_duties_create", lambda w: "/api/v1/chiefs/duties", target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "person_id": w.people["a1_principal"].pk, "role": "school",
                         "weekday": 1, "starts_at": "07:00", "ends_at": "08:00"}),
    Case("api:chiefs_duties_checkin", lambda w: f"/api/v1/chiefs/duties/{_today_duty(w)}/checkin", target="a1",
         kind="write", method="post", api=True, data=lambda w: {"code": _c(w).gate.secret}, ok=201,
         writers={"school_admin"}),
    Case("api:chiefs_coverage", lambda w: (_c(w), "/api/v1/chiefs/coverage")[1], api=True),
]
