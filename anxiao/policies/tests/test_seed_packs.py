"""Each seed pack adopted alone on a fresh bureau (a school of every stage, every post kind): lists on every post kind
the document addresses, obligations on exactly the subjects it names, no duplicate slots, the document's vetoes taking effect. And stacked packs."""

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


def _school_calendar(w) -> None:  # type: ignore[no-untyped-def]
    # the bureau's school year: spring teaching 3/2–7/10, autumn 9/1–1/20; 清明 and a week of 国庆 off
    obligations.save_settings(None, w.bureau, spring_term_month=3, spring_term_day=2, spring_term_end_month=7,
                              spring_term_end_day=10, autumn_term_month=9, autumn_term_day=1,
                              autumn_term_end_month=1, autumn_term_end_day=20,
                              holidays=["2026-04-06", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08",
                                        "2026-10-09"], workdays=["2026-09-27"])


def test_s002_weekly_safety_lessons_are_not_asked_in_vacation_weeks(db) -> None:
    # given s002 四(三) 每周一次安全教育课 and a bureau whose summer vacation runs 7/11–8/31
    w = fresh_bureau()
    _school_calendar(w)
    _adopt_alone(w, "s002")
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s002.class.weekly_safety_lesson")
    assert rule.teaching_only
    # when the weeks from March to the end of the year are expanded
    obligations.expand(w.bureau, datetime.date(2026, 12, 31), start=TODAY)
    weeks = set(Occurrence.objects.filter(rule=rule).values_list("period_start", flat=True))
    # then teaching weeks are asked, vacation weeks and a week of holidays are not
    assert datetime.date(2026, 3, 16) in weeks and datetime.date(2026, 7, 6) in weeks  # 7/6–7/10 still teaching
    assert not {d for d in weeks if datetime.date(2026, 7, 13) <= d <= datetime.date(2026, 8, 24)}
    assert datetime.date(2026, 8, 31) in weeks  # the week the autumn term starts (9/1)
    assert datetime.date(2026, 10, 5) not in weeks and datetime.date(2026, 9, 28) in weeks


# Daily rules whose text means the days pupils are at school (checked against the source text), and daily rules
# the text asks every day: s001 七(四) "每天要对校园进行巡查", the guards' key-point rounds and the fire patrols.
SCHOOL_DAY_RULES = ["national.school.daily_morning_check", "national.school.daily_meal_accompany",
                    "national.school.daily_food_sample", "s003.school.daily_safety_tip"]
EVERY_DAY_RULES = ["national.school.daily_patrol", "national.school.daily_keypoint_patrol",
                   "national.school.daily_fire_patrol", "national.boarding.night_fire_patrol", "s001.school.daily_patrol"]


def test_school_day_rules_are_asked_on_school_days_only_and_patrols_every_day(db) -> None:
    # given a bureau with its school calendar that adopted the national defaults and s001 (s003 by one school)
    w = fresh_bureau()
    _school_calendar(w)
    for code in ("national", "s001", "s003"):
        _adopt_alone(w, code)
    school = w.schools[Stage.JUNIOR]  # boarding, and the school that adopted s003
    # when April (清明 4/6 off) and the summer vacation are expanded
    obligations.expand(w.bureau, datetime.date(2026, 8, 31), start=datetime.date(2026, 4, 1))
    rules = {r.code: r for r in ObligationRule.objects.filter(bureau=w.bureau, code__in=SCHOOL_DAY_RULES + EVERY_DAY_RULES)}
    assert set(rules) == set(SCHOOL_DAY_RULES + EVERY_DAY_RULES)

    def days(code: str) -> set[datetime.date]:
        return {d for o in Occurrence.objects.filter(rule__code=code, rule__bureau=w.bureau, unit=school)
                for d, _s in o.slot_states(datetime.date(2026, 8, 31))}

    saturday, holiday, vacation, monday = (datetime.date(2026, 4, 18), datetime.date(2026, 4, 6),
                                           datetime.date(2026, 7, 20), datetime.date(2026, 4, 20))
    # then 晨午检, 陪餐, 留样 and the daily tip are school-day rules: a Monday of term, no weekend, holiday or vacation
    for code in SCHOOL_DAY_RULES:
        asked = days(code)
        assert rules[code].teaching_only and monday in asked, code
        assert not {saturday, holiday, vacation} & asked, code
    # and the patrols the text asks every day are asked on the weekend, the holiday and in the vacation too (the ones
    # another pack's stacked rule asks instead are switched off)
    for code in EVERY_DAY_RULES:
        assert not rules[code].teaching_only, code
        if rules[code].enabled:
            assert {monday, saturday, holiday, vacation} <= days(code), code


def test_s003_daily_tip_is_asked_on_school_days_only_and_met_only_by_a_tip(db) -> None:
    # given a junior school adopting s003 四(三)3 继续开展每日安全小提示
    w = fresh_bureau()
    _school_calendar(w)
    school = w.schools[Stage.JUNIOR]
    _adopt_alone(w, "s003")
    obligations.expand(w.bureau, datetime.date(2026, 4, 30), start=datetime.date(2026, 3, 1))
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s003.school.daily_safety_tip")
    rows = list(Occurrence.objects.filter(rule=rule, unit=school))
    days = {d for o in rows for d, _s in o.slot_states(datetime.date(2026, 4, 30))}
    # then every slot is a school day: no weekend, no holiday, nothing before the term (3/2)
    assert days and all(d.weekday() < 5 for d in days)
    assert datetime.date(2026, 4, 6) not in days and datetime.date(2026, 3, 2) in days
    assert len({d for d in days if d.month == 4}) == 21 and len({d for d in days if d.month == 3}) == 22
    # and a tip recorded on a Saturday fills nothing, an "other" entry on a school day fills nothing, a tip does
    today = datetime.date(2026, 4, 20)
    saturday = obligations.record_activity(None, kind="safety_tip", unit=school, occurred_on=datetime.date(2026, 4, 18),
                                           today=today, title="周末提示")
    assert not saturday.counted.exists()
    other = obligations.record_activity(None, kind="other", unit=school, occurred_on=datetime.date(2026, 4, 17),
                                        today=today, title="放学提醒")
    assert not other.counted.filter(occurrence__rule=rule).exists()
    tip = obligations.record_activity(None, kind="safety_tip", unit=school, occurred_on=datetime.date(2026, 4, 17),
                                      today=today, title="防溺水提示")
    (occ,) = [o.occurrence for o in tip.counted.select_related("occurrence")]
    assert occ.rule == rule and occ.day_met(datetime.date(2026, 4, 17))


def test_s002_rectification_list_is_studied_by_the_party_branch_and_filed_with_the_bureau(db) -> None:
    # given s002 五(二): 列出需整改问题清单、责任人及整改完成时限，经学校党总支（支部）会议研究后，报局安全办备案
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from anxiao.hazards import actions as hazards
    from anxiao.hazards.models import Hazard, Status
    from anxiao.obligations.figures import compliance_rate  # noqa: F401 - the bureau's figure reads the same slots

    w = fresh_bureau()
    _adopt_alone(w, "s002")
    school = w.schools[Stage.PRIMARY]
    today = timezone.localdate()
    obligations.expand(w.bureau, today)
    rule = ObligationRule.objects.get(bureau=w.bureau, code="s002.school.rectification_list_filing")
    # every school owes the filing
    assert set(Occurrence.objects.filter(rule=rule).values_list("unit_id", flat=True)) == {
        s.pk for s in w.schools.values()}
    owner = school.people.first()
    found = timezone.now()
    listed = Hazard.objects.create(unit=school, location="教学楼", category="XF", description="灭火器过期",
                                   found_at=found, status=Status.RECTIFYING, responsible=owner,
                                   deadline=today + datetime.timedelta(days=20))
    loose = Hazard.objects.create(unit=school, location="围墙", category="XS", description="围墙裂缝",
                                  found_at=found, status=Status.REGISTERED)
    meeting = obligations.record_activity(None, kind="meeting", meeting_kind="party_branch", unit=school,
                                          occurred_on=today, title="党支部会议研究整改清单", notes="逐项研究通过")
    # a problem without its owner and deadline is refused, naming it
    with pytest.raises(ValidationError) as exc:
        hazards.file_rectification_list(None, school, meeting=meeting, today=today)
    assert loose.number in exc.value.message_dict["hazards"][0]
    # a meeting that is not the Party organisation's, or has no record, is refused
    other = obligations.record_activity(None, kind="meeting", meeting_kind="safety_work", unit=school,
                                        occurred_on=today, title="安全工作会", notes="纪要")
    loose.responsible, loose.deadline = owner, today + datetime.timedelta(days=30)
    loose.save()
    with pytest.raises(ValidationError) as exc:
        hazards.file_rectification_list(None, school, meeting=other, today=today)
    assert "meeting" in exc.value.message_dict
    # when the school files it
    filed = hazards.file_rectification_list(None, school, meeting=meeting, today=today)
    # then the list carries each problem with its owner and deadline and the meeting, and the bureau sees it filed
    assert listed.number in filed.notes and owner.name in filed.notes and str(listed.deadline) in filed.notes
    assert "党支部会议研究整改清单" in filed.notes
    now = {"period_start__lte": today, "period_end__gte": today}
    assert Occurrence.objects.get(rule=rule, unit=school, **now).status_on(today) == "done"
    assert Occurrence.objects.get(rule=rule, unit=w.schools[Stage.JUNIOR], **now).status_on(today) != "done"


def _bureau_admin(w):  # type: ignore[no-untyped-def]
    from anxiao.accounts.models import Grant, User
    from anxiao.core.choices import Role

    user = User.objects.create_user(username="xinqu_admin", password="Anxiao@2026x", person=w.posts[0].holder)
    Grant.objects.create(user=user, role=Role.BUREAU_ADMIN, region=w.bureau.region)
    return user


def _veto_triggers(w):  # type: ignore[no-untyped-def]
    """What brings each veto about in one school, through the actions a bureau uses (an accountability decision, a
    licence review, an incident with its finding) or the ledger row a school keeps (an overdue major hazard)."""
    from django.utils import timezone

    from anxiao.accountability import actions as accountability
    from anxiao.accountability.models import Finding, Ground, Measure
    from anxiao.assessment import actions as assessment
    from anxiao.assessment.models import LicenceSubject
    from anxiao.core.choices import PostKind as Kind
    from anxiao.hazards.models import Grade, Hazard, Status
    from anxiao.incidents import actions as incidents

    admin = _bureau_admin(w)

    def principal(school):  # type: ignore[no-untyped-def]
        return school.posts.get(kind=Kind.PRINCIPAL)

    def decision(school, measures, grounds=(), title="责任追究"):  # type: ignore[no-untyped-def]
        case = accountability.open_case(admin, school, title=title, source_kind="finding", posts=[principal(school)])
        accountability.decide(admin, case, post=principal(school), finding=Finding.DERELICT, reasoning="督查认定",
                              measures=list(measures), grounds=list(grounds))

    def accident(school):  # type: ignore[no-untyped-def]
        learned = timezone.now() - datetime.timedelta(minutes=20)
        incidents.record(admin, school, title="校舍垮塌", category="accident", subcategory="accidental_injury",
                         occurred_at=learned - datetime.timedelta(minutes=2), learned_at=learned, place="教学楼",
                         deaths=3)
        decision(school, [Measure.VETO], title="校舍垮塌事故")

    def overdue_major(school):  # type: ignore[no-untyped-def]
        today = timezone.localdate()
        Hazard.objects.create(unit=school, location="配电房", category="XF", description="配电房线路老化", grade=Grade.MAJOR,
                              found_at=timezone.now() - datetime.timedelta(days=40), status=Status.RECTIFYING,
                              deadline=max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=1)))

    return {
        "accountability_veto": lambda s: decision(s, [Measure.VETO]),
        "licence_review": lambda s: assessment.review_licence(
            None, s, subject=LicenceSubject.PRIVATE, year=timezone.localdate().year, safety_standard_met=False,
            findings="消防设施不达标"),
        "lost_assessment_grounds": lambda s: decision(s, [Measure.PERFORMANCE], [Ground.RECTIFICATION]),
        "major_hazard_overdue": overdue_major,
        "major_accident_with_responsibility": accident,
    }


# The vetoes each document names (seed clause → veto kind); s004 (总校长制) names none.
DOCUMENT_VETOES = {
    "s000": {"accountability_veto": "000 六.5"},
    "s001": {"licence_review": "001 一(十四)"},
    "s002": {"lost_assessment_grounds": "002 五(三)", "major_hazard_overdue": "002 五(三)"},
    "s003": {"major_accident_with_responsibility": "003 四(一)"},
    "s004": {},
}


@pytest.mark.parametrize("code", SEEDS)
def test_each_pack_alone_has_its_document_s_vetoes_take_effect(db, code: str) -> None:
    from django.utils import timezone

    from anxiao.assessment import actions as assessment
    from anxiao.assessment.models import VetoRule

    # given a fresh bureau that adopted the pack alone, and a school the document reaches (s003: the school that
    # adopted it; s001's licence veto: the private school)
    w = fresh_bureau()
    _adopt_alone(w, code)
    expected = DOCUMENT_VETOES[code]
    school = w.schools[Stage.VOCATIONAL if code == "s001" else Stage.JUNIOR]
    clean = w.schools[Stage.KINDERGARTEN]
    # and the bureau's assessment scheme for the year carries the document's vetoes, each citing its clause
    scheme = assessment.create_scheme(None, w.bureau, year=timezone.localdate().year, name="安全考核")
    rules = {r.kind: r for r in VetoRule.objects.filter(scheme=scheme)}
    for kind, clause in expected.items():
        assert kind in rules and clause in rules[kind].source, (code, kind)
    assessment.publish(None, scheme)
    # when what each veto names happens in the school
    triggers = _veto_triggers(w)
    for kind in expected:
        triggers[kind](school)
    results = {r.unit_id: r for r in assessment.compute(None, scheme)}
    # then the school's assessment carries each of the document's veto events, with its reason, and a school where
    # nothing happened carries none of them
    events = {v["kind"]: v for v in results[school.pk].vetoes}
    for kind in expected:
        assert kind in events and events[kind]["reasons"], (code, kind, events)
    assert results[school.pk].vetoed == bool(expected)
    assert not {v["kind"] for v in results[clean.pk].vetoes} & set(expected)
