"""Each seed pack adopted alone on a fresh bureau (a school of every stage, every post kind): lists on every post kind
the document addresses, obligations on exactly the subjects it names, no duplicate slots. And stacked packs."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from anxiao.core.choices import PostKind, Stage
from anxiao.obligations import actions as obligations
from anxiao.obligations.models import ObligationRule, Occurrence
from anxiao.policies import actions
from anxiao.policies.loader import read_pack
from anxiao.responsibility.models import Duty

from .fresh import fresh_bureau

TODAY = datetime.date(2026, 3, 16)
SEEDS = ["s000", "s001", "s002", "s003", "s004"]


def _adopt_alone(w, code: str):  # type: ignore[no-untyped-def]
    if read_pack(code)["own_plan"]:
        # a school's own plan, adopted by that school for itself
        return actions.adopt(None, w.schools[Stage.JUNIOR], code)
    return actions.confirm_mapping(None, actions.adopt(None, w.bureau, code))


def _duplicates(bureau) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Slots of enabled rules of different documents asking the same subject for the same activity in the same
    period (one document's own distinct rules, e.g. a boarding school's night patrol beside its day patrol, are
    the document's to make)."""
    seen: dict[tuple, dict[str, str]] = defaultdict(dict)
    for occ in Occurrence.objects.filter(rule__bureau=bureau, rule__enabled=True).select_related("rule"):
        # the same thing is what fills it (a 党政联席会议 is not a 形势分析会)
        records = tuple(sorted((occ.rule.credit or {}).get("records") or []))
        key = (occ.rule.activity_kind, records, occ.rule.period, occ.period_start, occ.unit_id, occ.post_id)
        seen[key][occ.rule.pack_code] = occ.rule.code
    return [(k, sorted(codes.values())) for k, codes in seen.items() if len(codes) > 1]


@pytest.mark.parametrize("code", SEEDS)
def test_each_pack_alone_reaches_every_post_kind_it_addresses_without_duplicate_slots(db, code: str) -> None:
    # given a fresh bureau with a school of every stage
    w = fresh_bureau()
    # when it adopts the pack alone and confirms the proposed mapping
    _adopt_alone(w, code)
    obligations.expand(w.bureau, TODAY)
    # then every post kind a list of the document addresses (with duties) has a list from it
    pack = read_pack(code)
    addressed = {k for dl in pack["duty_lists"] if dl["duties"] for k in dl["post_kinds"]}
    reached = set(Duty.objects.filter(policy_code=code, responsibility_list__is_current=True)
                  .values_list("responsibility_list__post__kind", flat=True))
    assert addressed - reached == set()
    # and every enabled rule of the pack asks somebody, and no two rules ask the same slot twice
    for rule in ObligationRule.objects.filter(bureau=w.bureau, pack_code=code, enabled=True):
        assert Occurrence.objects.filter(rule=rule).exists() or rule.period in ("year", "half_year", "term"), rule.code
    assert _duplicates(w.bureau) == []


def test_s001_direct_school_inspection_is_the_safety_department_s_for_every_school(db) -> None:
    # given s001 五(六): 学校安全处 … 对市教育局直属学校每季度进行一次安全检查
    w = fresh_bureau()
    _adopt_alone(w, "s001")
    obligations.expand(w.bureau, TODAY)
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s001.safety_dept.quarterly_school_inspection")
    slots = Occurrence.objects.filter(rule=rule, period_start__lte=TODAY, period_end__gte=TODAY)
    # then only the security department's head holds it, once per school (not only 包保 schools)
    assert {o.post.unit.name for o in slots if o.post} == {"安全稳定科"}
    assert {o.unit_id for o in slots} == {s.pk for s in w.schools.values()}


def test_s003_adopted_by_one_school_asks_that_school_only_and_its_term_drill_is_on(db) -> None:
    # given one junior school adopts s003 (its own plan)
    w = fresh_bureau()
    school = w.schools[Stage.JUNIOR]
    _adopt_alone(w, "s003")
    obligations.expand(w.bureau, TODAY)
    # then its slots are its own, and the term evacuation drill asks it
    units = set(Occurrence.objects.filter(rule__pack_code="s003").values_list("unit_id", flat=True))
    assert units <= {school.pk} | {d.pk for d in school.children.all()}
    drill = ObligationRule.objects.get(bureau=w.bureau, code="s003.school.term_evacuation_drill")
    assert drill.enabled and Occurrence.objects.filter(rule=drill, unit=school).exists()
    # and no list of s003 reaches a kindergarten
    kinds = set(Duty.objects.filter(policy_code="s003").values_list("responsibility_list__post__unit__stage",
                                                                      "responsibility_list__post__unit__parent__stage"))
    assert all(Stage.KINDERGARTEN not in pair for pair in kinds)
    # and the daily tip is met by a tip, not by any "other" activity
    tip = ObligationRule.objects.get(bureau=w.bureau, code="s003.school.daily_safety_tip")
    assert tip.activity_kind == "safety_tip"


def test_a_bureau_adopts_a_school_plan_only_for_schools_it_chooses(db) -> None:
    from django.core.exceptions import ValidationError

    w = fresh_bureau()
    with pytest.raises(ValidationError) as exc:
        actions.adopt(None, w.bureau, "s003")
    assert "schools" in exc.value.message_dict
    policy = actions.adopt(None, w.bureau, "s003", schools=[w.schools[Stage.PRIMARY]], confirm=True)
    assert policy.for_units == [w.schools[Stage.PRIMARY].pk]
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s003.school.term_evacuation_drill")
    assert rule.units == [w.schools[Stage.PRIMARY].pk]


def test_stacked_packs_give_one_slot_with_both_sources(db) -> None:
    # given a bureau that runs the national pack and adopts s001 beside it
    w = fresh_bureau()
    obligations.load_rules(None, w.bureau, ["national"])
    _adopt_alone(w, "s001")
    _adopt_alone(w, "s002")
    obligations.expand(w.bureau, TODAY)
    # then no subject is asked twice for the same thing in the same period
    assert _duplicates(w.bureau) == []
    # and a rule kept for both shows both sources
    stacked = [r for r in ObligationRule.objects.filter(bureau=w.bureau, enabled=True) if r.also_sources]
    assert stacked
    assert all("；" in r.source for r in stacked)


def test_the_chiefs_and_member_agencies_acknowledge_their_s004_lists(db) -> None:
    from anxiao.responsibility.actions import acknowledge, is_acknowledged
    from anxiao.responsibility.models import ResponsibilityList

    w = fresh_bureau()
    _adopt_alone(w, "s004")
    rl = ResponsibilityList.objects.get(is_current=True, post__kind=PostKind.CHIEF_TOWN)
    assert not is_acknowledged(rl)
    from anxiao.accounts.models import User

    user = User.objects.create_user(username="zhenzhang", password="x", person=rl.post.holder)
    acknowledge(user, rl)
    assert is_acknowledged(rl)


def test_s004_legal_education_is_owed_to_every_school_and_a_school_without_a_legal_vp_is_a_gap(db) -> None:
    from anxiao.obligations.models import holder_gaps

    # given s004 二(四) 法治副校长每学期到学校开展至少1次法治安全教育; the special school has no 法治副校长
    w = fresh_bureau()
    _adopt_alone(w, "s004")
    obligations.expand(w.bureau, TODAY)
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s004.legal_vp.term_legal_education")
    # then every school owes a slot, the special school included
    owed = set(Occurrence.objects.filter(rule=rule).values_list("unit_id", flat=True))
    assert owed == {s.pk for s in w.schools.values()}
    # and the special school is shown as a gap
    gaps = {r.code: {u.pk for u in units} for r, units in holder_gaps(w.bureau)}
    assert gaps[rule.code] == {w.schools[Stage.SPECIAL].pk}
