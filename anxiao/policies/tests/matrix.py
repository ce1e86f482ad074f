"""The policies app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case


def adopted(w):  # type: ignore[no-untyped-def]
    """Bureau A's adopted copy of the s002 pack (small), made once per test world."""
    if not hasattr(w, "policy_a"):
        from anxiao.policies.actions import adopt

        w.policy_a = adopt(None, w.bureau_a, "s002", confirm=True)
    return w.policy_a


def _duty(w):  # type: ignore[no-untyped-def]
    from anxiao.policies.models import DutyTemplate

    return DutyTemplate.objects.filter(duty_list__policy=adopted(w), is_current=True).order_by("pk").first()


def _list(w):  # type: ignore[no-untyped-def]
    return adopted(w).duty_lists.order_by("order").first()


def _clause(w):  # type: ignore[no-untyped-def]
    # a clause no duty cites, so that retiring it is allowed
    from anxiao.policies.models import DutyTemplate

    used = DutyTemplate.objects.filter(duty_list__policy=adopted(w)).values_list("clause_ref", flat=True)
    return adopted(w).clauses.exclude(ref__in=list(used)).order_by("order").first()


CASES = [
    Case("policies:policy_list", lambda w: f"{reverse('policies:policy_list')}?p={adopted(w).pk}",
         markers={"bureau_a": lambda w: f"/policies/{adopted(w).pk}/"}),
    Case("policies:policy_detail", lambda w: reverse("policies:policy_detail", args=[adopted(w).pk]),
         target="bureau_a"),
    Case("policies:policy_adopt", lambda w: reverse("policies:policy_adopt"), kind="write"),
    Case("policies:policy_mapping", lambda w: reverse("policies:policy_mapping", args=[adopted(w).pk]),
         target="bureau_a"),
    Case("policies:policy_mapping", lambda w: reverse("policies:policy_mapping", args=[adopted(w).pk]),
         target="bureau_a", kind="write", method="post", data=lambda w: {}, ok=302, write_scope_first=False),
    Case("policies:policy_coverage", lambda w: reverse("policies:policy_coverage", args=[adopted(w).pk]),
         target="bureau_a"),
    Case("api:policy_mapping", lambda w: f"/api/v1/policies/{adopted(w).pk}/mapping", target="bureau_a", api=True),
    Case("api:policy_mapping_confirm", lambda w: f"/api/v1/policies/{adopted(w).pk}/mapping", target="bureau_a",
         kind="write", method="post", api=True, data=lambda w: {"choices": [], "generate": False},
         write_scope_first=False),
    Case("policies:duty_edit", lambda w: reverse("policies:duty_edit", args=[_duty(w).pk]), target="bureau_a",
         kind="write"),
    Case("policies:duty_add", lambda w: reverse("policies:duty_add", args=[_list(w).pk]), target="bureau_a",
         kind="write"),
    Case("api:policy_packs_list", lambda w: "/api/v1/policy-packs", api=True),
    Case("api:policies_list", lambda w: f"/api/v1/policies?x={adopted(w).pk}", api=True,
         markers={"bureau_a": lambda w: adopted(w).title}),
    Case("api:policies_get", lambda w: f"/api/v1/policies/{adopted(w).pk}", target="bureau_a", api=True),
    Case("api:policies_adopt", lambda w: "/api/v1/policies", target="bureau_a", kind="write", method="post",
         api=True, data=lambda w: {"bureau_id": w.bureau_a.pk, "code": "s004"}, ok=201, hidden_status=422,
         write_scope_first=True),
    Case("api:policy_duty_lists", lambda w: f"/api/v1/policies/{adopted(w).pk}/duty-lists", target="bureau_a",
         api=True),
    Case("api:policy_clauses", lambda w: f"/api/v1/policies/{adopted(w).pk}/clauses", target="bureau_a", api=True),
    Case("api:policy_obligations", lambda w: f"/api/v1/policies/{adopted(w).pk}/obligations", target="bureau_a",
         api=True),
    Case("api:clauses_create", lambda w: f"/api/v1/policies/{adopted(w).pk}/clauses", target="bureau_a",
         kind="write", method="post", api=True, data=lambda w: {"ref": "七", "heading": "补充条款"}, ok=201,
         write_scope_first=False),
    Case("api:clauses_update", lambda w: f"/api/v1/clauses/{_clause(w).pk}", target="bureau_a", kind="write",
         method="patch", api=True, data=lambda w: {"heading": "改后标题"}),
    Case("api:clauses_retire", lambda w: f"/api/v1/clauses/{_clause(w).pk}/retire", target="bureau_a",
         kind="write", method="post", api=True, write_scope_first=False),
    Case("api:duty_templates_create", lambda w: f"/api/v1/duty-lists/{_list(w).pk}/duties", target="bureau_a",
         kind="write", method="post", api=True, ok=201, write_scope_first=False,
         data=lambda w: {"clause_ref": _duty(w).clause_ref, "text": "新增的安全职责"}),
    Case("api:duty_templates_update", lambda w: f"/api/v1/duty-templates/{_duty(w).pk}", target="bureau_a",
         kind="write", method="patch", api=True, data=lambda w: {"text": "改写后的职责"}),
    Case("api:duty_templates_retire", lambda w: f"/api/v1/duty-templates/{_duty(w).pk}/retire", target="bureau_a",
         kind="write", method="post", api=True, write_scope_first=False),
]
