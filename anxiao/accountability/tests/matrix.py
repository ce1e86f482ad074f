from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case

DECIDERS = {"sysadmin", "bureau_admin"}


def _case(w):  # type: ignore[no-untyped-def]
    if getattr(w, "_case", None) is None:
        from anxiao.accountability import actions

        w._case = actions.open_case(w.users["sysadmin"], w.a1, title="测试案件", source_kind="finding", year=2026,
                                    posts=[w.posts["a1_principal"]])
    return w._case


CASES = [
    Case("accountability:case_list", lambda w: reverse("accountability:case_list")),
    Case("accountability:case_create", lambda w: reverse("accountability:case_create")),
    Case("accountability:measure_settings", lambda w: reverse("accountability:measure_settings"), kind="write",
         writers=DECIDERS),
    Case("accountability:case_detail", lambda w: reverse("accountability:case_detail", args=[_case(w).pk]),
         target="a1"),
    Case("accountability:decision_create",
         lambda w: reverse("accountability:decision_create", args=[_case(w).pk, w.posts["a1_principal"].pk]),
         target="a1", method="post", data=lambda w: {}, ok=302),
    Case("api:cases_list", lambda w: "/api/v1/accountability/cases", api=True),
    Case("api:cases_get", lambda w: f"/api/v1/accountability/cases/{_case(w).pk}", api=True, target="a1"),
    Case("api:cases_create", lambda w: "/api/v1/accountability/cases", api=True, target="a1", kind="write",
         method="post", ok=201, writers=DECIDERS,
         data=lambda w: {"unit_id": w.a1.pk, "title": "新案件", "source_kind": "finding",
                         "post_ids": [w.posts["a1_principal"].pk]}),
    Case("api:cases_decide", lambda w: f"/api/v1/accountability/cases/{_case(w).pk}/decisions", api=True,
         target="a1", kind="write", method="post", ok=201, writers=DECIDERS,
         data=lambda w: {"post_id": w.posts["a1_principal"].pk, "finding": "diligent", "reasoning": "已履职"}),
    Case("api:dossier_get", lambda w: f"/api/v1/accountability/dossier/{w.posts['a1_principal'].pk}?year=2026",
         api=True, target="a1"),
]
