"""The drills app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

from .fixtures import drill, finding, plan_a1, settings_a

TITLE = "新华中学消防疏散演练"


def _web(name: str, obj, target: str, markers=None, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    return [
        Case(f"drills:{name}_list", lambda w: (obj(w), reverse(f"drills:{name}_list"))[1], markers=markers or {}, **extra),
        Case(f"drills:{name}_create", lambda w: reverse(f"drills:{name}_create"), kind="write", **extra),
        Case(f"drills:{name}_detail", lambda w: reverse(f"drills:{name}_detail", args=[obj(w).pk]), target=target, **extra),
        Case(f"drills:{name}_edit", lambda w: reverse(f"drills:{name}_edit", args=[obj(w).pk]), target=target,
             kind="write", **extra),
    ]


def _api(path: str, obj, target: str, create, create_target: str, markers=None, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    name = path.replace("/", "_")
    return [
        Case(f"api:{name}_list", lambda w: (obj(w), f"/api/v1/{path}")[1], api=True, markers=markers or {}, **extra),
        Case(f"api:{name}_get", lambda w: f"/api/v1/{path}/{obj(w).pk}", target=target, api=True, **extra),
        Case(f"api:{name}_update", lambda w: f"/api/v1/{path}/{obj(w).pk}", target=target, kind="write",
             method="patch", api=True, data=lambda w: {}, **extra),
        Case(f"api:{name}_create", lambda w: f"/api/v1/{path}", target=create_target, kind="write", method="post",
             api=True, data=create, ok=201, hidden_status=422, **extra),
    ]


def _new_drill(w):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return {"school_id": w.a1.pk, "kind": "guard_drill", "theme": "anti_violence", "planned_on": str(now.date()),
            "window_start": now.isoformat(), "window_end": (now + timezone.timedelta(hours=2)).isoformat()}


def _new_plan(w):  # type: ignore[no-untyped-def]
    return {"school_id": w.a1.pk, "year": timezone.localdate().year,
            "items": [{"month": m, "kind": "drill", "theme": "fire"} for m in range(1, 13)]}


def _post(name: str, url, data=None, **kw) -> Case:  # type: ignore[no-untyped-def]
    return Case(name, url, target="a1", kind="write", method="post", ok=302, data=data, **kw)


SIGNIN_ONLY_OWN = {"writers": set(), "also_allowed": {"school_member"}, "denied_status": 422,
                   "write_scope_first": False}

CASES = [
    *_web("drill", drill, "a1", markers={"a1": lambda w: TITLE}),
    *_web("plan", plan_a1, "a1", markers={"a1": lambda w: "新华中学"}),
    *_web("settings", settings_a, "bureau_a", managers_only=True),
    Case("drills:signin", lambda w: reverse("drills:signin", args=[drill(w).token]), target="a1"),
    Case("drills:drill_export", lambda w: (drill(w), reverse("drills:drill_export"))[1]),
    Case("drills:attempt_list", lambda w: (drill(w), reverse("drills:attempt_list"))[1], managers_only=True),
    Case("drills:drill_qr", lambda w: reverse("drills:drill_qr", args=[drill(w).pk]), target="a1"),
    Case("drills:drill_coverage", lambda w: reverse("drills:drill_coverage", args=[drill(w).pk]), target="a1"),
    Case("drills:drill_file", lambda w: (drill(w), reverse("drills:drill_file", args=[w.drill_file_a1.pk]))[1],
         target="a1"),
    _post("drills:drill_action", lambda w: reverse("drills:drill_action", args=[drill(w).pk, "void"]),
          data=lambda w: {"reason": "重复登记"}),
    _post("drills:drill_upload", lambda w: reverse("drills:drill_upload", args=[drill(w).pk])),
    _post("drills:finding_add", lambda w: reverse("drills:finding_add", args=[drill(w).pk]),
          data=lambda w: {"description": "广播听不清", "location": "操场", "category": "AB"}),
    _post("drills:finding_hazard", lambda w: reverse("drills:finding_hazard", args=[finding(w).pk])),
    _post("drills:plan_approve", lambda w: reverse("drills:plan_approve", args=[plan_a1(w).pk]),
          writers={"school_admin"}),
    _post("drills:plan_void", lambda w: reverse("drills:plan_void", args=[plan_a1(w).pk]),
          data=lambda w: {"reason": "重新制定"}),
    *_api("drills", drill, "a1", _new_drill, create_target="a1", markers={"a1": lambda w: TITLE}),
    *_api("drills/plans", plan_a1, "a1", _new_plan, create_target="a1"),
    *_api("drills/settings", settings_a, "bureau_a", lambda w: {"unit_id": w.bureau_a.pk}, create_target="bureau_a", managers_only=True),
    Case("api:drills_attempts", lambda w: (drill(w), "/api/v1/drills/attempts")[1], api=True),
    Case("api:drills_transition", lambda w: f"/api/v1/drills/{drill(w).pk}/transition", target="a1", kind="write",
         method="post", api=True, data=lambda w: {"action": "void", "reason": "重复登记"}, write_scope_first=False),
    Case("api:drills_upload", lambda w: f"/api/v1/drills/{drill(w).pk}/files", target="a1", kind="write",
         method="post", api=True, ok=422, write_scope_first=False),
    Case("api:drills_files", lambda w: f"/api/v1/drills/{drill(w).pk}/files", target="a1", api=True),
    Case("api:drills_signin", lambda w: f"/api/v1/drills/{drill(w).pk}/signin", target="a1", kind="write",
         method="post", api=True, data=lambda w: {}, ok=201, **SIGNIN_ONLY_OWN),  # type: ignore[arg-type]
    Case("api:drills_coverage", lambda w: f"/api/v1/drills/{drill(w).pk}/coverage", target="a1", api=True),
    Case("api:drills_findings_create", lambda w: f"/api/v1/drills/{drill(w).pk}/findings", target="a1", kind="write",
         method="post", api=True, ok=201, write_scope_first=False,
         data=lambda w: {"description": "广播听不清", "location": "操场", "category": "AB"}),
    Case("api:drills_finding_hazard", lambda w: f"/api/v1/drills/findings/{finding(w).pk}/hazard", target="a1",
         kind="write", method="post", api=True, ok=201, write_scope_first=False),
    Case("api:drills_plans_approve", lambda w: f"/api/v1/drills/plans/{plan_a1(w).pk}/approve", target="a1",
         kind="write", method="post", api=True, writers={"school_admin"}, write_scope_first=False),
]
