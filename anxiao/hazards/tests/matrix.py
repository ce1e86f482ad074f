"""The hazards app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse

from anxiao.core.testing import Case


def hazard(w: Any) -> Any:
    """A reported hazard of school a1 (made once per world)."""
    if not hasattr(w, "hazard_a1"):
        from anxiao.hazards.actions import report_hazard

        w.hazard_a1 = report_hazard(None, unit=w.a1, location="教学楼二层", category="XF", description="灭火器过期",
                                    finder_name="测试")
    return w.hazard_a1


def photo(w: Any) -> Any:
    if not hasattr(w, "hazard_photo_a1"):
        from PIL import Image

        from anxiao.core.files import check_upload
        from anxiao.hazards.models import HazardPhoto

        buf = io.BytesIO()
        Image.new("RGB", (8, 8), (0, 0, 0)).save(buf, format="PNG")
        buf.name = "p.png"
        buf.seek(0)
        h = hazard(w)
        w.hazard_photo_a1 = HazardPhoto.from_checked(check_upload(buf), f"hazards/{h.unit_id}/{h.pk}", hazard=h)
        w.hazard_photo_a1.save()
    return w.hazard_photo_a1


def extension(w: Any) -> Any:
    """A pending extension request of a1's hazard (rectifying)."""
    if not hasattr(w, "extension_a1"):
        import datetime

        from anxiao.hazards.models import Extension, Hazard

        h = hazard(w)
        Hazard.objects.filter(pk=h.pk).update(status="rectifying", deadline=datetime.date(2026, 12, 1))
        w.extension_a1 = Extension.objects.create(hazard=h, new_deadline=datetime.date(2027, 1, 1), reason="材料采购延期矩阵")
    return w.extension_a1


def order(w: Any) -> Any:
    """A 督办 order of the county A bureau on a1's hazard, not yet received."""
    if not hasattr(w, "order_a1"):
        import datetime

        from anxiao.hazards.models import SupervisionOrder

        w.order_a1 = SupervisionOrder.objects.create(hazard=hazard(w), issuing_unit=w.bureau_a,
                                                     document_number="矩阵督〔2026〕9号", issued_on=datetime.date(2026, 11, 1),
                                                     deadline=datetime.date(2026, 12, 31))
    return w.order_a1


def party_meeting(w: Any) -> Any:
    """a1's open problems each with owner and deadline, and its Party branch's meeting on the list (made once)."""
    if not hasattr(w, "party_meeting_a1"):
        import datetime

        from django.utils import timezone

        from anxiao.hazards.actions import report_hazard
        from anxiao.hazards.models import OPEN_STATUSES, Hazard
        from anxiao.obligations.actions import record_activity

        report_hazard(None, unit=w.a1, location="围墙", category="XS", description="围墙裂缝", finder_name="测试")
        Hazard.objects.filter(unit=w.a1, status__in=OPEN_STATUSES).update(
            responsible=w.people["a1_principal"], deadline=timezone.localdate() + datetime.timedelta(days=30))
        w.party_meeting_a1 = record_activity(None, kind="meeting", meeting_kind="party_branch", unit=w.a1,
                                             occurred_on=timezone.localdate(), title="党支部会议研究整改清单矩阵",
                                             notes="逐项研究整改责任人和时限")
    return w.party_meeting_a1


def filed_list(w: Any) -> Any:
    """a1's rectification list filed with the bureau (made once)."""
    if not hasattr(w, "filed_list_a1"):
        from anxiao.hazards.actions import file_rectification_list

        w.filed_list_a1 = file_rectification_list(None, w.a1, meeting=party_meeting(w))
    return w.filed_list_a1


CASES = [
    Case("hazards:rectification_list", lambda w: reverse("hazards:rectification_list")),
    Case("hazards:extension_list", lambda w: (extension(w), reverse("hazards:extension_list"))[1],
         markers={"a1": lambda w: "材料采购延期矩阵"}),
    Case("hazards:supervision_list", lambda w: (order(w), reverse("hazards:supervision_list"))[1],
         markers={"a1": lambda w: "矩阵督〔2026〕9号"}),
    Case("hazards:hazard_export", lambda w: (hazard(w), reverse("hazards:hazard_export"))[1]),
    Case("hazards:hazard_list", lambda w: (hazard(w), reverse("hazards:hazard_list"))[1],
         markers={"a1": lambda w: hazard(w).location}),
    Case("hazards:hazard_create", lambda w: reverse("hazards:hazard_create")),
    # a bureau's roll-up opens by region (a1 is inside its town's row), a school's by school: the total says it
    Case("hazards:hazard_rollup", lambda w: (hazard(w), reverse("hazards:hazard_rollup"))[1],
         markers={"a1": lambda w: "合计 1 条"}),
    Case("hazards:hazard_detail", lambda w: reverse("hazards:hazard_detail", args=[hazard(w).pk]), target="a1"),
    Case("hazards:hazard_transition", lambda w: reverse("hazards:hazard_transition", args=[hazard(w).pk]),
         target="a1", kind="write", method="post", data=lambda w: {"action": "register"}, ok=302),
    Case("hazards:photo_download", lambda w: reverse("hazards:photo_download", args=[photo(w).pk]), target="a1"),
    Case("api:hazards_list", lambda w: (hazard(w), "/api/v1/hazards")[1], api=True, markers={"a1": lambda w: hazard(w).location}),
    Case("api:hazards_counts", lambda w: "/api/v1/hazards/counts", api=True),
    Case("api:hazards_get", lambda w: f"/api/v1/hazards/{hazard(w).pk}", target="a1", api=True),
    Case("api:hazards_events", lambda w: f"/api/v1/hazards/{hazard(w).pk}/events", target="a1", api=True),
    # Anybody who can see a school may report a hazard there (staff from a phone, a visiting leader).
    Case("api:hazards_create", lambda w: "/api/v1/hazards", target="a1", method="post", api=True, ok=201,
         hidden_status=422, data=lambda w: {"unit_id": w.a1.pk, "location": "操场", "category": "XS",
                                            "description": "围栏松动"}),
    Case("api:rectification_lists_list", lambda w: (filed_list(w), "/api/v1/hazards/rectification-lists")[1], api=True,
         markers={"a1": lambda w: "党支部会议研究整改清单矩阵"}),
    # The school files its own list (as on /hazards/rectification-list/); a school it cannot see is named in the
    # payload, so it answers as an unknown id (422).
    Case("api:rectification_lists_file", lambda w: "/api/v1/hazards/rectification-lists", target="a1", kind="write",
         method="post", api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "meeting_id": party_meeting(w).pk}),
    Case("api:hazards_transition", lambda w: f"/api/v1/hazards/{hazard(w).pk}/transitions", target="a1",
         kind="write", method="post", api=True, data=lambda w: {"action": "register"}),
]
