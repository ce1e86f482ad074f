from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.choices import PostKind, UnitKind
from anxiao.org.models import Post, Unit
from anxiao.policies.actions import adopt, edit_duty
from anxiao.policies.models import DutyTemplate
from anxiao.responsibility import actions
from anxiao.responsibility.models import Acknowledgement, MatterStatus, ResponsibilityList
from anxiao.responsibility.selectors import coverage

from .fixtures import lists, matter


def _current(post: Post) -> ResponsibilityList:
    return ResponsibilityList.objects.get(post=post, is_current=True)


def test_it_generates_lists_by_post_kind_stage_and_department(world) -> None:
    # given bureau A adopts s003 and national, and a1 has a 安保处 with its head
    adopt(None, world.bureau_a, "s003", confirm=True, schools=[world.a1, world.a2])
    adopt(None, world.bureau_a, "national", confirm=True)
    security = Unit.objects.create(name="安保处", kind=UnitKind.SCHOOL_DEPARTMENT, region=world.town_a, parent=world.a1)
    head = Post.objects.create(unit=security, kind=PostKind.SCHOOL_DEPT_HEAD, title="主任",
                               holder=world.people["a1_officer"])
    # when
    counts = actions.generate_lists(world.users["bureau_admin"], world.bureau_a)
    # then every post with matching templates has a list; b1 (another bureau) has none
    assert counts["created"] == 4
    teacher = [d.text for d in _current(world.posts["a1_teacher"]).duties.all()]
    assert any("本班安全工作第一责任人" in t for t in teacher)
    kg = [d.text for d in _current(world.posts["a2_principal"]).duties.all()]
    junior = [d.text for d in _current(world.posts["a1_principal"]).duties.all()]
    assert len(kg) == len(junior) + 3  # national.kindergarten applies to kindergartens only
    assert _current(head).duties.filter(policy_code="s003", clause_ref="三(三)2(3)").exists()
    assert not ResponsibilityList.objects.filter(post=world.posts["b1_principal"]).exists()


def test_it_keeps_the_version_when_nothing_changed_and_bumps_it_when_a_template_changed(world) -> None:
    # given
    policy = adopt(None, world.bureau_a, "s003", confirm=True, schools=[world.a1, world.a2])
    actions.generate_lists(None, world.bureau_a)
    actions.acknowledge(world.users["school_member"], _current(world.posts["a1_teacher"]))
    # when nothing changed
    again = actions.generate_lists(None, world.bureau_a)
    # then
    assert again["created"] == 0 and _current(world.posts["a1_teacher"]).version == 1
    # when the homeroom duty is reworded
    duty = DutyTemplate.objects.get(duty_list__policy=policy, duty_list__key="s003.homeroom", is_current=True,
                                    clause_ref="四(一)")
    edit_duty(None, duty, text="班主任是本班安全第一责任人，每天放学清点学生。")
    actions.generate_lists(None, world.bureau_a)
    # then a new version asks the teacher to acknowledge again
    rl = _current(world.posts["a1_teacher"])
    assert rl.version == 2 and not actions.is_acknowledged(rl)


def test_it_refuses_to_generate_before_a_pack_is_adopted(world) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match="尚未采用任何规则包"):
        actions.generate_lists(None, world.bureau_a)


def test_it_lets_the_holder_acknowledge_with_their_own_account_only(world) -> None:
    # given
    rl = lists(world)["a1_teacher"]
    # when someone else (the principal, an admin of the school) tries
    with pytest.raises(PermissionDenied, match="只能由岗位现任本人"):
        actions.acknowledge(world.users["school_admin"], rl)
    # then nothing was recorded, and the holder can
    assert not Acknowledgement.objects.exists()
    actions.acknowledge(world.users["school_member"], rl)
    assert actions.is_acknowledged(rl)


def test_it_refuses_acknowledging_another_persons_list_over_the_web(world, as_user) -> None:
    # given
    rl = lists(world)["a1_principal"]
    client = as_user("school_member")
    # when
    response = client.post(f"/responsibility/lists/{rl.pk}/acknowledge/")
    # then
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_it_asks_again_after_an_edit(world, as_user) -> None:
    # given the teacher acknowledged version 1
    rl = lists(world)["a1_teacher"]
    actions.acknowledge(world.users["school_member"], rl)
    # when the school admin edits the list
    client = as_user("school_admin")
    response = client.post(f"/responsibility/lists/{rl.pk}/edit/",
                           {"business": "语文教学", "safety": "本班安全教育\n课间巡查", "note": "补充课间巡查"})
    # then
    new = _current(world.posts["a1_teacher"])
    assert response.status_code == 302 and new.version == 2 and new.edited
    assert not actions.is_acknowledged(new)
    with pytest.raises(ValidationError, match="已被新版本替代"):
        actions.acknowledge(world.users["school_member"], rl)
    page = as_user("school_member").get("/responsibility/my/").content.decode()
    assert "课间巡查" in page and "确认知悉" in page


def test_it_refuses_a_list_without_safety_duties(world) -> None:
    # given
    rl = lists(world)["a1_teacher"]
    # when / then
    with pytest.raises(ValidationError) as exc:
        actions.edit_list(world.users["school_admin"], rl, ["教学"], [])
    assert exc.value.message_dict == {"safety": ["安全职责不能为空：一岗双责要求每个岗位都有安全职责"]}


def test_it_lets_only_the_principal_assign_an_unassigned_matter(world) -> None:
    # given
    m = matter(world)
    officer = world.people["a1_officer"]
    # when a bureau admin or a teacher tries
    for role in ("bureau_admin", "school_member"):
        with pytest.raises(PermissionDenied, match="第一责任人"):
            actions.assign_matter(world.users[role], m, officer)
    # then only the principal (school_admin's person) can
    actions.assign_matter(world.users["school_admin"], m, officer)
    m.refresh_from_db()
    assert (m.status, m.owner_id) == (MatterStatus.ASSIGNED, officer.pk)
    with pytest.raises(ValidationError, match="不是本单位在职人员"):
        actions.assign_matter(world.users["school_admin"], m, world.people["b1_principal"])


def test_it_counts_gaps_for_the_coverage_view(world, as_user) -> None:
    # given lists for three posts, one acknowledged, and a 包保 department but no leader or supervisor for a1
    lists(world)
    actions.acknowledge(world.users["school_member"], lists(world)["a1_teacher"])
    # when
    data = coverage(world.bureau_a, 2026)
    # then
    c = data["counts"]
    assert c["unacknowledged"] == 2  # both principals
    assert c["no_list"] == 3  # bureau head, dept head, a1 safety officer
    assert (c["no_leader"], c["no_department"], c["no_supervisor"]) == (2, 1, 2)
    page = as_user("bureau_admin").get(f"/responsibility/coverage/{world.bureau_a.pk}/?show=no_department")
    assert "甲镇幼儿园" in page.content.decode()


def test_a_refused_acknowledgement_over_the_web_is_a_message_on_the_list(world, as_user) -> None:
    # given a superseded version of the teacher's list
    rl = lists(world)["a1_teacher"]
    actions.edit_list(world.users["school_admin"], rl, ["语文教学"], ["本班安全教育"], "修订")
    client = as_user("school_member")
    # when the teacher acknowledges the old version
    response = client.post(f"/responsibility/lists/{rl.pk}/acknowledge/", follow=True)
    # then the refusal is flashed on the list's page (the one way a button's refusal shows), nothing recorded
    assert response.redirect_chain == [(f"/responsibility/lists/{rl.pk}/", 302)]
    assert "已被新版本替代" in response.content.decode() and not Acknowledgement.objects.exists()
