from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anxiao.obligations import actions
from anxiao.obligations.models import (
    Activity,
    HeightenedPeriod,
    ObligationRule,
    ObligationSettings,
    Occurrence,
    Status,
)

D = datetime.date
# What the apps write for a real record (crediting.py): a closed, evaluated drill; a ledger the principal submitted.
DRILL: dict[str, Any] = {"record_kind": "drill:drill", "evidence": "record"}
LEDGER: dict[str, Any] = {"record_kind": "ledger", "evidence": "record+approval"}
TODAY = D(2026, 3, 10)


@pytest.fixture
def rules(world):
    actions.load_rules(None, world.bureau_a, ["national"])
    return world


def _occ(code: str, **lookup) -> Occurrence:  # type: ignore[no-untyped-def]
    return Occurrence.objects.get(rule__code=code, **lookup)


def test_it_loads_built_in_rules_with_their_source_and_switches(rules) -> None:
    # given the national pack loaded for bureau A
    w = rules
    # then every entry is a rule that names its pack and clause, and switched-off entries stay off
    drill = ObligationRule.objects.get(bureau=w.bureau_a, code="national.school.monthly_drill")
    assert drill.pack_code == "national" and drill.clause_ref == "演练指南(2014)"
    assert drill.period == "month" and drill.enabled
    assert not ObligationRule.objects.get(code="national.school.term_evacuation_drill").enabled
    # when the pack is loaded again
    created, updated = actions.load_rules(None, w.bureau_a, ["national"])
    # then nothing new is created
    assert created == 0 and updated == ObligationRule.objects.filter(bureau=w.bureau_a).count()


def test_it_keeps_a_bureaus_own_numbers_when_reloading(rules) -> None:
    # given a bureau that switched off a rule and raised another's quota
    rule = ObligationRule.objects.get(code="national.school.monthly_drill")
    actions.save_rule(rules.users["bureau_admin"], rule, quota=2, enabled=False)
    # when the pack is loaded again
    actions.load_rules(None, rules.bureau_a, ["national"])
    # then the bureau's numbers are kept
    rule.refresh_from_db()
    assert (rule.quota, rule.enabled) == (2, False)


def test_it_asks_a_kindergarten_for_a_quarterly_drill_and_a_school_for_a_monthly_one(rules) -> None:
    # given the national rules of bureau A
    w = rules
    # when the obligations are expanded on 10 March
    actions.expand(w.bureau_a, TODAY)
    # then the kindergarten has a drill due by the end of the quarter, the junior school one by the end of March
    kg = _occ("national.kindergarten.quarterly_drill", unit=w.a2, period_key="2026-Q1")
    assert kg.due_on == D(2026, 3, 31)
    assert not Occurrence.objects.filter(rule__code="national.school.monthly_drill", unit=w.a2).exists()
    school = _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-03")
    assert school.status_on(TODAY) == Status.DUE
    # and the next period is there too, not yet started
    assert _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-04").status_on(TODAY) == Status.UPCOMING
    # and the monthly ledger is due by the 28th
    assert _occ("national.school.monthly_ledger_report", unit=w.a1, period_key="2026-03").due_on == D(2026, 3, 28)
    # and county B's school gets nothing from bureau A
    assert not Occurrence.objects.filter(unit=w.b1).exists()


def test_it_gives_a_leader_the_quarterly_inspection_of_each_baobao_school(rules) -> None:
    # given the department head looks after school a1 (包保)
    w = rules
    # when the obligations are expanded
    actions.expand(w.bureau_a, TODAY)
    # then the head has a quarterly inspection of a1, and none of a2
    occ = _occ("national.bureau.dept_quarterly_baobao_inspection", post=w.posts["dept_head"], period_key="2026-Q1")
    assert occ.unit == w.a1
    assert not Occurrence.objects.filter(rule__code="national.bureau.dept_quarterly_baobao_inspection",
                                         unit=w.a2).exists()


def test_it_creates_nothing_new_when_expanded_twice(rules) -> None:
    # given one expansion
    created = actions.expand(rules.bureau_a, TODAY)
    assert created > 0
    # when it runs again
    again = actions.expand(rules.bureau_a, TODAY)
    # then nothing is created
    assert again == 0


def test_a_first_expansion_asks_nothing_per_rule_of_an_empty_table(rules) -> None:
    """Issue 18 (a province-year in ≤ 90 s): on PostgreSQL, a bureau's first expansion finds in one statement that
    none of its rules has a slot yet, instead of asking per rule what exists and what to prune (two statements per
    rule, some 4,000 for a province; nor whether a heightened period changed the quota of slots it just made); a second
    run still checks each rule, and creates nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the set-based expansion is PostgreSQL's")
    per_rule = ("SELECT period_key, COUNT(*)", "WITH gone AS", 'SELECT "obligations_occurrence"."id"')
    with CaptureQueriesContext(connection) as first:
        assert actions.expand(rules.bureau_a, TODAY, start=TODAY - datetime.timedelta(days=90)) > 0
    assert not [q for q in first.captured_queries if q["sql"].lstrip().startswith(per_rule)]
    with CaptureQueriesContext(connection) as second:
        assert actions.expand(rules.bureau_a, TODAY, start=TODAY - datetime.timedelta(days=90)) == 0
    assert [q for q in second.captured_queries if q["sql"].lstrip().startswith(per_rule)]


def test_it_gives_each_class_its_weekly_safety_lesson(rules) -> None:
    # given a homeroom teacher in a1
    w = rules
    actions.expand(w.bureau_a, TODAY)
    # then the class has a weekly safety lesson held by the teacher's post
    occ = _occ("national.class.weekly_safety_lesson", post=w.posts["a1_teacher"], period_key="2026-W11")
    assert (occ.period_start, occ.period_end) == (D(2026, 3, 9), D(2026, 3, 15))


def test_it_turns_the_drill_green_when_one_is_recorded(rules) -> None:
    # given the March drill of a1 is due
    w = rules
    actions.expand(w.bureau_a, TODAY)
    # when the school records a drill on 6 March
    activity = actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 6),
                                       today=TODAY)
    # then the occurrence is done and the activity shows what it counted for
    occ = _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-03")
    assert occ.status_on(TODAY) == Status.DONE and occ.completed_on == D(2026, 3, 6)
    assert occ in activity.occurrences.all()
    assert activity.backdated
    # and the kindergarten's drill is untouched
    assert _occ("national.kindergarten.quarterly_drill", unit=w.a2, period_key="2026-Q1").done_count == 0


def test_it_marks_late_and_missed(rules) -> None:
    # given February's monthly safety meeting of a1 and a1's February ledger report
    w = rules
    actions.expand(w.bureau_a, D(2026, 2, 10))
    # when the meeting is recorded on 27 February and the ledger report on 2 March... no: the ledger is due the 28th
    actions.record_activity(w.users["school_admin"], kind="report_submission", **LEDGER, unit=w.a1,
                            occurred_on=D(2026, 2, 28), today=D(2026, 3, 2))
    # then by 10 March the ledger is done, and the meeting never held is missed
    assert _occ("national.school.monthly_ledger_report", unit=w.a1, period_key="2026-02").status_on(TODAY) == "done"
    assert _occ("national.school.monthly_safety_meeting", unit=w.a1, period_key="2026-02").status_on(TODAY) == "missed"
    assert Occurrence.objects.with_status("missed", TODAY).filter(unit=w.a1, period_key="2026-02").exists()


def test_it_counts_a_late_record_as_late(rules) -> None:
    # given a rule with a 28th deadline
    w = rules
    actions.expand(w.bureau_a, D(2026, 2, 10))
    # when the report is filed on 29... February has none; file the March one on the 30th
    actions.expand(w.bureau_a, TODAY)
    actions.record_activity(w.users["school_admin"], kind="report_submission", **LEDGER, unit=w.a1,
                            occurred_on=D(2026, 3, 30), today=D(2026, 3, 30))
    # then it is done late
    occ = _occ("national.school.monthly_ledger_report", unit=w.a1, period_key="2026-03")
    assert occ.status_on(D(2026, 3, 30)) == Status.LATE


def test_it_refuses_an_activity_in_the_future(rules) -> None:
    # given a school admin
    w = rules
    # when they record a drill dated tomorrow
    with pytest.raises(ValidationError) as exc:
        actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY
                                + datetime.timedelta(days=1), today=TODAY)
    # then it is refused on the date field
    assert "日期不能晚于今天" in exc.value.message_dict["occurred_on"][0]


def test_it_refuses_backdating_beyond_the_bureaus_window(rules) -> None:
    # given a bureau that allows 7 days of backdating
    w = rules
    ObligationSettings.objects.create(bureau=w.bureau_a, backdate_days=7)
    # when a drill 8 days ago is recorded
    with pytest.raises(ValidationError) as exc:
        actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 2),
                                today=TODAY)
    # then it is refused, naming the window
    assert "7 天" in exc.value.message_dict["occurred_on"][0]


def test_it_refuses_a_forbidden_attachment_type(rules) -> None:
    # given an executable attached to a drill record
    w = rules
    bad = SimpleUploadedFile("minutes.exe", b"MZ...")
    # when it is recorded
    with pytest.raises(ValidationError) as exc:
        actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY, today=TODAY,
                                files=[bad])
    # then it is refused and nothing is stored
    assert "minutes.exe" in exc.value.message_dict["attachments"][0]
    assert not Activity.objects.exists()


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()


def test_it_keeps_an_allowed_attachment(rules, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    w = rules
    photo = SimpleUploadedFile("drill.jpg", _jpeg(), content_type="image/jpeg")
    activity = actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY,
                                       today=TODAY, files=[photo])
    assert activity.attachments.get().name == "drill.jpg"


def test_it_lets_a_teacher_record_their_own_lesson_but_not_the_schools_drill(rules) -> None:
    # given a homeroom teacher with no write rights
    w = rules
    actions.expand(w.bureau_a, TODAY)
    teacher = w.users["school_member"]
    # when they record the safety lesson of their class
    actions.record_activity(teacher, kind="safety_lesson", unit=w.a1, responsible_post=w.posts["a1_teacher"],
                            occurred_on=TODAY, today=TODAY, record_kind="education:safety_lesson", evidence="record",
                            post_role="led")  # as the education app writes it
    # then the class's weekly lesson is done
    assert _occ("national.class.weekly_safety_lesson", post=w.posts["a1_teacher"],
                period_key="2026-W11").status_on(TODAY) == Status.DONE
    # and a school-level drill in the teacher's name without their post is refused
    with pytest.raises(PermissionDenied):
        actions.record_activity(teacher, kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY, today=TODAY)


def test_it_refuses_an_outsider(rules) -> None:
    w = rules
    with pytest.raises(PermissionDenied):
        actions.record_activity(w.users["outsider"], kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY, today=TODAY)


def test_it_counts_a_leaders_inspection_for_their_baobao_school_only(rules) -> None:
    # given the department head's quarterly inspection of a1
    w = rules
    actions.expand(w.bureau_a, TODAY)
    # when the head records an inspection at a1
    actions.record_activity(None, kind="inspection", unit=w.a1, responsible_post=w.posts["dept_head"],
                            occurred_on=TODAY, today=TODAY, record_kind="inspection:bureau_supervision",
                            evidence="record", post_role="led", by_unit=w.bureau_a)
    # then the 包保 inspection is done, but the school's own half-month inspection is not
    assert _occ("national.bureau.dept_quarterly_baobao_inspection", post=w.posts["dept_head"],
                period_key="2026-Q1").done_count == 1
    assert _occ("national.school.half_month_inspection", unit=w.a1, period_key="2026-03a").done_count == 0


def test_it_refuses_impossible_rules(rules) -> None:
    w = rules
    admin = w.users["bureau_admin"]
    base = {"bureau": w.bureau_a, "title": "测试", "activity_kind": "drill", "unit_kinds": ["school"]}
    with pytest.raises(ValidationError) as exc:
        actions.save_rule(admin, None, quota=0, period="month", **base)
    assert "quota" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.save_rule(admin, None, quota=1, period="fortnight", **base)
    assert "周期" in exc.value.message_dict["period"][0]
    with pytest.raises(ValidationError) as exc:
        actions.save_rule(admin, None, quota=1, period="week", due_rule="day_of_month", due_day=28, **base)
    assert "due_rule" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.save_rule(admin, None, quota=1, period="month", due_rule="day_of_month", due_day=40, **base)
    assert "due_day" in exc.value.message_dict


def test_it_refuses_rules_outside_the_users_scope(rules) -> None:
    w = rules
    with pytest.raises(PermissionDenied):
        actions.save_rule(w.users["outsider"], None, bureau=w.bureau_a, title="x", activity_kind="drill",
                          period="month", quota=1)


def test_it_multiplies_the_quota_in_a_heightened_period(rules) -> None:
    # given a sensitive period in March, and the principal's quarterly inspection marked heightened
    w = rules
    HeightenedPeriod.objects.create(bureau=w.bureau_a, name="两会期间", starts_on=D(2026, 3, 1),
                                    ends_on=D(2026, 3, 20), factor=2)
    # when the obligations are expanded
    actions.expand(w.bureau_a, TODAY)
    # then the heightened rule asks twice as much this quarter, and an ordinary one is unchanged
    assert _occ("national.bureau.dept_quarterly_baobao_inspection", period_key="2026-Q1").quota == 2
    assert _occ("national.bureau.dept_quarterly_baobao_inspection", period_key="2026-Q2").quota == 1
    assert _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-03").quota == 1


def test_it_drops_future_slots_when_a_post_closes(rules) -> None:
    # given the teacher's weekly lessons are expanded
    w = rules
    actions.expand(w.bureau_a, TODAY)
    post = w.posts["a1_teacher"]
    assert Occurrence.objects.filter(post=post).exists()
    # when the post is closed and the obligations are expanded again
    post.is_active = False
    post.save()
    actions.expand(w.bureau_a, TODAY)
    # then its open slots are gone
    assert not Occurrence.objects.filter(post=post).exists()


def test_it_recounts_when_an_activity_is_voided(rules) -> None:
    w = rules
    actions.expand(w.bureau_a, TODAY)
    activity = actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY,
                                       today=TODAY)
    actions.void_activity(w.users["school_admin"], activity, "重复录入")
    occ = _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-03")
    assert occ.done_count == 0 and occ.status_on(TODAY) == Status.DUE


def test_it_creates_the_slot_for_a_backdated_record_in_an_unexpanded_period(rules) -> None:
    # given no expansion has run
    w = rules
    # when a drill of 5 March is recorded
    actions.record_activity(w.users["school_admin"], kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 5), today=TODAY)
    # then the March slot exists and is done
    assert _occ("national.school.monthly_drill", unit=w.a1, period_key="2026-03").done_count == 1


def test_it_uses_the_bureaus_term_dates(world) -> None:
    # given a bureau whose autumn term starts on 25 August, set from the command line
    from django.core.management import call_command

    w = world
    call_command("obligations", "settings", "--bureau", str(w.bureau_a.pk), "--autumn", "8-25", "--spring", "2-20")
    rule = ObligationRule.objects.create(bureau=w.bureau_a, code="t.training", title="教职工安全培训",
                                         activity_kind="staff_training", unit_kinds=["school"], period="term")
    # when the obligations are expanded on 1 September
    actions.expand(w.bureau_a, D(2026, 9, 1))
    # then the term slot runs from 25 August to the day before the spring term
    occ = _occ("t.training", unit=w.a1, period_key="2026-T2")
    assert (occ.period_start, occ.period_end) == (D(2026, 8, 25), D(2027, 2, 19))
    assert rule.occurrences.filter(unit=w.a1).count() == 2  # this term and the next


def test_it_loads_rules_from_the_command_line(world) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("obligations", "load-rules", "--bureau", str(world.bureau_a.pk), "--packs", "national,s000")
    assert ObligationRule.objects.filter(bureau=world.bureau_a, pack_code="s000").count() == 2
    with pytest.raises(CommandError):
        call_command("obligations", "load-rules", "--bureau", str(world.bureau_a.pk), "--packs", "nope")
    with pytest.raises(CommandError):
        call_command("obligations", "settings", "--bureau", str(world.bureau_a.pk), "--spring", "9-1",
                     "--autumn", "2-1")


def test_adopting_a_seed_pack_runs_its_rules_as_written_without_asking_twice(world) -> None:
    from anxiao.policies import actions as policies

    # given bureau A runs the national rules
    w = world
    actions.load_rules(None, w.bureau_a, ["national"])
    # when it adopts s000 (ledger by the 28th) and s002 (drills and lessons repeating national quotas)
    policies.adopt(None, w.bureau_a, "s000", confirm=True)
    policies.adopt(None, w.bureau_a, "s002", confirm=True)
    actions.expand(w.bureau_a, TODAY)
    # then s000's 28th-of-month ledger rule is on and the national one it repeats is off, saying why
    ledger = ObligationRule.objects.get(bureau=w.bureau_a, code="s000.school.monthly_hazard_ledger")
    national = ObligationRule.objects.get(bureau=w.bureau_a, code="national.school.monthly_ledger_report")
    assert ledger.enabled and ledger.due_day == 28 and not national.enabled
    assert "s000" in national.note
    # and a1 is asked for one ledger in March, by the 28th, from s000's clause
    march = Occurrence.objects.filter(unit=w.a1, period_key="2026-03", rule__activity_kind="report_submission",
                                      rule__period="month")
    assert [(o.rule.code, o.due_on) for o in march] == [("s000.school.monthly_hazard_ledger", D(2026, 3, 28))]
    # and s002's quotas replace the national ones: one monthly drill for a1, one quarterly for the kindergarten
    drills = Occurrence.objects.filter(rule__activity_kind="drill", period_key__in=["2026-03", "2026-Q1"])
    assert sorted((o.unit_id, o.rule.code) for o in drills) == sorted([
        (w.a1.pk, "s002.school.monthly_drill"), (w.a2.pk, "s002.kindergarten.quarterly_drill")])
    # and recording one drill satisfies a1's single slot
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=TODAY, today=TODAY)
    assert Occurrence.objects.get(unit=w.a1, rule__code="s002.school.monthly_drill", period_key="2026-03").done_count == 1
