"""The inspections app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from anxiao.core.testing import Case


def checklist(w: Any) -> Any:
    if not hasattr(w, "checklist"):
        from anxiao.inspections.actions import load_checklist

        w.checklist, _ = load_checklist()
    return w.checklist


def inspection(w: Any) -> Any:
    """A self-inspection of a1 with one failed item."""
    if not hasattr(w, "inspection_a1"):
        from anxiao.inspections.actions import record_results, start_inspection

        w.inspection_a1 = start_inspection(None, unit=w.a1, kind="half_monthly", title="半月排查",
                                           checklist=checklist(w))
        w.result_a1 = record_results(None, w.inspection_a1, [{"item_code": "XF-12", "outcome": "fail",
                                                               "note": "疏散指示灯不亮", "location": "一号楼"}])[0]
    return w.inspection_a1


def result(w: Any) -> Any:
    inspection(w)
    return w.result_a1


def result_photo(w: Any) -> Any:
    if not hasattr(w, "result_photo_a1"):
        from PIL import Image

        from anxiao.core.files import check_upload
        from anxiao.inspections.models import ResultPhoto

        buf = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buf, format="PNG")
        buf.name = "p.png"
        buf.seek(0)
        w.result_photo_a1 = ResultPhoto.from_checked(check_upload(buf), "inspections/test", result=result(w))
        w.result_photo_a1.save()
    return w.result_photo_a1


def _png() -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 20), (255, 255, 255)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


SIGNATURE = _png()


def signature(w: Any) -> Any:
    if not hasattr(w, "signature_a1"):
        from anxiao.inspections import actions

        w.signature_a1 = actions.sign(None, inspection(w), role="representative", name="李四", image=SIGNATURE)
    return w.signature_a1


def point(w: Any) -> Any:
    if not hasattr(w, "point_a1"):
        from anxiao.inspections.models import PatrolPoint

        w.point_a1 = PatrolPoint.objects.create(unit=w.a1, name="校门口", location="南门")
    return w.point_a1


def own_checklist(w: Any) -> Any:
    """County A bureau's own checklist with one item (visible to its schools, changed only by the bureau)."""
    if not hasattr(w, "own_checklist"):
        from anxiao.inspections.models import Checklist, ChecklistItem

        w.own_checklist = Checklist.objects.create(code="JX", title="甲县检查表", bureau=w.bureau_a)
        w.own_item = ChecklistItem.objects.create(checklist=w.own_checklist, code="XF-B01", category="XF",
                                                  category_name="消防安全", text="微型消防站器材齐全")
    return w.own_checklist


def own_item(w: Any) -> Any:
    own_checklist(w)
    return w.own_item


def member(w: Any) -> Any:
    if not hasattr(w, "member_a1"):
        from anxiao.inspections.models import InspectionMember

        w.member_a1 = InspectionMember.objects.create(inspection=inspection(w), name="矩阵检查员")
    return w.member_a1


BUREAU_WRITERS = {"sysadmin", "bureau_admin"}

# The buttons run their action through core.flash: a refusal by the action (no right over the inspection) is a message
# on the page they redirect to, a 302 like success (a 403 page only where the view refuses before the action).
FLASHED = 302

CASES = [
    Case("inspections:checklist_create", lambda w: reverse("inspections:checklist_create"), kind="write",
         writers=BUREAU_WRITERS),
    Case("inspections:checklist_retire", lambda w: reverse("inspections:checklist_retire", args=[own_checklist(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {}, ok=302, denied_status=FLASHED, writers=BUREAU_WRITERS),
    Case("inspections:item_create", lambda w: reverse("inspections:item_create", args=[own_checklist(w).pk]),
         target="a1", kind="write", writers=BUREAU_WRITERS),
    Case("inspections:item_edit", lambda w: reverse("inspections:item_edit", args=[own_checklist(w).pk, own_item(w).pk]),
         target="a1", kind="write", writers=BUREAU_WRITERS),
    Case("inspections:item_retire",
         lambda w: reverse("inspections:item_retire", args=[own_checklist(w).pk, own_item(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {}, ok=302, denied_status=FLASHED, writers=BUREAU_WRITERS),
    Case("inspections:member_add", lambda w: reverse("inspections:member_add", args=[inspection(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {"name": "新成员", "role": "inspector"}, ok=302, denied_status=FLASHED),
    Case("inspections:member_remove", lambda w: reverse("inspections:member_remove", args=[member(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {}, ok=302, denied_status=FLASHED),
    Case("inspections:inspection_export", lambda w: (inspection(w), reverse("inspections:inspection_export"))[1]),
    Case("inspections:inspection_list", lambda w: (inspection(w), reverse("inspections:inspection_list"))[1],
         markers={"a1": lambda w: "半月排查"}),
    Case("inspections:inspection_create", lambda w: reverse("inspections:inspection_create"), kind="write"),
    Case("inspections:inspection_detail", lambda w: reverse("inspections:inspection_detail", args=[inspection(w).pk]),
         target="a1"),
    Case("inspections:inspection_submit", lambda w: reverse("inspections:inspection_submit", args=[inspection(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {"outcome_GL-01": "pass"}, ok=302, denied_status=FLASHED),
    Case("inspections:inspection_report", lambda w: reverse("inspections:inspection_report", args=[inspection(w).pk]),
         target="a1"),
    Case("inspections:inspection_sign", lambda w: reverse("inspections:inspection_sign", args=[inspection(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {"role": "inspector", "signer_name": "张三",
                                                                 "signature": SIGNATURE}, ok=302, denied_status=FLASHED),
    Case("inspections:signature_image", lambda w: reverse("inspections:signature_image", args=[signature(w).pk]),
         target="a1"),
    Case("inspections:result_to_hazard", lambda w: reverse("inspections:result_to_hazard", args=[result(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {}, ok=302, denied_status=FLASHED),
    Case("inspections:result_photo", lambda w: reverse("inspections:result_photo", args=[result_photo(w).pk]),
         target="a1"),
    Case("inspections:checklist_list", lambda w: (checklist(w), reverse("inspections:checklist_list"))[1]),
    Case("inspections:checklist_detail", lambda w: reverse("inspections:checklist_detail", args=[checklist(w).pk])),
    Case("inspections:point_list", lambda w: (point(w), reverse("inspections:point_list"))[1],
         markers={"a1": lambda w: "校门口"}),
    Case("inspections:point_create", lambda w: reverse("inspections:point_create"), kind="write"),
    Case("inspections:point_print", lambda w: reverse("inspections:point_print")),
    Case("inspections:point_scan", lambda w: reverse("inspections:point_scan")),
    Case("inspections:point_rotate", lambda w: reverse("inspections:point_rotate", args=[point(w).pk]), target="a1",
         kind="write", method="post", data=lambda w: {}, ok=302, write_scope_first=False),
    Case("inspections:point_checkin", lambda w: reverse("inspections:point_checkin", args=[point(w).token]),
         target="a1"),
    Case("api:checklists_list", lambda w: (checklist(w), "/api/v1/checklists")[1], api=True),
    Case("api:checklists_get", lambda w: f"/api/v1/checklists/{checklist(w).pk}", api=True),
    Case("api:inspections_list", lambda w: (inspection(w), "/api/v1/inspections")[1], api=True,
         markers={"a1": lambda w: "半月排查"}),
    Case("api:inspections_get", lambda w: f"/api/v1/inspections/{inspection(w).pk}", target="a1", api=True),
    Case("api:inspections_create", lambda w: "/api/v1/inspections", target="a1", kind="write", method="post", api=True,
         ok=201, hidden_status=422, data=lambda w: {"unit_id": w.a1.pk, "kind": "daily_patrol"}),
    # A payload id (a team member at a2) is resolved within the caller's scope: to the school admin of a1 it is
    # a 422 exactly like a missing person (tests/test_payload_ids.py).
    Case("api:inspections_create", lambda w: "/api/v1/inspections", target="a2", kind="write", method="post", api=True,
         ok=201, hidden_status=422, data=lambda w: {"unit_id": w.a1.pk, "kind": "daily_patrol",
                                                     "members": [{"person_id": w.people["a2_principal"].pk}]}),
    Case("api:inspections_results", lambda w: f"/api/v1/inspections/{inspection(w).pk}/results", target="a1",
         kind="write", method="post", api=True,
         data=lambda w: {"results": [{"item_code": "GL-01", "outcome": "pass"}]}),
    Case("api:inspection_results_hazard", lambda w: f"/api/v1/inspection-results/{result(w).pk}/hazard", target="a1",
         kind="write", method="post", api=True, ok=201, data=lambda w: {}),
    Case("api:patrol_points_list", lambda w: (point(w), "/api/v1/patrol-points")[1], api=True,
         markers={"a1": lambda w: "校门口"}),
    # Guards and staff check in at their school's points without write rights.
    Case("api:patrol_points_checkin", lambda w: f"/api/v1/patrol-points/{point(w).pk}/checkins", target="a1",
         method="post", api=True, ok=201, data=lambda w: {"code": point(w).secret}),
]
