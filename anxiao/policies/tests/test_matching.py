"""Adoption by meaning: duty lists find posts by kind, stage, department function and school features."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anxiao.core.choices import PostKind, Stage, UnitKind, functions_in_name
from anxiao.org.actions import save_unit
from anxiao.org.models import Unit
from anxiao.policies import actions
from anxiao.policies.selectors import list_matches_post
from anxiao.responsibility.models import ResponsibilityList

from .fresh import fresh_bureau


def _lists_by_key(w, code: str) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    policy, _ = actions.load_builtin(code)
    return {dl.key: {p.pk for p in w.posts if list_matches_post(dl, p)} for dl in policy.duty_lists.all()}


def test_it_reads_a_department_s_functions_from_its_name_when_none_are_recorded() -> None:
    assert functions_in_name("基建财务股") == ["finance", "construction"]
    assert "security" in functions_in_name("基础教育与安全保卫股")
    assert functions_in_name("政教处") == ["moral"]


def test_it_attaches_every_s000_department_list_to_a_department_named_otherwise(db) -> None:
    # given a bureau whose departments are called 安全稳定科, 计划财务科 … (none by the seed's names)
    w = fresh_bureau()
    # when the s000 lists are matched
    lists = _lists_by_key(w, "s000")
    # then each of the 13 department lists (and the safety office) reaches a department head
    dept_keys = [k for k in lists if k.startswith("s000.dept.")] + ["s000.safety_office"]
    assert len(dept_keys) == 14
    assert all(lists[k] for k in dept_keys), [k for k in dept_keys if not lists[k]]
    finance = {p.pk for p in w.posts if p.unit == w.departments["计划财务科"]}
    assert finance <= lists["s000.dept.jjcw"]


def test_it_gives_the_leading_group_list_to_school_heads_but_not_kindergarten_heads(db) -> None:
    # given 成员：各中心小学、中学校长 (seed 000 一)
    w = fresh_bureau()
    lists = _lists_by_key(w, "s000")
    principal = {p.unit.stage: p.pk for p in w.posts if p.kind == PostKind.PRINCIPAL}
    assert principal[Stage.JUNIOR] in lists["s000.leading_group"]
    assert principal[Stage.PRIMARY] in lists["s000.leading_group"]
    assert principal[Stage.KINDERGARTEN] not in lists["s000.leading_group"]
    # and the bureau's own posts keep it whatever the stages say
    bureau_principal = next(p.pk for p in w.posts if p.kind == PostKind.BUREAU_PRINCIPAL)
    assert bureau_principal in lists["s000.leading_group"]


def test_it_gives_the_bus_lists_only_to_schools_that_run_or_hire_a_bus(db) -> None:
    w = fresh_bureau()
    lists = _lists_by_key(w, "national")
    reached = {p.unit.stage for p in w.posts if p.pk in lists["national.school.bus"]}
    assert reached == {Stage.PRIMARY}


def test_it_gives_chiefs_and_member_agencies_their_s004_lists(db) -> None:
    w = fresh_bureau()
    lists = _lists_by_key(w, "s004")
    police = {p.pk for p in w.posts if p.unit == w.agencies["公安分局"]}
    assert police == lists["s004.agency.police"]
    assert not police & lists["s004.agency.propaganda"]
    for key in ("s004.chief.district", "s004.chief.town", "s004.chief.village"):
        assert lists[key], key


def test_it_generates_lists_for_the_chiefs_and_agencies_of_the_bureau_s_region(db) -> None:
    # given a bureau that adopted s004 (the chiefs' posts sit in governments, outside the bureau's tree)
    w = fresh_bureau()
    from anxiao.responsibility.actions import generate_lists

    policy = actions.adopt(None, w.bureau, "s004")
    # when the mapping is confirmed and lists are generated
    actions.confirm_mapping(None, policy)
    generate_lists(None, w.bureau)
    # then the district chief and the police liaison have a list
    kinds = set(ResponsibilityList.objects.filter(is_current=True).values_list("post__kind", flat=True))
    assert {PostKind.CHIEF_DISTRICT, PostKind.CHIEF_TOWN, PostKind.AGENCY_LIAISON} <= kinds


def test_it_refuses_an_unknown_function_code_naming_the_field(db) -> None:
    w = fresh_bureau()
    dept = w.departments["综合办"]
    with pytest.raises(ValidationError) as exc:
        save_unit(None, dept, functions=["cooking"])
    assert "functions" in exc.value.message_dict
    assert "cooking" in exc.value.message_dict["functions"][0]
    dept.refresh_from_db()
    assert dept.functions == ["office"]


def test_it_refuses_a_bus_on_a_department(db) -> None:
    w = fresh_bureau()
    with pytest.raises(ValidationError) as exc:
        save_unit(None, w.departments["综合办"], bus="runs")
    assert "bus" in exc.value.message_dict
    assert Unit.objects.get(pk=w.departments["综合办"].pk).bus == ""
    assert UnitKind.BUREAU_DEPARTMENT


def test_it_takes_no_effect_until_the_bureau_confirms_the_mapping(db) -> None:
    # given a bureau that adopted s002
    from anxiao.obligations.models import ObligationRule

    w = fresh_bureau()
    policy = actions.adopt(None, w.bureau, "s002")
    # then nothing happened yet: no rules, no lists
    assert not ObligationRule.objects.filter(bureau=w.bureau).exists()
    assert not ResponsibilityList.objects.exists()
    # when it confirms the proposed mapping
    actions.confirm_mapping(None, policy)
    # then the rules are loaded and the lists generated
    assert ObligationRule.objects.filter(bureau=w.bureau, pack_code="s002").exists()
    assert ResponsibilityList.objects.filter(post__unit__supervising_unit=w.bureau).exists()


def test_it_keeps_the_bureau_s_correction_of_a_proposed_match(db) -> None:
    # given s000 adopted and its finance list proposed for 计划财务科 and 基建办
    from anxiao.policies.mapping import proposal

    w = fresh_bureau()
    policy = actions.adopt(None, w.bureau, "s000")
    jjcw = next(m for m in proposal(policy) if m.duty_list.key == "s000.dept.jjcw")
    assert {c.unit.name for c in jjcw.candidates if c.applies} == {"计划财务科", "基建办"}
    # when the bureau unticks 基建办 and ticks 后勤服务中心
    build, logistics = w.departments["基建办"], w.departments["后勤服务中心"]
    actions.confirm_mapping(None, policy, {(jjcw.duty_list.pk, build.pk): False,
                                           (jjcw.duty_list.pk, logistics.pk): True})
    # then the list reaches the finance and logistics departments, not 基建办, and the page says it was corrected
    holders = set(ResponsibilityList.objects.filter(is_current=True, duties__template__duty_list=jjcw.duty_list)
                  .values_list("post__unit__name", flat=True))
    assert holders == {"计划财务科", "后勤服务中心"}
    again = next(m for m in proposal(policy) if m.duty_list.key == "s000.dept.jjcw")
    assert {c.unit.name for c in again.candidates if c.corrected} == {"基建办", "后勤服务中心"}


def test_it_refuses_a_mapping_that_names_a_unit_outside_the_bureau(db, world) -> None:
    # given bureau A adopted s002; b1 is bureau B's school
    policy = actions.adopt(None, world.bureau_a, "s002")
    dl = policy.duty_lists.order_by("order").first()
    assert dl is not None
    # when a mapping names b1
    with pytest.raises(ValidationError) as exc:
        actions.confirm_mapping(world.users["bureau_admin"], policy, {(dl.pk, world.b1.pk): True})
    # then it is refused, naming the field, and nothing took effect
    assert "mapping" in exc.value.message_dict
    policy.refresh_from_db()
    assert policy.mapping_confirmed_at is None


def test_it_reports_every_post_kind_with_its_list_or_why_none(db) -> None:
    # given one school adopted s003 (its own plan: nothing for bureau posts, chiefs or other schools)
    from anxiao.policies.mapping import coverage

    w = fresh_bureau()
    actions.adopt(None, w.schools[Stage.JUNIOR], "s003")
    rows = {r.kind: r for r in coverage(w.bureau)}
    # then that school's homeroom teacher is covered by s003, the others are not and the report says why
    homeroom = rows[PostKind.HOMEROOM_TEACHER]
    assert homeroom.with_list == 1 and "s003" in homeroom.sources
    assert homeroom.why_none.startswith("制度清单的条件")
    # and the bureau principal has none, because no document in effect addresses the post
    assert rows[PostKind.BUREAU_PRINCIPAL].with_list == 0
    assert rows[PostKind.BUREAU_PRINCIPAL].why_none == "已生效的制度没有列出该岗位的职责"


def test_the_mapping_page_shows_the_proposal_and_confirming_it_redirects_to_coverage(db, world, as_user) -> None:
    policy = actions.adopt(None, world.bureau_a, "s002")
    client = as_user("bureau_admin")
    page = client.get(f"/policies/{policy.pk}/mapping/")
    assert page.status_code == 200
    assert "按含义匹配" in page.content.decode()
    done = client.post(f"/policies/{policy.pk}/mapping/", {})
    assert done.status_code == 302 and done["Location"].endswith(f"/policies/{policy.pk}/coverage/")
    assert client.get(done["Location"]).status_code == 200
