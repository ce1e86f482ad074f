from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.choices import PostKind, Stage
from anxiao.core.testing import refused
from anxiao.education import actions, coverage, safedays
from anxiao.education.models import EducationRecord
from anxiao.obligations import actions as obligations
from anxiao.obligations.models import Activity, ObligationSettings, Occurrence
from anxiao.org.models import Person, Post
from anxiao.staffing.models import Guard, SchoolProfile

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)  # a Friday in the autumn term 2026-09-01 … 2027-01-31


@pytest.fixture
def school(world):  # type: ignore[no-untyped-def]
    """a1 (junior) with two classes, the national rules loaded, and a year's backdating allowed."""
    obligations.load_rules(None, world.bureau_a, ["national"])
    ObligationSettings.objects.create(bureau=world.bureau_a, backdate_days=400)
    world.class1 = world.posts["a1_teacher"]
    world.class1.class_name = "七年级（1）班"
    world.class1.save()
    other = Person.objects.create(name="另一位班主任", unit=world.a1)
    world.class2 = Post.objects.create(unit=world.a1, kind=PostKind.HOMEROOM_TEACHER, title="班主任", holder=other,
                                       class_name="七年级（2）班")
    world.profile = SchoolProfile.objects.create(school=world.a1, students=600, staff=50)
    world.guards = [Guard.objects.create(profile=world.profile, name=n, company="平安保安公司",
                                         birth_date=datetime.date(1980, 1, 1)) for n in ("赵保安", "钱保安")]
    return world


def _lesson(w, post=None, on=TODAY, module="accidents", actor=None, **extra):  # type: ignore[no-untyped-def]
    return actions.record(actor, kind="safety_lesson", school=w.a1, occurred_on=on, topic="防溺水",
                          class_post=post or w.class1, module=module, today=TODAY, **extra)


def _occ(rule_code: str, **filters):  # type: ignore[no-untyped-def]
    return Occurrence.objects.get(rule__code=rule_code, **filters)


def _nothing_written() -> None:
    assert not EducationRecord.objects.exists()
    assert not Activity.objects.exists()


# --- quotas through obligations ------------------------------------------------------------------------


def test_a_lesson_counts_for_its_own_classs_weekly_slot(school):
    # when class 1 has its lesson this week
    rec = _lesson(school)
    # then class 1's weekly slot is done and class 2's is still open
    week = coverage.week_of(TODAY)
    mine = _occ("national.class.weekly_safety_lesson", post=school.class1, period_key=week.key)
    theirs = _occ("national.class.weekly_safety_lesson", post=school.class2, period_key=week.key)
    assert (mine.done_count, theirs.done_count) == (1, 0)
    assert rec.links.get().activity.responsible_post == school.class1


def test_a_parent_meeting_needs_safety_content_and_counts_for_the_term(school):
    with pytest.raises(ValidationError) as exc:
        actions.record(None, kind="parent_meeting", school=school.a1, occurred_on=TODAY, topic="期中家长会",
                       safety_content="  ", today=TODAY)
    assert exc.value.message_dict["safety_content"] == ["家长会须安排安全教育内容，请填写"]
    _nothing_written()
    actions.record(None, kind="parent_meeting", school=school.a1, occurred_on=TODAY, topic="期中家长会",
                   safety_content="寒假防溺水、防火", today=TODAY)
    occ = _occ("national.school.parent_meeting_safety", unit=school.a1, period_key="2026-T2")
    assert occ.done_count == 1 and occ.status_on(TODAY) == "done"


def test_lectures_are_required_only_of_senior_and_vocational_schools(school):
    # a junior school: the bureau asks no lectures of it and expansion makes no slot
    obligations.expand(school.bureau_a, TODAY)
    assert not Occurrence.objects.filter(rule__code="national.senior.term_lectures", unit=school.a1).exists()
    assert coverage.school_coverage(school.a1, TODAY, TODAY).quota["lecture"] == 0
    for stage in (Stage.SENIOR, Stage.VOCATIONAL):
        school.a1.stage = stage
        school.a1.save()
        obligations.expand(school.bureau_a, TODAY)
        assert coverage.school_coverage(school.a1, TODAY, TODAY).quota["lecture"] == 2
    # a vocational school with one lecture falls short, with two it is done
    actions.record(None, kind="lecture", school=school.a1, occurred_on=TODAY, topic="消防", speaker_name="王教官",
                   today=TODAY)
    cov = coverage.school_coverage(school.a1, TODAY, TODAY)
    assert "安全知识讲座 1/2 次" in cov.shortfalls
    actions.record(None, kind="lecture", school=school.a1, occurred_on=TODAY, topic="禁毒", speaker_name="李警官",
                   today=TODAY)
    occ = _occ("national.senior.term_lectures", unit=school.a1, period_key="2026-T2")
    assert occ.done_count == 2 and occ.status_on(TODAY) == "done"
    assert not [s for s in coverage.school_coverage(school.a1, TODAY, TODAY).shortfalls if "讲座" in s]


def test_staff_training_records_attendance_and_its_rate(school):
    # given three of the school's people, one absent
    people = [school.people["a1_principal"], school.people["a1_teacher"], school.people["a1_officer"]]
    rec = actions.record(None, kind="staff_training", school=school.a1, occurred_on=TODAY, topic="急救培训",
                         attendance={p.pk: p != people[2] for p in people}, today=TODAY)
    cov = coverage.school_coverage(school.a1, TODAY, TODAY)
    assert [(r.pk, present, total) for r, present, total in cov.trainings] == [(rec.pk, 2, 3)]
    occ = _occ("national.school.term_staff_training", unit=school.a1, period_key="2026-T2")
    assert occ.done_count == 1
    assert rec.links.get().activity.participant_count == 2


def test_a_guard_training_counts_one_activity_per_day_and_each_guard_s_three_days(school):
    rec = actions.record(None, kind="guard_training", school=school.a1, occurred_on=TODAY - datetime.timedelta(days=2),
                         days=3, topic="岗位技能培训", guards=school.guards, today=TODAY)
    assert [link.day for link in rec.links.all()] == [TODAY - datetime.timedelta(days=i) for i in (2, 1, 0)]
    occ = _occ("national.school.term_guard_training", unit=school.a1, period_key="2026-T2")
    # two guards × three days: six guard-days, each guard's three (not three records of the school)
    assert (occ.done_count, occ.quota, occ.status_on(TODAY)) == (6, 3, "done")
    assert coverage.guard_days([g.pk for g in school.guards], TODAY.replace(day=1), TODAY) == {
        school.guards[0].pk: 3, school.guards[1].pk: 3}


def test_guard_days_are_split_at_the_term_boundary_and_counted_once_per_day(school):
    # given a training from 30 January to 2 February (the spring term starts on 1 February)
    today = datetime.date(2026, 2, 5)
    zhao, qian = school.guards
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=datetime.date(2026, 1, 30), days=4,
                   topic="寒假集训", guards=[zhao, qian], today=today)
    # and Zhao also on a second record of 2 February (the same day again) and 3 February
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=datetime.date(2026, 2, 2), days=2,
                   topic="补训", guards=[zhao], today=today)
    # then each term counts its own days, and a day counts once
    autumn = coverage.term_of(school.a1, datetime.date(2026, 1, 30))
    spring = coverage.term_of(school.a1, today)
    assert (autumn.key, spring.key) == ("2025-T2", "2026-T1")
    assert coverage.guard_days([zhao.pk, qian.pk], autumn.start, autumn.end) == {zhao.pk: 2, qian.pk: 2}
    assert coverage.guard_days([zhao.pk, qian.pk], spring.start, spring.end) == {zhao.pk: 3, qian.pk: 2}
    assert coverage.guard_days_this_term(Guard.objects.select_related("profile__school"), today) == {
        zhao.pk: 3, qian.pk: 2}


def test_the_staffing_rule_reads_training_days_from_the_records(school):
    from anxiao.staffing import compliance

    today = datetime.date(2026, 2, 5)
    zhao, qian = school.guards
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=datetime.date(2026, 2, 2), days=3,
                   topic="集训", guards=[zhao], today=today)
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=datetime.date(2026, 1, 28), days=5,
                   topic="上学期集训", guards=[qian], today=today)
    found = compliance.findings_by_school(
        type(school.a1).objects.filter(pk=school.a1.pk).prefetch_related("staffing_profiles__guards"), today)
    training = [f for f in found[0][1] if f.code == "guard_training"]
    # Qian's five days (28 January – 1 February) were mostly last term: only 1 February counts now
    assert [(f.message, f.shortfall) for f in training] == [("保安员钱保安本学期脱产培训 1 天，需不少于 3 天", 2)]


def test_a_legal_class_names_who_gave_it_and_counts_for_the_legal_vice_principal(school):
    with pytest.raises(ValidationError) as exc:
        actions.record(None, kind="legal_education", school=school.a1, occurred_on=TODAY, topic="预防欺凌", today=TODAY)
    assert "法治副校长" in exc.value.message_dict["speaker_name"][0]
    holder = Person.objects.create(name="刘警官", unit=school.a1)
    legal = Post.objects.create(unit=school.a1, kind=PostKind.LEGAL_VICE_PRINCIPAL, title="法治副校长", holder=holder)
    rec = actions.record(None, kind="legal_education", school=school.a1, occurred_on=TODAY, topic="预防欺凌",
                         speaker_post=legal, today=TODAY)
    assert (rec.speaker_name, rec.speaker_role) == ("刘警官", "法治副校长")
    # every school is owed the visit: the slot is the school's, filled by its 法治副校长's class
    occ = _occ("national.school.term_legal_education", unit=school.a1, period_key="2026-T2")
    assert occ.done_count == 1
    assert coverage.school_coverage(school.a1, TODAY, TODAY).quota["legal_education"] == 1
    # a teacher from outside with name and role is accepted too
    other = actions.record(None, kind="legal_education", school=school.a1, occurred_on=TODAY, topic="宪法",
                           speaker_name="陈法官", speaker_role="县法院法官", today=TODAY)
    assert other.speaker_post is None


# --- coverage ---------------------------------------------------------------------------------------


def test_coverage_shows_modules_per_class_and_classes_without_a_lesson_this_week(school):
    _lesson(school, module="accidents")
    _lesson(school, module="natural_disasters", on=TODAY - datetime.timedelta(days=14))
    _lesson(school, post=school.class2, module="public_health", on=TODAY - datetime.timedelta(days=7))
    # a lesson of last term does not count
    _lesson(school, post=school.class2, module="social_safety", on=datetime.date(2026, 6, 1))
    cov = coverage.school_coverage(school.a1, TODAY, TODAY)
    rows = {c.post.class_name: c for c in cov.classes}
    assert rows["七年级（1）班"].modules == {"accidents", "natural_disasters"}
    assert rows["七年级（2）班"].modules == {"public_health"}
    assert rows["七年级（1）班"].this_week and not rows["七年级（2）班"].this_week
    assert [c.post.class_name for c in cov.classes_without_lesson_this_week] == ["七年级（2）班"]
    assert rows["七年级（2）班"].missing == ["社会安全", "意外伤害", "网络信息安全", "自然灾害", "其他事件"]
    assert dict(cov.school_modules) == {"社会安全": False, "公共卫生": True, "意外伤害": True, "网络信息安全": False,
                                        "自然灾害": True, "其他事件": False}
    assert "1 个班级本周未上安全教育课" in cov.shortfalls
    # the spring term shows the June lesson
    spring = coverage.school_coverage(school.a1, datetime.date(2026, 6, 1), TODAY)
    assert {c.post.class_name: c.modules for c in spring.classes}["七年级（2）班"] == {"social_safety"}
    assert spring.classes_without_lesson_this_week == []  # a past term has no "this week"


def test_the_rollup_lists_the_shortfalls_of_each_school(school):
    _lesson(school)
    rows = {r.school.pk: r for r in coverage.rollup([school.a1, school.a2], TODAY)}
    a1 = rows[school.a1.pk]
    assert a1.classes == 2 and a1.classes_without_lesson == 1
    assert "教职工安全培训 0/1 次" in a1.shortfalls
    assert any(s.startswith("2 名保安脱产培训不足 3 天") for s in a1.shortfalls)
    assert any("全国消防日" in s for s in a1.shortfalls)  # 9 November passed without a record
    assert "安全知识讲座" not in " ".join(a1.shortfalls)  # a junior school


def test_the_rollup_costs_the_same_queries_for_more_schools(school, django_assert_max_num_queries):
    _lesson(school)
    with django_assert_max_num_queries(14):
        coverage.rollup([school.a1], TODAY)
    with django_assert_max_num_queries(14):
        coverage.rollup([school.a1, school.a2, school.b1], TODAY)


# --- safety days ----------------------------------------------------------------------------------


def test_safety_days_are_computed_for_any_year():
    days = {d.code: on for d, on in safedays.days_in(2025)}
    assert days["student_safety_day"] == datetime.date(2025, 3, 31)  # 31 March 2025 is a Monday
    assert {d.code: on for d, on in safedays.days_in(2026)}["student_safety_day"] == datetime.date(2026, 3, 30)
    assert {d.code: on for d, on in safedays.days_in(2024)}["student_safety_day"] == datetime.date(2024, 3, 25)
    assert days["disaster_prevention_day"] == datetime.date(2025, 5, 12)
    assert days["fire_safety_day"] == datetime.date(2025, 11, 9)
    assert [on.month for _d, on in safedays.days_in(2031)] == [3, 4, 5, 6, 11, 12]


def test_the_calendar_shows_marked_missed_and_upcoming_days(school):
    from anxiao.education.views import safety_day_rows

    actions.record(None, kind="safety_day_education", school=school.a1, occurred_on=datetime.date(2026, 11, 10),
                   safety_day="fire_safety_day", topic="消防疏散", today=TODAY)
    rows = {r.day.code: r for r in safety_day_rows(school.a1, 2026, TODAY)}
    assert rows["fire_safety_day"].status == "marked"
    assert rows["disaster_prevention_day"].status == "missed"
    assert rows["traffic_safety_day"].status == "upcoming"
    # a record far from its day is refused
    with pytest.raises(ValidationError) as exc:
        actions.record(None, kind="safety_day_education", school=school.a1, occurred_on=datetime.date(2026, 10, 1),
                       safety_day="fire_safety_day", topic="消防", today=TODAY)
    assert "全国消防日" in exc.value.message_dict["occurred_on"][0]


# --- bad input and rights ---------------------------------------------------------------------------


def test_bad_input_is_refused_and_nothing_is_written(school):
    cases = [
        ({"kind": "safety_lesson", "class_post": school.class1, "module": "accidents",
              "occurred_on": TODAY + datetime.timedelta(days=1)}, "occurred_on", "日期不能晚于今天"),
        ({"kind": "safety_lesson", "class_post": school.class1, "module": "swimming"}, "module", "纲要模块“swimming”无效"),
        ({"kind": "safety_lesson", "module": "accidents", "class_post": school.posts["b1_principal"]}, "class_post", "班级"),
        ({"kind": "staff_training", "attendance": {school.people["b1_principal"].pk: True}}, "attendance", "不是本校人员"),
        ({"kind": "guard_training", "days": -2, "guards": school.guards}, "days", "正整数"),
        ({"kind": "guard_training", "days": 3, "guards": school.guards, "occurred_on": TODAY}, "days", "晚于今天"),
        ({"kind": "lecture", "participant_count": -5, "speaker_name": "王"}, "participant_count", "负数"),
        ({"kind": "drill"}, "kind", "无效"),
    ]
    b_profile = SchoolProfile.objects.create(school=school.b1, students=100)
    stranger = Guard.objects.create(profile=b_profile, name="孙保安", company="乙公司", birth_date=datetime.date(1980, 1, 1))
    cases.append(({"kind": "guard_training", "days": 1, "guards": [stranger]}, "guards", "孙保安不在本校"))
    for data, field, message in cases:
        data = {"occurred_on": TODAY, "topic": "安全教育"} | data
        with pytest.raises(ValidationError) as exc:
            actions.record(None, school=school.a1, today=TODAY, **data)
        assert message in exc.value.message_dict[field][0], (data, exc.value.message_dict)
    _nothing_written()


def test_a_homeroom_teacher_records_their_own_class_only(school):
    teacher = school.users["school_member"]  # holds class 1
    _lesson(school, actor=teacher)
    with pytest.raises(PermissionDenied):
        _lesson(school, post=school.class2, actor=teacher)
    with pytest.raises(PermissionDenied):
        actions.record(teacher, kind="lecture", school=school.a1, occurred_on=TODAY, topic="讲座", speaker_name="王",
                       today=TODAY)
    with pytest.raises(PermissionDenied):
        actions.record(school.users["outsider"], kind="lecture", school=school.a1, occurred_on=TODAY, topic="讲座",
                       speaker_name="王", today=TODAY)
    assert EducationRecord.objects.count() == 1 and Activity.objects.count() == 1


def test_voiding_a_record_voids_its_activities_and_reopens_the_quota(school):
    rec = actions.record(None, kind="guard_training", school=school.a1, occurred_on=TODAY - datetime.timedelta(days=2),
                         days=3, topic="培训", guards=school.guards, today=TODAY)
    with refused("void_reason"):
        actions.void(school.users["school_admin"], rec, " ")
    with pytest.raises(PermissionDenied):
        actions.void(school.users["outsider"], rec, "录错了")
    actions.void(school.users["school_admin"], rec, "录错了")
    assert Activity.objects.filter(voided_at__isnull=False).count() == 3
    occ = _occ("national.school.term_guard_training", unit=school.a1, period_key="2026-T2")
    assert occ.done_count == 0
    assert coverage.guard_days([g.pk for g in school.guards], TODAY.replace(day=1), TODAY) == {
        g.pk: 0 for g in school.guards}


# --- API --------------------------------------------------------------------------------------------


def _api(client, world, role):  # type: ignore[no-untyped-def]
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.users[role])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_records_a_lesson_and_refuses_a_bad_module(client, school):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    auth = _api(client, school, "school_member")  # the homeroom teacher of class 1
    body = {"class_post_id": school.class1.pk, "occurred_on": today, "module": "swimming", "topic": "防溺水"}
    response = client.post("/api/v1/education/lessons", body, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "module"
    _nothing_written()
    response = client.post("/api/v1/education/lessons", body | {"module": "accidents"}, content_type="application/json",
                           **auth)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["kind"], out["class_name"], out["module"]) == ("safety_lesson", "七年级（1）班", "accidents")
    assert len(out["activity_ids"]) == 1
    cov = client.get(f"/api/v1/education/coverage/{school.a1.pk}", **auth).json()
    rows = {c["class_name"]: c for c in cov["classes"]}
    assert rows["七年级（1）班"]["modules"] == ["accidents"] and rows["七年级（1）班"]["this_week"]
    assert cov["classes_without_lesson_this_week"] == ["七年级（2）班"]


def test_the_api_refuses_people_and_guards_of_another_school(client, school):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    auth = _api(client, school, "school_admin")
    response = client.post("/api/v1/education/staff-trainings", {
        "school_id": school.a1.pk, "occurred_on": today, "topic": "培训",
        "attendance": [{"person_id": school.people["b1_principal"].pk, "present": True}]},
        content_type="application/json", **auth)
    assert response.status_code == 422  # another county's person: answered like a missing one, never named
    assert response.json()["errors"] == [{"field": "attendance", "message":
                                          f"编号为 {school.people['b1_principal'].pk} 的人员不存在或不可见"}]
    b_profile = SchoolProfile.objects.create(school=school.b1, students=100)
    stranger = Guard.objects.create(profile=b_profile, name="孙保安", company="乙公司", birth_date=datetime.date(1980, 1, 1))
    response = client.post("/api/v1/education/guard-trainings", {
        "school_id": school.a1.pk, "occurred_on": today, "days": 1, "topic": "培训", "guard_ids": [stranger.pk]},
        content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "guards", "message": f"编号为 {stranger.pk} 的保安员不存在或不可见"}]
    response = client.post("/api/v1/education/guard-trainings", {
        "school_id": school.a1.pk, "occurred_on": today, "days": -1, "topic": "培训",
        "guard_ids": [school.guards[0].pk]}, content_type="application/json", **auth)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "days"
    _nothing_written()


def test_the_safety_days_api_gives_the_dates_of_a_year(client, school):
    auth = _api(client, school, "school_member")
    days = client.get("/api/v1/education/safety-days?year=2027", **auth).json()
    assert days[0] == {"code": "student_safety_day", "name": "全国中小学生安全教育日", "date": "2027-03-29",
                       "rule": "每年3月最后一个星期一", "source": "rules.md §3.3；S001 七(七)"}
    assert client.get("/api/v1/education/safety-days?year=1900", **auth).status_code == 422


# --- pages --------------------------------------------------------------------------------------------


def test_every_record_form_opens_and_a_staff_training_saves_present_and_absent(as_user, school):
    from django.utils import timezone

    from anxiao.education.models import EDUCATION_KINDS

    client = as_user("school_admin")
    for kind in EDUCATION_KINDS:
        response = client.get(f"/education/schools/{school.a1.pk}/record/{kind}/")
        assert response.status_code == 200, kind
    principal, teacher = school.people["a1_principal"], school.people["a1_teacher"]
    response = client.post(f"/education/schools/{school.a1.pk}/record/staff_training/", {
        "occurred_on": timezone.localdate().isoformat(), "topic": "急救培训", "present": [principal.pk]})
    assert response.status_code == 302
    rec = EducationRecord.objects.get()
    sheet = {a.person_id: a.present for a in rec.attendance.all()}
    assert sheet[principal.pk] is True and sheet[teacher.pk] is False
    assert school.people["b1_principal"].pk not in sheet
    page = client.get(f"/education/records/{rec.pk}/").content.decode()
    assert f"出席 1/{len(sheet)}" in page
    body = client.get(f"/education/schools/{school.a1.pk}/").content.decode()
    assert f"1/{len(sheet)}" in body


def test_a_teacher_cannot_open_another_schools_form_or_the_staff_training_form(as_user, school):
    client = as_user("school_member")
    assert client.get(f"/education/schools/{school.a1.pk}/record/safety_lesson/").status_code == 200
    assert client.get(f"/education/schools/{school.a1.pk}/record/staff_training/").status_code == 403
    assert client.get(f"/education/schools/{school.b1.pk}/record/safety_lesson/").status_code == 404
    assert client.get(f"/education/schools/{school.a1.pk}/record/drill/").status_code == 404


def test_guard_training_counts_guard_days_so_every_guard_needs_three_days(school):
    # given seed 002 四(五) / the national rule: 保安员每学期不少于3天脱产培训 — each guard, not the school's records
    zhao, qian = school.guards
    Guard.objects.create(profile=school.profile, name="离岗保安", company="平安保安公司",
                         birth_date=datetime.date(1980, 1, 1), is_active=False)
    day = TODAY - datetime.timedelta(days=20)
    # when Zhao alone trains three days
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=day, days=3, topic="岗位技能培训",
                   guards=[zhao], today=TODAY)
    occ = _occ("national.school.term_guard_training", unit=school.a1, period_key="2026-T2")
    # then the school has 3 of its 6 guard-days and the slot is open, though three days of records exist
    assert (occ.done_count, occ.status_on(TODAY), occ.progress) == (3, "due", "3/6 人·天")
    # and Qian's two days, with one more of Zhao's (already at three), still leave it open
    actions.record(None, kind="guard_training", school=school.a1, occurred_on=day + datetime.timedelta(days=5),
                   days=2, topic="补训", guards=[zhao, qian], today=TODAY)
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(TODAY)) == (5, "due")
    # and Qian's third day meets it (the guard who left is not owed training)
    rec = actions.record(None, kind="guard_training", school=school.a1, occurred_on=day + datetime.timedelta(days=9),
                         days=1, topic="补训", guards=[qian], today=TODAY)
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(TODAY), occ.progress) == (6, "done", "6/6 人·天")
    assert occ.completed_on == day + datetime.timedelta(days=9)
    # and voiding that day opens it again
    actions.void(None, rec, "登记错误")
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(TODAY)) == (5, "due")


# --- attendance credits each person (61号令 第三十六条: 每名员工每年一次消防培训) ------------------------------


def _staff(w):  # type: ignore[no-untyped-def]
    """Everybody the school employs: its and its departments' active people."""
    return list(Person.objects.filter(unit__path__startswith=w.a1.path, is_active=True).order_by("pk"))


def test_each_employee_present_at_a_staff_training_fills_their_own_place_in_the_fire_training_slot(school):
    staff = _staff(school)
    n = len(staff)
    assert n >= 3
    absent = staff[-1]
    # when a staff training is held with everybody but one present
    rec = actions.record(None, kind="staff_training", school=school.a1, occurred_on=TODAY, topic="消防安全培训",
                         attendance={p.pk: p != absent for p in staff}, today=TODAY)
    occ = _occ("national.school.annual_fire_training", unit=school.a1, period_key="2026")
    # then the year's slot counts the people trained, not the training: one still owes it
    assert (occ.done_count, occ.status_on(TODAY), occ.progress) == (n - 1, "due", f"{n - 1}/{n} 人")
    assert occ.completed_on is None
    # and the term's "全体教职工每学期一次安全培训" still counts trainings held
    term = _occ("national.school.term_staff_training", unit=school.a1, period_key="2026-T2")
    assert (term.done_count, term.status_on(TODAY)) == (1, "done")
    # when the absent one attends a second training later
    later = TODAY + datetime.timedelta(days=3)
    second = actions.record(None, kind="staff_training", school=school.a1, occurred_on=later, topic="补训",
                            attendance={absent.pk: True}, today=later)
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(later), occ.progress) == (n, "done", f"{n}/{n} 人")
    assert occ.completed_on == later
    # then the slot names both records and each record names the slot it credited
    assert set(occ.activities.values_list("source_ref", flat=True)) == {f"education:{rec.pk}",
                                                                         f"education:{second.pk}"}
    # when the late-comer is taken off the second training's sheet (signed in by mistake)
    actions.set_attendance(school.users["school_admin"], second, absent.pk, False)
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(later)) == (n - 1, "due")
    # and marked present again, then the first training voided
    actions.set_attendance(school.users["school_admin"], second, absent.pk, True)
    occ.refresh_from_db()
    assert occ.done_count == n
    actions.void(school.users["school_admin"], rec, "录错了")
    occ.refresh_from_db()
    assert (occ.done_count, occ.status_on(later), occ.progress) == (1, "due", f"1/{n} 人")


def test_an_employee_who_joins_owes_the_training_and_one_who_leaves_does_not(school):
    staff = _staff(school)
    actions.record(None, kind="staff_training", school=school.a1, occurred_on=TODAY, topic="消防安全培训",
                   attendance={p.pk: True for p in staff}, today=TODAY)
    occ = _occ("national.school.annual_fire_training", unit=school.a1, period_key="2026")
    assert occ.status_on(TODAY) == "done"
    from unittest import mock

    from anxiao.org import actions as org

    with mock.patch("anxiao.obligations.actions.timezone.localdate", return_value=TODAY):
        # when a teacher joins (through the people register's one path), this year's slot is open again
        newcomer = org.save_person(None, None, name="新教师", unit=school.a1)
        occ.refresh_from_db()
        assert (occ.status_on(TODAY), occ.progress) == ("due", f"{len(staff)}/{len(staff) + 1} 人")
        # and when they leave before being trained, it is met again
        org.save_person(None, newcomer, is_active=False)
    occ.refresh_from_db()
    assert occ.status_on(TODAY) == "done"


def test_attendance_changes_are_refused_with_a_field_message_and_audited(school):
    staff = _staff(school)
    rec = actions.record(None, kind="staff_training", school=school.a1, occurred_on=TODAY, topic="消防安全培训",
                         attendance={staff[0].pk: True}, today=TODAY)
    lesson = _lesson(school)
    with refused("attendance"):
        actions.set_attendance(school.users["school_admin"], lesson, staff[0].pk, True)
    with refused("person"):
        actions.set_attendance(school.users["school_admin"], rec, school.people["b1_principal"].pk, True)
    with refused("person"):
        actions.set_attendance(school.users["school_admin"], rec, 999999, True)
    with pytest.raises(PermissionDenied):
        actions.set_attendance(school.users["outsider"], rec, staff[0].pk, False)
    from anxiao.core.models import AuditLog

    actions.set_attendance(school.users["school_admin"], rec, staff[1].pk, True)
    entry = AuditLog.objects.filter(object_id=str(rec.pk), action="update",
                                    content_type__model="educationrecord").latest("pk")
    assert entry.changes == {"attendance": [f"{staff[1].name}：未登记", f"{staff[1].name}：出席"]}
    actions.void(school.users["school_admin"], rec, "录错了")
    with refused("attendance"):
        actions.set_attendance(school.users["school_admin"], rec, staff[1].pk, False)


def test_the_slot_page_names_who_still_owes_and_the_sheet_page_marks_a_person_absent(as_user, school):
    staff = _staff(school)
    absent = staff[-1]
    rec = actions.record(None, kind="staff_training", school=school.a1, occurred_on=TODAY, topic="消防安全培训",
                         attendance={p.pk: p != absent for p in staff}, today=TODAY)
    occ = _occ("national.school.annual_fire_training", unit=school.a1, period_key="2026")
    client = as_user("school_admin")
    page = client.get(f"/obligations/occurrences/{occ.pk}/").content.decode()
    assert "尚未完成的人员（1）" in page and absent.name in page
    record_page = client.get(f"/education/records/{rec.pk}/").content.decode()
    assert f"{len(staff) - 1}/{len(staff)} 人" in record_page and "改为缺席" in record_page
    # when the principal is taken off the sheet on the record's page
    principal = school.people["a1_principal"]
    response = client.post(f"/education/records/{rec.pk}/attendance/", {"person": principal.pk, "present": "0"})
    assert response.status_code == 302
    occ.refresh_from_db()
    assert occ.progress == f"{len(staff) - 2}/{len(staff)} 人"
    page = client.get(f"/obligations/occurrences/{occ.pk}/").content.decode()
    assert "尚未完成的人员（2）" in page and principal.name in page
    # and a member (the homeroom teacher) is offered no button
    assert "改为缺席" not in as_user("school_member").get(f"/education/records/{rec.pk}/").content.decode()
