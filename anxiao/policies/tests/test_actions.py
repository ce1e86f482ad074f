from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.accounts.models import ApiToken
from anxiao.policies import actions
from anxiao.policies.models import DutyTemplate, Policy
from anxiao.policies.selectors import obligation_templates


def _first_duty(policy: Policy) -> DutyTemplate:
    duty = DutyTemplate.objects.filter(duty_list__policy=policy, is_current=True).order_by("pk").first()
    assert duty is not None
    return duty


def test_it_adopts_a_copy_and_leaves_the_original_intact(world) -> None:
    # given bureau A adopts s000
    policy = actions.adopt(world.users["bureau_admin"], world.bureau_a, "s000")
    duty = _first_duty(policy)
    # when its admin edits a duty
    new = actions.edit_duty(world.users["bureau_admin"], duty, text="包保学校每学期至少检查一次。")
    # then the copy has a new version, the old one is kept, and the original is unchanged
    duty.refresh_from_db()
    assert (new.version, new.is_current, new.replaces_id) == (2, True, duty.pk)
    assert not duty.is_current
    original = policy.origin
    assert original is not None and original.bureau_id is None
    assert _first_duty(original).text == duty.text != new.text
    policy.refresh_from_db()
    assert policy.version == 2


def test_it_refuses_to_edit_the_builtin_original(world) -> None:
    # given
    original, _ = actions.load_builtin("s002")
    # when / then
    with pytest.raises(PermissionDenied, match="内置规则包原件不能修改"):
        actions.edit_duty(None, _first_duty(original), text="x")


def test_it_refuses_to_adopt_twice(world) -> None:
    # given
    actions.adopt(None, world.bureau_a, "s002")
    # when / then
    with pytest.raises(ValidationError) as exc:
        actions.adopt(None, world.bureau_a, "s002")
    assert "已采用规则包“s002”" in str(exc.value)


def test_it_refuses_adoption_by_a_school_or_outside_the_scope(world) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match="不是教育局"):
        actions.adopt(world.users["school_admin"], world.a1, "s002")
    with pytest.raises(PermissionDenied):
        actions.adopt(world.users["outsider"], world.bureau_a, "s002")


def test_it_adds_and_retires_duties_and_clauses(world) -> None:
    # given
    admin = world.users["bureau_admin"]
    policy = actions.adopt(admin, world.bureau_a, "s002")
    duty_list = policy.duty_lists.order_by("order").first()
    assert duty_list is not None
    # when
    clause = actions.add_clause(admin, policy, "七", "县级补充规定", "每学期开学前全面检查")
    added = actions.add_duty(admin, duty_list, "七", "开学前组织全面安全检查")
    retired = actions.retire_duty(admin, added)
    # then
    assert clause.policy_version == 2 and added.policy_version == 3
    assert retired.retired and retired.version == 2
    with pytest.raises(ValidationError, match="条款“九”不存在"):
        actions.add_duty(admin, duty_list, "九", "无出处的职责")
    with pytest.raises(ValidationError, match="仍有"):
        actions.retire_clause(admin, policy.clauses.get(ref=_first_duty(policy).clause_ref, is_current=True))


def test_it_lists_obligation_templates_of_the_adopted_packs(world) -> None:
    # given
    actions.adopt(None, world.bureau_a, "s000", confirm=True)
    actions.adopt(None, world.bureau_a, "national", confirm=True)
    # when
    rows = obligation_templates(world.bureau_a)
    # then
    assert len(rows) == 2 + 50
    monthly = next(r for r in rows if r["code"] == "s000.school.monthly_hazard_ledger")
    assert monthly["due"] == {"rule": "day_of_month", "day": 28}
    assert monthly["policy_code"] == "s000" and monthly["clause_ref"] == "六.8"
    assert obligation_templates(world.bureau_b) == []


def test_it_adopts_through_the_web_form(world, as_user) -> None:
    # given
    client = as_user("bureau_admin")
    # when
    response = client.post("/policies/adopt/", {"bureau": world.bureau_a.pk, "code": "s001"})
    # then
    policy = Policy.objects.get(bureau=world.bureau_a, code="s001")
    # (to the mapping, where the bureau confirms who each list is for before it takes effect)
    assert response.status_code == 302 and response["Location"] == f"/policies/{policy.pk}/mapping/"
    assert policy.mapping_confirmed_at is None
    page = client.get(f"/policies/{policy.pk}/").content.decode()
    assert "学校安全处" in page


def test_it_edits_a_duty_through_the_web_form_with_errors_on_the_field(world, as_user) -> None:
    # given
    policy = actions.adopt(None, world.bureau_a, "s002")
    duty = _first_duty(policy)
    client = as_user("bureau_admin")
    # when
    bad = client.post(f"/policies/duties/{duty.pk}/edit/", {"clause_ref": "九", "category": "safety", "text": "x"})
    good = client.post(f"/policies/duties/{duty.pk}/edit/",
                       {"clause_ref": duty.clause_ref, "category": "safety", "text": "新的职责表述"})
    # then
    assert bad.status_code == 200 and "条款“九”不存在或已废止" in bad.content.decode()
    assert good.status_code == 302
    assert DutyTemplate.objects.get(replaces=duty).text == "新的职责表述"


def test_it_answers_422_with_the_field_for_a_bad_duty_edit_over_the_api(world, client) -> None:
    # given
    policy = actions.adopt(None, world.bureau_a, "s002")
    duty = _first_duty(policy)
    _token, raw = ApiToken.issue(world.users["bureau_admin"])
    # when
    response = client.patch(f"/api/v1/duty-templates/{duty.pk}", data=json.dumps({"text": ""}),
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    # then
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "text", "message": "职责内容不能为空"}]
    assert DutyTemplate.objects.filter(duty_list__policy=policy).count() == 35
