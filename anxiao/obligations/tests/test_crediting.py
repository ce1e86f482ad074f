"""Issue 14, crediting: every quota credited to the right duty-holder by real evidence (design.md, "Crediting",
"Evidence levels"). Each finding of the issue is reproduced here first."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anxiao.core.testing import refused
from anxiao.obligations import actions, crediting, tally
from anxiao.obligations.models import Activity, ComplianceTally, ObligationRule, Occurrence, Status

D = datetime.date
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rules(world):
    actions.load_rules(None, world.bureau_a, ["national"])
    actions.expand(world.bureau_a, timezone.localdate())
    return world


def _current(code: str, day: datetime.date | None = None, **lookup) -> Occurrence:  # type: ignore[no-untyped-def]
    day = day or timezone.localdate()
    return Occurrence.objects.get(rule__code=code, period_start__lte=day, period_end__gte=day, **lookup)


def _tally_rows() -> set[tuple]:  # type: ignore[type-arg]
    return set(ComplianceTally.objects.filter(total__gt=0).values_list(
        "region_id", "activity_kind", "period_start", "deadline", "total", "done", "late"))


def _tally_is_right() -> None:
    before = _tally_rows()
    tally.rebuild()
    assert before == _tally_rows()


def _inspect(unit, kind, *, by=None, leader=None, members=(), checklist=None):  # type: ignore[no-untyped-def]
    from anxiao.inspections import actions as inspections

    insp = inspections.start_inspection(None, unit=unit, kind=kind, inspecting_unit=by, leader=leader,
                                        members=list(members), checklist=checklist)
    return inspections.complete_inspection(None, insp)


# --- work done is credited to the right subject --------------------------------------------------------------


def test_an_inspection_the_director_leads_at_a_school_fills_his_own_quarterly_inspection(rules) -> None:
    # given the 局长's quarterly "带队检查" slot
    w = rules
    mine = _current("national.bureau.principal_quarterly_inspection", post=w.posts["bureau_head"])
    assert not mine.is_met
    # when he leads a bureau inspection at school a1
    insp = _inspect(w.a1, "bureau_supervision", by=w.bureau_a, leader=w.people["bureau_head"])
    # then his own slot is met, in the role of leader
    mine.refresh_from_db()
    assert mine.is_met
    activity = Activity.objects.get(source_ref=f"inspection:{insp.pk}")
    assert (activity.responsible_post, activity.post_role, activity.by_unit) == (w.posts["bureau_head"], "led",
                                                                                 w.bureau_a)
    # and the school's own inspection slots are not (a bureau inspection is not the school's self-inspection)
    assert _current("national.school.half_month_inspection", unit=w.a1).done_count == 0
    assert _current("national.school.monthly_leadership_inspection", unit=w.a1).done_count == 0
    _tally_is_right()


def test_a_cross_inspection_by_another_school_is_not_the_inspected_schools_own(rules) -> None:
    # given a1's half-monthly self-inspection slot
    w = rules
    slot = _current("national.school.half_month_inspection", unit=w.a1)
    # when kindergarten a2 inspects a1 (交叉互检)
    _inspect(w.a1, "cross", by=w.a2, leader=w.people["a2_principal"],
             members=[{"person": w.people["a2_principal"]}])
    # then a1's own slot stays open
    slot.refresh_from_db()
    assert slot.done_count == 0 and not slot.is_met
    # and a1's own half-monthly inspection fills it
    _inspect(w.a1, "half_monthly", leader=w.people["a1_principal"])
    slot.refresh_from_db()
    assert slot.is_met


def test_a_monthly_inspection_the_bureau_leads_is_not_the_schools_own_monthly_inspection(rules) -> None:
    w = rules
    slot = _current("national.school.monthly_leadership_inspection", unit=w.a1)
    # when the bureau leads a "monthly leadership" inspection at a1
    _inspect(w.a1, "monthly_leadership", by=w.bureau_a, leader=w.people["dept_head"])
    slot.refresh_from_db()
    # then a1's own 每月大检查 is still open
    assert slot.done_count == 0
    # but the school's own, led by its principal, fills it
    _inspect(w.a1, "monthly_leadership", leader=w.people["a1_principal"])
    slot.refresh_from_db()
    assert slot.is_met


def test_a_baobao_leaders_inspection_fills_his_slot_for_that_school_only(rules) -> None:
    # given the department head looks after a1 (包保)
    w = rules
    slot = _current("national.bureau.dept_quarterly_baobao_inspection", post=w.posts["dept_head"])
    assert slot.unit == w.a1
    # when he leads a bureau inspection at a1
    _inspect(w.a1, "bureau_supervision", by=w.bureau_a, leader=w.people["dept_head"])
    # then his 包保 slot for a1 is met
    slot.refresh_from_db()
    assert slot.is_met


# --- one record fills only the slots it is ------------------------------------------------------------------


def test_a_monthly_ledger_does_not_fill_the_quarterly_summary_slot(rules) -> None:
    from anxiao.reports import actions as reports

    w = rules
    today = timezone.localdate()
    summary = _current("national.school.quarterly_summary", unit=w.a1)
    ledger_slot = _current("national.school.monthly_ledger_report", unit=w.a1)
    # when the monthly ledger is submitted
    principal = w.users["school_admin"]
    reports.approve(principal, reports.prepare(principal, w.a1, today.replace(day=1)))
    # then it fills the month's ledger slot, not the quarter's summary
    ledger_slot.refresh_from_db()
    summary.refresh_from_db()
    assert ledger_slot.is_met and summary.done_count == 0
    # and the quarterly summary, submitted, fills its own
    reports.approve(principal, reports.prepare_summary(principal, w.a1, today, problems="无", next_plan="继续排查"))
    summary.refresh_from_db()
    ledger_slot.refresh_from_db()
    assert summary.is_met and ledger_slot.done_count == 1
    _tally_is_right()


def test_a_meeting_fills_only_the_meeting_kind_its_rule_names(world) -> None:
    # given the national and Changchun (s001) rules of bureau A
    w = world
    actions.load_rules(None, w.bureau_a, ["national", "s001"])
    today = timezone.localdate()
    actions.expand(w.bureau_a, today)
    joint = _current("s001.bureau.quarterly_joint_meeting", unit=w.bureau_a, post__isnull=True)
    national_joint = _current("national.bureau.quarterly_joint_meeting", post=w.posts["bureau_head"])
    analysis = _current("s001.bureau_principal.quarterly_analysis_meeting", post=w.posts["bureau_head"])
    # (the national analysis meeting asks the 局长 the same: one slot, s001's, showing both sources — issue 17)
    stacked = ObligationRule.objects.get(bureau=w.bureau_a, code="national.bureau.principal_quarterly_analysis_meeting")
    assert not stacked.enabled and stacked.own_source in analysis.rule.source
    national_analysis = analysis
    # when the 局长 chairs a 党政联席会议 with minutes
    actions.record_activity(None, kind="meeting", meeting_kind="party_joint", unit=w.bureau_a, occurred_on=today,
                            responsible_post=w.posts["bureau_head"], post_role="led", title="党政联席会议",
                            notes="研究学校安全工作")
    for occ in (joint, national_joint, analysis, national_analysis):
        occ.refresh_from_db()
    # then the joint-meeting slots are met, the situation-analysis slots are not
    assert joint.is_met and national_joint.is_met
    assert analysis.done_count == 0 and national_analysis.done_count == 0
    # and a situation-analysis meeting fills those
    actions.record_activity(None, kind="meeting", meeting_kind="situation_analysis", unit=w.bureau_a,
                            occurred_on=today, responsible_post=w.posts["bureau_head"], post_role="led",
                            title="安全形势分析会", participants="班子成员")
    analysis.refresh_from_db()
    assert analysis.is_met
    _tally_is_right()


# --- a late record fills its own period, late ------------------------------------------------------------------


def test_octobers_ledger_submitted_on_3_november_fills_october_late(rules) -> None:
    from anxiao.reports import actions as reports

    w = rules
    on = timezone.make_aware(datetime.datetime(2026, 11, 3, 10, 0))
    # when October's ledger is submitted on 3 November
    principal = w.users["school_admin"]
    report = reports.prepare(principal, w.a1, D(2026, 10, 1), now=on)
    reports.approve(principal, report, now=on)
    # then October's slot is met, late; November's is untouched
    october = Occurrence.objects.get(rule__code="national.school.monthly_ledger_report", unit=w.a1,
                                     period_key="2026-10")
    assert october.is_met and october.status_on(D(2026, 11, 3)) == Status.LATE
    assert october.completed_on == D(2026, 11, 3)
    november = Occurrence.objects.filter(rule__code="national.school.monthly_ledger_report", unit=w.a1,
                                         period_key="2026-11").first()
    assert november is None or november.done_count == 0
    _tally_is_right()


# --- quotas cannot be met without the evidence -------------------------------------------------------------


def test_one_tap_does_not_close_a_drill_obligation(rules, as_user) -> None:
    w = rules
    slot = _current("national.school.monthly_drill", unit=w.a1)
    # then the button is not offered
    assert not slot.tap_due and not crediting.self_attestable(slot.rule)
    # and a POST to the web endpoint records nothing
    client = as_user("school_admin")
    response = client.post(f"/obligations/occurrences/{slot.pk}/done/", follow=True)
    assert "不能一键完成" in response.content.decode()
    slot.refresh_from_db()
    assert slot.done_count == 0 and not Activity.objects.filter(unit=w.a1, kind="drill").exists()
    # and the API answers 422 in Chinese
    response = client.post(f"/api/v1/occurrences/{slot.pk}/done", content_type="application/json")
    assert response.status_code == 422
    assert "不能一键完成" in json.loads(response.content)["detail"]


def test_one_tap_meets_a_self_attestable_rule(rules, as_user) -> None:
    w = rules
    slot = _current("national.school.daily_morning_check", unit=w.a1)
    assert crediting.self_attestable(slot.rule)
    client = as_user("school_admin")
    response = client.post(f"/api/v1/occurrences/{slot.pk}/done", content_type="application/json")
    assert response.status_code == 201, response.content
    slot.refresh_from_db()
    assert slot.day_met(timezone.localdate())


def test_a_hand_typed_drill_fills_no_drill_quota(rules) -> None:
    w = rules
    activity = actions.record_activity(w.users["school_admin"], kind="drill", unit=w.a1,
                                       occurred_on=timezone.localdate(), title="消防演练")
    assert activity.evidence == "self" and not activity.occurrences.exists()


def test_a_drill_counts_only_once_closed_with_its_evaluation_and_sign_in(rules) -> None:
    from anxiao.drills import actions as drills
    from anxiao.drills.tests.fixtures import drill

    w = rules
    admin = w.users["school_admin"]
    slot = _current("national.school.monthly_drill", unit=w.a1)
    d = drill(w)
    drills.sign_in(w.users["school_member"], d, ip="10.0.0.8")
    # when it is held
    drills.hold(admin, d, held_on=timezone.localdate(), participants_count=420, evacuation_seconds=100)
    slot.refresh_from_db()
    # then it does not count yet
    assert slot.done_count == 0
    # when it is closed with its evaluation
    drills.close(admin, d, evaluation_result="good")
    slot.refresh_from_db()
    assert slot.is_met
    _tally_is_right()


def test_a_drill_closed_without_any_sign_in_does_not_count(rules) -> None:
    from anxiao.drills import actions as drills
    from anxiao.drills.tests.fixtures import drill

    w = rules
    admin = w.users["school_admin"]
    d = drill(w)
    drills.hold(admin, d, held_on=timezone.localdate(), participants_count=420, evacuation_seconds=100)
    drills.close(admin, d, evaluation_result="good")
    assert _current("national.school.monthly_drill", unit=w.a1).done_count == 0


def test_an_inspection_with_items_unanswered_does_not_count(rules) -> None:
    from anxiao.inspections import actions as inspections
    from anxiao.inspections.models import Checklist, ChecklistItem

    w = rules
    checklist = Checklist.objects.create(code="t", title="测试检查表")
    for code in ("T-01", "T-02"):
        ChecklistItem.objects.create(checklist=checklist, code=code, category="T", category_name="测试", text=code)
    slot = _current("national.school.half_month_inspection", unit=w.a1)
    insp = inspections.start_inspection(None, unit=w.a1, kind="half_monthly", checklist=checklist)
    inspections.record_results(None, insp, [{"item_code": "T-01", "outcome": "pass"}])
    with refused("results"):
        inspections.complete_inspection(None, insp)
    slot.refresh_from_db()
    assert slot.done_count == 0 and not Activity.objects.filter(source_ref=f"inspection:{insp.pk}").exists()
    # a complete one counts
    insp = inspections.start_inspection(None, unit=w.a1, kind="half_monthly", checklist=checklist)
    inspections.record_results(None, insp, [{"item_code": "T-01", "outcome": "pass"},
                                            {"item_code": "T-02", "outcome": "pass"}])
    inspections.complete_inspection(None, insp)
    slot.refresh_from_db()
    assert slot.is_met


def test_a_meeting_needs_its_minutes_or_attendance(rules) -> None:
    w = rules
    today = timezone.localdate()
    slot = _current("national.school.monthly_safety_meeting", unit=w.a1)
    bare = actions.record_activity(w.users["school_admin"], kind="meeting", meeting_kind="situation_analysis",
                                   unit=w.a1, occurred_on=today, title="安全会")
    assert bare.evidence == "self"
    slot.refresh_from_db()
    assert slot.done_count == 0
    actions.record_activity(w.users["school_admin"], bare, notes="分析本月安全形势，部署下月工作")
    slot.refresh_from_db()
    assert slot.is_met


# --- heightened periods ---------------------------------------------------------------------------------------


def test_a_heightened_period_raises_the_quota_of_a_slot_already_met(rules) -> None:
    w = rules
    today = timezone.localdate()
    slot = _current("national.bureau.principal_quarterly_inspection", post=w.posts["bureau_head"])
    _inspect(w.a1, "bureau_supervision", by=w.bureau_a, leader=w.people["bureau_head"])
    slot.refresh_from_db()
    assert slot.is_met and slot.quota == 1
    # when a heightened period (factor 2) is set within the quarter
    actions.save_heightened_period(w.users["bureau_admin"], None, bureau=w.bureau_a, name="两会期间",
                                   starts_on=today, ends_on=today, factor=2)
    # then the slot asks for two and is open again, and the tally follows
    slot.refresh_from_db()
    assert slot.quota == 2 and not slot.is_met
    _tally_is_right()
    # and the second inspection meets it
    _inspect(w.a2, "bureau_supervision", by=w.bureau_a, leader=w.people["bureau_head"])
    slot.refresh_from_db()
    assert slot.is_met


# --- the crediting table ---------------------------------------------------------------------------------------


def test_every_built_in_rule_states_its_crediting() -> None:
    from anxiao.obligations.packs import available_packs, read_pack

    for pack in available_packs():
        for values in read_pack(pack):
            assert values["credit"], f"{values['code']} has no credit block"
            rule = ObligationRule(**values)
            credit = crediting.parse(values["credit"], rule.activity_kind, on_post=crediting._on_post(rule),
                                     baobao=rule.scope == "baobao")
            assert credit.as_dict() == {**credit.as_dict(), **values["credit"]}


def test_docs_crediting_md_is_current() -> None:
    path = REPO / "docs" / "crediting.md"
    assert path.read_text(encoding="utf-8").strip() == crediting.markdown().strip(), (
        "docs/crediting.md is out of date: run `anxiao obligations crediting-doc > docs/crediting.md`")


def test_a_rule_with_a_bad_credit_block_is_refused_in_chinese(world) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.save_rule(None, None, bureau=world.bureau_a, title="每月演练", activity_kind="drill",
                          period="month", unit_kinds=["school"],
                          credit={"records": ["drill:nonsense"], "evidence": "maybe"})
    messages = exc.value.message_dict["credit"]
    assert any("drill:nonsense" in m for m in messages) and any("maybe" in m for m in messages)
    assert not ObligationRule.objects.filter(title="每月演练").exists()


def test_the_rule_page_and_api_show_the_crediting(rules, as_user) -> None:
    rule = ObligationRule.objects.get(bureau=rules.bureau_a, code="national.school.monthly_drill")
    client = as_user("bureau_admin")
    page = client.get(f"/obligations/rules/{rule.pk}/").content.decode()
    assert "计入的记录" in page and "应急疏散演练（已结束、有评定结果和班主任签到）" in page and "一键完成" in page
    data = json.loads(client.get(f"/api/v1/obligation-rules/{rule.pk}").content)
    assert data["credit"] == {"records": ["drill:drill"], "roles": [], "slot": "unit", "evidence": "record"}
    # and the API changes it, refusing a bad one in Chinese
    response = client.patch(f"/api/v1/obligation-rules/{rule.pk}", {"credit": {"evidence": "maybe"}},
                            content_type="application/json")
    assert response.status_code == 422 and "证据要求" in json.loads(response.content)["detail"]
    response = client.patch(f"/api/v1/obligation-rules/{rule.pk}",
                            {"credit": {"records": ["drill:drill", "entry"], "evidence": "self"}},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    rule.refresh_from_db()
    assert crediting.self_attestable(rule)


def test_records_show_the_slots_they_filled_and_slots_the_records(rules, as_user) -> None:
    w = rules
    insp = _inspect(w.a1, "half_monthly", leader=w.people["a1_principal"])
    slot = _current("national.school.half_month_inspection", unit=w.a1)
    client = as_user("school_admin")
    page = client.get(f"/inspections/{insp.pk}/").content.decode()
    assert "计入的应办事项" in page and slot.rule.title in page
    page = client.get(f"/obligations/occurrences/{slot.pk}/").content.decode()
    assert "半月集中排查" in page


def test_a_meeting_recorded_in_the_form_with_its_kind_and_minutes_fills_the_meeting_rule(rules, as_user) -> None:
    w = rules
    today = timezone.localdate()
    slot = _current("national.school.monthly_safety_meeting", unit=w.a1)
    client = as_user("school_admin")
    form = client.get(f"/obligations/activities/new/?occurrence={slot.pk}")
    assert form.context["form"].initial["meeting_kind"] == "situation_analysis"
    response = client.post("/obligations/activities/new/", {
        "kind": "meeting", "meeting_kind": "situation_analysis", "occurred_on": today.isoformat(), "unit": w.a1.pk,
        "post_role": "led", "title": "安全稳定形势分析会", "notes": "分析本月形势"})
    assert response.status_code == 302, response.content.decode()[:2000]
    slot.refresh_from_db()
    assert slot.is_met
    # and the API shows what the record is and proves
    data = json.loads(client.get("/api/v1/activities?kind=meeting").content)["items"][0]
    assert (data["meeting_kind"], data["evidence"], data["occurrence_ids"]) == ("situation_analysis", "record",
                                                                               [slot.pk])


# --- patrol check-ins, signed letters (the fourth session's LEFT items) ------------------------------------------


def _scan():  # type: ignore[no-untyped-def]
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="JPEG")
    return SimpleUploadedFile("letter.jpg", buf.getvalue(), content_type="image/jpeg")


def _points(unit, n=3):  # type: ignore[no-untyped-def]
    from anxiao.inspections import actions as inspections

    return [inspections.save_point(None, None, unit=unit, name=f"重点部位{i}", min_interval_minutes=30)
            for i in range(n)]


def test_the_guards_five_patrols_a_day_take_five_qr_rounds_not_one_tap(rules, as_user) -> None:
    from anxiao.inspections import actions as inspections

    w = rules
    today = timezone.localdate()
    slot = _current("national.school.daily_keypoint_patrol", unit=w.a1)
    # the rule is the school's (all its guards together), and one tap does not meet it
    assert slot.post_id is None and not crediting.self_attestable(slot.rule)
    with refused("occurrence"):
        actions.tap_done(w.users["school_admin"], slot, today)
    # given three key points; five check-ins in a few seconds at one point are refused after the first
    points = _points(w.a1)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 1)))
    inspections.check_in(w.users["school_admin"], points[0], code=points[0].secret, at=start)
    with refused("code"):
        inspections.check_in(w.users["school_admin"], points[0], code=points[0].secret,
                             at=start + datetime.timedelta(seconds=4))
    # and scanning one point five times over the day is not a round of the key points
    for k in range(1, 5):
        inspections.check_in(None, points[0], code=points[0].secret, at=start + datetime.timedelta(minutes=31 * k))
    slot.refresh_from_db()
    assert not slot.day_met(today)
    # when every key point is scanned in five rounds, the day is met by five round records
    for k in range(5):
        for p in points[1:]:
            inspections.check_in(None, p, code=p.secret, at=start + datetime.timedelta(minutes=31 * k + 1))
    slot.refresh_from_db()
    assert slot.day_met(today)
    rounds = Activity.objects.filter(unit=w.a1, record_kind="patrol_round", occurred_on=today)
    assert rounds.count() == 5 and all(a.evidence == "record" for a in rounds)
    assert set(crediting.slots_for(rounds.first())) == {slot}  # type: ignore[arg-type]
    _tally_is_right()


def test_signed_letters_fill_the_letter_signing_slots_of_the_side_that_signs_them_with_its_people(rules) -> None:
    from anxiao.responsibility import actions as responsibility
    from anxiao.responsibility.tests.fixtures import letters

    w = rules
    today = timezone.localdate()
    school = _current("national.school.annual_letter_signing", unit=w.a1)
    bureau = _current("national.bureau.annual_letter_signing", post=w.posts["bureau_head"])
    # one tap or a hand-typed entry does not sign a letter
    for slot in (school, bureau):
        with refused("occurrence"):
            actions.tap_done(w.users["sysadmin"], slot, today)
    entry = actions.record_activity(w.users["sysadmin"], kind="letter_signing", unit=w.a1, occurred_on=today,
                                    title="签订责任书", files=[_scan()])
    assert entry.evidence == "record" and not entry.occurrences.exists()
    issued = letters(w)
    # when the a1 principal signs the bureau's letter, the 局长's annual "与学校签订" slot is met (not the school's)
    responsibility.sign_letter(w.users["school_admin"], issued["a1_principal"])
    bureau.refresh_from_db()
    school.refresh_from_db()
    assert bureau.is_met and not school.is_met
    record = Activity.objects.get(source_ref=f"letter:{issued['a1_principal'].pk}")
    assert (record.record_kind, record.evidence, record.by_unit, record.responsible_post) == (
        "letter:bureau_school", "record", w.bureau_a, w.posts["bureau_head"])
    # and when a teacher signs the school's letter, the school's own "层层签订" slot is met
    responsibility.sign_letter(w.users["school_member"], issued["a1_teacher"])
    school.refresh_from_db()
    assert school.is_met
    assert not _current("national.school.annual_letter_signing", unit=w.a2).is_met
    _tally_is_right()


def test_a_bureau_with_the_old_per_guard_patrol_rule_gets_the_schools_slot_on_upgrade_and_reload(world) -> None:
    import importlib

    from django.apps import apps as registry

    from anxiao.core.choices import PostKind
    from anxiao.org.models import Person, Post

    code = "national.school.daily_keypoint_patrol"
    guard = Post.objects.create(unit=world.a1, kind=PostKind.SECURITY_GUARD, title="保安员",
                                holder=Person.objects.create(name="刘保安", unit=world.a1))
    migration = importlib.import_module("anxiao.obligations.migrations.0011_former_pack_values")
    for fix in ("reload", "migrate"):
        # given a bureau that loaded the national pack before 2026-12: one slot per guard
        actions.load_rules(None, world.bureau_a, ["national"])
        ObligationRule.objects.filter(bureau=world.bureau_a, code=code).update(post_kinds=[PostKind.SECURITY_GUARD])
        actions.expand(world.bureau_a, timezone.localdate())
        assert _current(code, unit=world.a1).post_id == guard.pk
        # when the release's migration runs, or the pack is reloaded
        if fix == "reload":
            actions.load_rules(None, world.bureau_a, ["national"])
        else:
            migration.forward(registry, None)
        actions.expand(world.bureau_a, timezone.localdate())
        # then the rule is the school's again: one slot for all its guards, the per-guard slot gone
        rule = ObligationRule.objects.get(bureau=world.bureau_a, code=code)
        assert rule.post_kinds == [], fix
        assert _current(code, unit=world.a1).post_id is None, fix
    # and a value the bureau chose itself is kept by both
    ObligationRule.objects.filter(bureau=world.bureau_a, code=code).update(
        post_kinds=[PostKind.SECURITY_GUARD, PostKind.SAFETY_OFFICER])
    actions.load_rules(None, world.bureau_a, ["national"])
    migration.forward(registry, None)
    assert sorted(ObligationRule.objects.get(bureau=world.bureau_a, code=code).post_kinds) == sorted(
        [PostKind.SECURITY_GUARD, PostKind.SAFETY_OFFICER])


def test_only_party_b_signing_fills_party_a_s_slot_and_a_late_signature_fills_the_letter_s_own_year_late(rules) -> None:
    """The decision in docs/crediting.md: a responsibility letter signed by party B (乙方, in their own account) is the
    record of party A's "与…签订" slot (甲方: the issuing unit and its head's post, role led); party A cannot sign for
    B, B's own posts get nothing, and a 2026 letter signed in January 2027 fills 2026's slot, late."""
    from unittest import mock

    from django.core.exceptions import PermissionDenied

    from anxiao.responsibility import actions as responsibility
    from anxiao.responsibility.tests.fixtures import letters

    w = rules
    issued = letters(w)["a1_principal"]
    slot = Occurrence.objects.get(rule__code="national.bureau.annual_letter_signing", post=w.posts["bureau_head"],
                                  period_key=str(issued.year))
    # party A (the bureau) cannot sign the letter it issued and so fill its own slot
    with pytest.raises(PermissionDenied):
        responsibility.sign_letter(w.users["bureau_admin"], issued)
    slot.refresh_from_db()
    assert slot.done_count == 0
    # when party B (the a1 principal) signs in January of the next year
    january = datetime.datetime(issued.year + 1, 1, 10, 4, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=january):
        responsibility.sign_letter(w.users["school_admin"], issued)
    record = Activity.objects.get(source_ref=f"letter:{issued.pk}")
    # then the record is party A's (the 局长's post, led) and reports on the letter's year
    assert (record.responsible_post, record.post_role, record.reports_on) == (
        w.posts["bureau_head"], "led", datetime.date(issued.year, 12, 31))
    # and it fills exactly party A's slot of that year, late; no slot of party B and none of the next year
    slot.refresh_from_db()
    assert list(record.occurrences.all()) == [slot]
    assert (slot.done_count, slot.completed_on, slot.status_on(january.date())) == (1, january.date(), "late")
    assert not Occurrence.objects.filter(post=w.posts["a1_principal"], activities=record).exists()
    _tally_is_right()
