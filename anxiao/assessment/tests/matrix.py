from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case

OWNERS = {"sysadmin", "bureau_admin"}


def _scheme(w, publish: bool = False):  # type: ignore[no-untyped-def]
    from anxiao.assessment import actions

    if getattr(w, "_scheme", None) is None:
        w._scheme = actions.create_scheme(None, w.bureau_a, year=2025, name="测试考核")
    if publish and w._scheme.status == "draft":
        actions.publish(None, w._scheme)
    return w._scheme


def _onsite(w):  # type: ignore[no-untyped-def]
    return _scheme(w, publish=True).indicators.get(method="assessed").pk


def private_a1(w):  # type: ignore[no-untyped-def]
    """a1 registered as a private school (民办), so its licence is reviewed (made once)."""
    from anxiao.org.models import Unit

    Unit.objects.filter(pk=w.a1.pk).update(is_private=True)
    w.a1.refresh_from_db()
    return w.a1


def licence(w):  # type: ignore[no-untyped-def]
    """A refused 年检 of private school a1 (made once)."""
    from django.utils import timezone

    from anxiao.assessment import actions

    if getattr(w, "_licence", None) is None:
        w._licence = actions.review_licence(None, private_a1(w), subject="private", year=timezone.localdate().year,
                                            safety_standard_met=False, findings="矩阵消防通道堵塞")
    return w._licence


def _year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


CASES = [
    Case("assessment:scheme_list", lambda w: reverse("assessment:scheme_list")),
    Case("assessment:scheme_create", lambda w: reverse("assessment:scheme_create"), target="bureau_a",
         method="post", data=lambda w: {"bureau": w.bureau_a.pk, "year": 2026}, ok=302),
    Case("assessment:scheme_detail", lambda w: reverse("assessment:scheme_detail", args=[_scheme(w).pk]),
         target="bureau_a"),
    Case("assessment:scheme_publish", lambda w: reverse("assessment:scheme_publish", args=[_scheme(w).pk]),
         target="bureau_a", method="post", data=lambda w: {}, ok=302),
    Case("assessment:scheme_compute", lambda w: reverse("assessment:scheme_compute", args=[_scheme(w).pk]),
         target="bureau_a", method="post", data=lambda w: {}, ok=302),
    Case("assessment:bulletin", lambda w: reverse("assessment:bulletin", args=[_scheme(w).pk]), target="bureau_a"),
    Case("assessment:bulletin_pdf", lambda w: reverse("assessment:bulletin_pdf", args=[_scheme(w).pk]),
         target="bureau_a"),
    Case("assessment:bulletin_docx", lambda w: reverse("assessment:bulletin_docx", args=[_scheme(w).pk]),
         target="bureau_a"),
    Case("assessment:score_create", lambda w: reverse("assessment:score_create", args=[_onsite(w)]),
         target="bureau_a", method="post", data=lambda w: {"unit": w.a1.pk, "score": "8", "evidence": "x"}, ok=302),
    Case("assessment:licences", lambda w: reverse("assessment:licences")),
    Case("assessment:licence_create", lambda w: reverse("assessment:licence_create"), target="a1", method="post",
         data=lambda w: {"unit": w.a1.pk, "subject": "private", "year": 2026, "safety_standard_met": "1"}, ok=302),
    Case("api:licences_list", lambda w: (licence(w), "/api/v1/assessment/licences")[1], api=True,
         markers={"a1": lambda w: "矩阵消防通道堵塞"}),
    # The bureau reviews (as on /assessment/licences/); a unit it cannot see is named in the payload (422).
    Case("api:licences_review", lambda w: (private_a1(w), "/api/v1/assessment/licences")[1], api=True, target="a1",
         kind="write", method="post", ok=201, hidden_status=422, writers=OWNERS,
         data=lambda w: {"unit_id": w.a1.pk, "subject": "private", "year": _year(), "safety_standard_met": True}),
    Case("api:schemes_list", lambda w: "/api/v1/assessment/schemes", api=True),
    Case("api:schemes_get", lambda w: f"/api/v1/assessment/schemes/{_scheme(w).pk}", api=True, target="bureau_a"),
    Case("api:schemes_create", lambda w: "/api/v1/assessment/schemes", api=True, target="bureau_a", kind="write",
         method="post", ok=201, write_scope_first=False, data=lambda w: {"bureau_id": w.bureau_a.pk, "year": 2026}),
    Case("api:schemes_add_indicator", lambda w: f"/api/v1/assessment/schemes/{_scheme(w).pk}/indicators",
         api=True, target="bureau_a", kind="write", method="post", ok=201, write_scope_first=False,
         data=lambda w: {"name": "附加", "weight": "5", "method": "assessed"}),
    Case("api:schemes_add_veto", lambda w: f"/api/v1/assessment/schemes/{_scheme(w).pk}/vetoes", api=True,
         target="bureau_a", kind="write", method="post", ok=422, write_scope_first=False,
         data=lambda w: {"kind": "late_accident_report", "source": "seed 001"}),
    Case("api:schemes_publish", lambda w: f"/api/v1/assessment/schemes/{_scheme(w).pk}/publish", api=True,
         target="bureau_a", kind="write", method="post", write_scope_first=False),
    Case("api:indicators_score", lambda w: f"/api/v1/assessment/indicators/{_onsite(w)}/scores", api=True,
         target="bureau_a", kind="write", method="post", ok=201, write_scope_first=False, writers=OWNERS, also_allowed={"bureau_viewer"},
         data=lambda w: {"unit_id": w.a1.pk, "score": "8", "evidence": "现场检查"}),
    Case("api:schemes_compute", lambda w: f"/api/v1/assessment/schemes/{_scheme(w, publish=True).pk}/compute",
         api=True, target="bureau_a", kind="write", method="post", write_scope_first=False),
    Case("api:schemes_results", lambda w: f"/api/v1/assessment/schemes/{_scheme(w).pk}/results", api=True,
         target="bureau_a"),
]
