from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

from .factories import incident_in

REPORTERS = {"sysadmin", "bureau_admin", "school_admin", "school_member"}
MANAGERS = {"sysadmin", "bureau_admin", "school_admin"}


def _action(w):  # type: ignore[no-untyped-def]
    from anxiao.incidents import actions

    return actions.add_action(None, incident_in(w), description="家长沟通").pk


def _new(w):  # type: ignore[no-untyped-def]
    now = timezone.now().isoformat()
    return {"unit_id": w.a1.pk, "title": "食堂学生腹痛", "category": "public_health", "occurred_at": now,
            "learned_at": now, "place": "食堂"}


def _team(w):  # type: ignore[no-untyped-def]
    from anxiao.incidents import actions

    return actions.ensure_teams(None, w.a1)[0].pk


CASES = [
    Case("incidents:team_list", lambda w: reverse("incidents:team_list", args=[w.a1.pk]), target="a1"),
    Case("incidents:team_edit", lambda w: reverse("incidents:team_edit", args=[_team(w)]), target="a1"),
    Case("incidents:incident_list", lambda w: reverse("incidents:incident_list")),
    Case("incidents:incident_export", lambda w: reverse("incidents:incident_export")),
    Case("incidents:incident_create", lambda w: reverse("incidents:incident_create"), kind="write",
         writers=REPORTERS | {"outsider"}),
    Case("incidents:incident_detail", lambda w: reverse("incidents:incident_detail", args=[incident_in(w).pk]),
         target="a1"),
    Case("incidents:report_create", lambda w: reverse("incidents:report_create", args=[incident_in(w).pk]),
         target="a1"),
    Case("incidents:action_create", lambda w: reverse("incidents:action_create", args=[incident_in(w).pk]),
         target="a1"),
    Case("incidents:action_complete", lambda w: reverse("incidents:action_complete", args=[_action(w)]), target="a1"),
    Case("incidents:incident_close", lambda w: reverse("incidents:incident_close", args=[incident_in(w).pk]),
         target="a1", method="post", data=lambda w: {}, ok=302),
    Case("api:incidents_list", lambda w: "/api/v1/incidents", api=True),
    Case("api:incidents_get", lambda w: f"/api/v1/incidents/{incident_in(w).pk}", api=True, target="a1"),
    Case("api:incidents_create", lambda w: "/api/v1/incidents", api=True, target="a1", kind="write", method="post",
         data=_new, ok=201, writers=MANAGERS, also_allowed={"school_member"}),
    Case("api:incidents_report", lambda w: f"/api/v1/incidents/{incident_in(w).pk}/reports", api=True, target="a1",
         kind="write", method="post", data=lambda w: {"kind": "phone"}, ok=201, writers=MANAGERS,
         also_allowed={"school_member"}),
    Case("api:incidents_reports", lambda w: f"/api/v1/incidents/{incident_in(w).pk}/reports", api=True, target="a1"),
    Case("api:incidents_add_action", lambda w: f"/api/v1/incidents/{incident_in(w).pk}/actions", api=True,
         target="a1", kind="write", method="post", data=lambda w: {"description": "心理疏导"}, ok=201,
         writers=MANAGERS),
    Case("api:incidents_complete_action", lambda w: f"/api/v1/incident-actions/{_action(w)}/complete", api=True,
         target="a1", kind="write", method="post", data=lambda w: {"done_note": "已完成"}, writers=MANAGERS),
    Case("api:incidents_close", lambda w: f"/api/v1/incidents/{incident_in(w).pk}/close", api=True, target="a1",
         kind="write", method="post", data=lambda w: {}, ok=422, writers=MANAGERS),
]
