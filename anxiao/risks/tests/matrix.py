"""The risks app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case


def risk(w):  # type: ignore[no-untyped-def]
    """A graded risk of school a1, made once per test world."""
    if not hasattr(w, "risk_a1"):
        from anxiao.risks.actions import save_risk

        w.risk_a1 = save_risk(None, None, school=w.a1, area="新华中学化学实验室", method="ls", ls_l=3, ls_s=4)
    return w.risk_a1


def settings_a(w):  # type: ignore[no-untyped-def]
    if not hasattr(w, "risk_settings_a"):
        from anxiao.risks.models import RiskSettings

        w.risk_settings_a = RiskSettings.objects.create(bureau=w.bureau_a)
    return w.risk_settings_a


def _web(name: str, plural_obj, target: str, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    return [
        Case(f"risks:{name}_list", lambda w: (plural_obj(w), reverse(f"risks:{name}_list"))[1], **extra),
        Case(f"risks:{name}_create", lambda w: reverse(f"risks:{name}_create"), kind="write", **extra),
        Case(f"risks:{name}_detail", lambda w: reverse(f"risks:{name}_detail", args=[plural_obj(w).pk]),
             target=target, **extra),
        Case(f"risks:{name}_edit", lambda w: reverse(f"risks:{name}_edit", args=[plural_obj(w).pk]), target=target,
             kind="write", **extra),
    ]


def _api(path: str, obj, target: str, create, create_target: str, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    name = path.replace("/", "_")
    return [
        Case(f"api:{name}_list", lambda w: (obj(w), f"/api/v1/{path}")[1], api=True, **extra),
        Case(f"api:{name}_get", lambda w: f"/api/v1/{path}/{obj(w).pk}", target=target, api=True, **extra),
        Case(f"api:{name}_update", lambda w: f"/api/v1/{path}/{obj(w).pk}", target=target, kind="write",
             method="patch", api=True, data=lambda w: {}, **extra),
        Case(f"api:{name}_create", lambda w: f"/api/v1/{path}", target=create_target, kind="write", method="post",
             api=True, data=create, ok=201, hidden_status=422, **extra),
    ]


CASES = [
    *_web("risk", risk, "a1"),
    *_web("settings", settings_a, "bureau_a", managers_only=True),
    Case("risks:export", lambda w: (risk(w), reverse("risks:export"))[1]),
    Case("risks:distribution", lambda w: (risk(w), reverse("risks:distribution"))[1],
         markers={"a1": lambda w: "新华中学"}),
    Case("risks:adopt", lambda w: reverse("risks:adopt"), kind="write"),
    *_api("risks", risk, "a1", lambda w: {"school_id": w.a1.pk, "area": "操场", "method": "lec", "lec_l": "3",
                                          "lec_e": "6", "lec_c": "7"}, create_target="a1"),
    *_api("risks/settings", settings_a, "bureau_a", lambda w: {"bureau_id": w.bureau_a.pk},
          create_target="bureau_a", managers_only=True),
    Case("api:risks_starter", lambda w: "/api/v1/risks/starter", api=True),
    Case("api:risks_distribution", lambda w: (risk(w), "/api/v1/risks/distribution")[1], api=True,
         markers={"a1": lambda w: "新华中学"}),
    Case("api:risks_assessments", lambda w: f"/api/v1/risks/{risk(w).pk}/assessments", target="a1", api=True),
    Case("api:risks_adopt", lambda w: "/api/v1/risks/adopt", target="a1", kind="write", method="post", api=True,
         data=lambda w: {"school_id": w.a1.pk, "codes": ["XF-01"]}, ok=201, hidden_status=422),
]
