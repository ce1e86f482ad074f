from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anxiao.accounts.models import ApiToken, User
from anxiao.core.choices import PostKind
from anxiao.core.testing import refused
from anxiao.drills import actions
from anxiao.drills.models import (
    AttemptReason,
    Drill,
    DrillSettings,
    DrillStatus,
    PlanStatus,
    SignIn,
    SignInAttempt,
)
from anxiao.obligations import actions as obligations
from anxiao.obligations.models import Activity, Occurrence
from anxiao.org.models import Person, Post

from .fixtures import CLASS_A1, drill, homeroom, pdf, plan

H = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rules(world):
    obligations.load_rules(None, world.bureau_a, ["national"])
    obligations.expand(world.bureau_a, timezone.localdate())
    return world


def _new_drill(w, **extra):  # type: ignore[no-untyped-def]
    now = timezone.now()
    data = {"school": w.a1, "kind": "drill", "theme": "earthquake", "planned_on": timezone.localdate(),
            "window_start": now - H, "window_end": now + 2 * H, "classes": [homeroom(w)]}
    data.update(extra)
    return actions.save_drill(w.users["school_admin"], None, **data)


def _second_teacher(w, class_name="七年级（2）班"):  # type: ignore[no-untyped-def]
    person = Person.objects.create(name="李老师", unit=w.a1)
    post = Post.objects.create(unit=w.a1, kind=PostKind.HOMEROOM_TEACHER, title="班主任", holder=person,
                               class_name=class_name)
    user = User.objects.create_user(username="li", password="x", person=person)
    from anxiao.accounts.models import Grant
    from anxiao.core.choices import Role

    Grant.objects.create(user=user, role=Role.SCHOOL_MEMBER, unit=w.a1)
    return post, user


# --- annual plan ------------------------------------------------------------------------------------


def test_it_refuses_a_school_plan_that_skips_months(world) -> None:
    # given a plan of a junior school with drills in only ten months
    items = [{"month": m, "kind": "drill", "theme": "fire"} for m in range(1, 11)]
    # when the safety office saves it
    with pytest.raises(ValidationError) as exc:
        actions.save_plan(world.users["school_admin"], None, school=world.a1, year=timezone.localdate().year,
                          items=items)
    # then it is refused, naming the months without a drill, and nothing is saved
    message = exc.value.message_dict["items"][0]
    assert "每月至少一次" in message and "11月、12月" in message
    assert not world.a1.drill_plans.exists()


def test_it_accepts_a_quarterly_plan_for_a_kindergarten_but_not_a_half_yearly_one(world) -> None:
    year = timezone.localdate().year
    # a kindergarten drilling in Feb, May, Aug and Nov meets "each quarter"
    ok = [{"month": m, "kind": "drill", "theme": "fire"} for m in (2, 5, 8, 11)]
    created = actions.save_plan(world.users["bureau_admin"], None, school=world.a2, year=year, items=ok)
    assert created.status == PlanStatus.DRAFT and created.items.count() == 4
    # one drilling only in March and September misses the second and fourth quarters
    with pytest.raises(ValidationError) as exc:
        actions.save_plan(world.users["bureau_admin"], created, items=[
            {"month": 3, "kind": "drill", "theme": "fire"}, {"month": 9, "kind": "drill", "theme": "flood"}])
    assert "第二季度、第四季度" in exc.value.message_dict["items"][0]
    # guard drills do not stand in for the evacuation drills
    with refused("items"):
        actions.save_plan(world.users["bureau_admin"], created, items=[
            {"month": m, "kind": "guard_drill", "theme": "anti_violence"} for m in range(1, 13)])
    assert created.items.count() == 4


def test_a_bureau_can_set_schools_to_quarterly(world) -> None:
    # given bureau A lowers the school minimum to quarterly
    actions.save_settings(world.users["bureau_admin"], None, unit=world.bureau_a, school_frequency="quarter")
    # then a school plan with one drill a quarter is accepted
    items = [{"month": m, "kind": "drill", "theme": "fire"} for m in (1, 4, 7, 10)]
    assert actions.save_plan(world.users["school_admin"], None, school=world.a1, year=2026, items=items).pk


def test_only_the_principal_approves_and_approval_counts_for_the_plan_obligation(rules) -> None:
    w = rules
    draft = plan(w)
    # a bureau admin with write rights but no principal post is refused
    with pytest.raises(PermissionDenied, match="校长"):
        actions.approve_plan(w.users["bureau_admin"], draft)
    # so is a teacher of the school
    with pytest.raises(PermissionDenied):
        actions.approve_plan(w.users["school_member"], draft)
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT and draft.activity is None
    # the principal (school_admin holds a1's principal post) approves
    approved = actions.approve_plan(w.users["school_admin"], draft)
    assert approved.status == PlanStatus.APPROVED and approved.approved_post == w.posts["a1_principal"]
    # and the year's "annual drill plan" obligation is done
    occ = Occurrence.objects.get(rule__code="national.school.annual_drill_plan", unit=w.a1,
                                 period_start__lte=timezone.localdate(), period_end__gte=timezone.localdate())
    assert approved.activity is not None
    assert occ.done_count == 1 and approved.activity.kind == "plan"
    # an approved plan is read-only
    with pytest.raises(ValidationError, match="已批准"):
        actions.save_plan(w.users["school_admin"], approved, note="改一下")


def test_voiding_a_plan_needs_a_reason_and_frees_the_year(world) -> None:
    first = plan(world)
    with refused("void_reason"):
        actions.void_plan(world.users["school_admin"], first, "  ")
    actions.void_plan(world.users["school_admin"], first, "主题重排")
    assert plan(world).pk != first.pk


# --- drill lifecycle --------------------------------------------------------------------------------


def test_it_will_not_start_without_the_scenario_plan(world) -> None:
    d = _new_drill(world)
    with pytest.raises(ValidationError) as exc:
        actions.start(world.users["school_admin"], d)
    assert "预案" in exc.value.message_dict["scenario"][0]
    d.refresh_from_db()
    assert d.status == DrillStatus.PLANNED and d.started_at is None


def test_the_scenario_plan_is_checked_by_content(world) -> None:
    d = _new_drill(world)
    fake = pdf("预案.pdf")
    fake.seek(0)
    fake = type(fake)(b"MZ\x90\x00 not a pdf at all")
    fake.name = "预案.pdf"
    with refused("file"):
        actions.attach_file(world.users["school_admin"], d, fake)
    assert not d.files.exists()
    # a teacher cannot attach one
    with pytest.raises(PermissionDenied):
        actions.attach_file(world.users["school_member"], d, pdf())


def test_an_evacuation_drill_needs_classes_before_it_starts(world) -> None:
    d = _new_drill(world, classes=[])
    actions.attach_file(world.users["school_admin"], d, pdf())
    with pytest.raises(ValidationError, match="参演班级"):
        actions.start(world.users["school_admin"], d)


def test_starting_reminds_the_homeroom_teachers(world) -> None:
    from anxiao.notifications.models import Outbox

    d = drill(world)
    assert d.status == DrillStatus.IN_PROGRESS
    row = Outbox.objects.get(user=world.users["school_member"])
    assert "演练开始" in row.title and row.url.endswith(f"/s/{d.token}/")


def test_it_refuses_bad_windows_and_foreign_classes(world) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        _new_drill(world, window_start=now, window_end=now - H)
    assert "window_end" in exc.value.message_dict
    other = Post.objects.create(unit=world.b1, kind=PostKind.HOMEROOM_TEACHER, title="班主任", class_name="一年级")
    with pytest.raises(ValidationError) as exc:
        _new_drill(world, classes=[other])
    assert "本校" in exc.value.message_dict["classes"][0]
    assert not Drill.objects.exists()


def test_holding_refuses_bad_results_and_changes_nothing(rules) -> None:
    d = drill(rules)
    admin = rules.users["school_admin"]
    today = timezone.localdate()
    cases: list[tuple[dict[str, Any], str]] = [({"evacuation_seconds": -5, "participants_count": 300}, "evacuation_seconds"),
                        ({"evacuation_seconds": 95, "participants_count": -1}, "participants_count"),
                        ({"evacuation_seconds": 95, "participants_count": 300,
                          "held_on": today + datetime.timedelta(days=400)}, "held_on")]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            actions.hold(admin, d, **data)
        assert field in exc.value.message_dict
        d.refresh_from_db()
        assert d.status == DrillStatus.IN_PROGRESS and d.activity is None
    assert not Activity.objects.filter(kind="drill").exists()


def test_a_closed_drill_turns_the_month_green_and_closing_needs_the_evaluation(rules) -> None:
    w = rules
    d = drill(w)
    admin = w.users["school_admin"]
    actions.sign_in(w.users["school_member"], d, ip="10.0.0.8")
    occ = Occurrence.objects.get(rule__code="national.school.monthly_drill", unit=w.a1,
                                 period_start__lte=timezone.localdate(), period_end__gte=timezone.localdate())
    assert occ.done_count == 0
    # when the results are recorded
    actions.hold(admin, d, held_on=timezone.localdate(), participants_count=420, evacuation_seconds=135,
                 problems="东侧楼梯拥堵")
    d.refresh_from_db()
    occ.refresh_from_db()
    # then the drill is held and its activity recorded, but it fills the month only once closed and evaluated
    assert d.status == DrillStatus.HELD and d.activity.kind == "drill" and occ.done_count == 0
    assert actions.target_met(d) is False  # 135 s against the default 120 s
    # closing without an evaluation is refused
    with pytest.raises(ValidationError) as exc:
        actions.transition(admin, d, "close")
    assert "评定结果" in exc.value.message_dict["evaluation_result"][0]
    d.refresh_from_db()
    assert d.status == DrillStatus.HELD
    # with one it closes
    actions.transition(admin, d, "close", {"evaluation_result": "good", "evaluation": "组织有序，楼梯口需加派老师"})
    d.refresh_from_db()
    assert d.status == DrillStatus.CLOSED and d.closed_at is not None
    occ.refresh_from_db()
    assert occ.done_count == 1 and occ.is_met
    assert list(d.events.values_list("action", flat=True)) == ["create", "start", "hold", "evaluate", "close"]


def test_a_guard_drill_counts_for_the_guard_drill_quota(rules) -> None:
    w = rules
    admin = w.users["school_admin"]
    d = _new_drill(w, kind="guard_drill", theme="anti_violence", classes=[])
    actions.attach_file(admin, d, pdf())
    actions.start(admin, d)
    actions.hold(admin, d, held_on=timezone.localdate())
    actions.transition(admin, d, "close", {"evaluation_result": "good"})
    occ = Occurrence.objects.get(rule__code="national.school.monthly_guard_drill", unit=w.a1,
                                 period_start__lte=timezone.localdate(), period_end__gte=timezone.localdate())
    assert occ.done_count == 1


def test_voiding_needs_a_reason_and_takes_the_drill_out_of_the_quota(rules) -> None:
    w = rules
    d = drill(w)
    admin = w.users["school_admin"]
    actions.hold(admin, d, participants_count=10, evacuation_seconds=80)
    with refused("void_reason"):
        actions.void_drill(admin, d, "")
    actions.void_drill(admin, d, "误登记")
    d.refresh_from_db()
    assert d.is_voided and d.activity.is_voided
    occ = Occurrence.objects.get(rule__code="national.school.monthly_drill", unit=w.a1,
                                 period_start__lte=timezone.localdate(), period_end__gte=timezone.localdate())
    assert occ.done_count == 0
    with refused("status"):
        actions.transition(admin, d, "evaluate", {"evaluation_result": "good"})


def test_evacuation_target_comes_from_the_school_then_the_bureau_then_the_default(world) -> None:
    assert actions.config_for(world.a1).evacuation_target_seconds == 120
    DrillSettings.objects.create(unit=world.bureau_a, evacuation_target_seconds=150)
    assert actions.config_for(world.a1).evacuation_target_seconds == 150
    actions.save_settings(world.users["school_admin"], None, unit=world.a1, evacuation_target_seconds=180)
    assert actions.config_for(world.a1).evacuation_target_seconds == 180
    with refused("evacuation_target_seconds"):
        actions.save_settings(world.users["school_admin"], None, unit=world.a1, evacuation_target_seconds=0)
    with pytest.raises(PermissionDenied):
        actions.save_settings(world.users["outsider"], None, unit=world.a1)


def test_a_finding_becomes_a_hazard_once(world) -> None:
    d = drill(world)
    admin = world.users["school_admin"]
    f = actions.add_finding(admin, d, description="应急照明不亮", location="教学楼北楼梯", category="XF")
    hazard = actions.finding_to_hazard(admin, f)
    assert hazard.unit == world.a1 and hazard.category == "XF" and "应急照明不亮" in hazard.description
    assert actions.finding_to_hazard(admin, f) == hazard
    with refused("description", "location", "category"):
        actions.add_finding(admin, d, description="", location="", category="??")


# --- sign-in ----------------------------------------------------------------------------------------


def test_the_homeroom_teacher_signs_in_once_for_their_own_class(world) -> None:
    d = drill(world)
    teacher = world.users["school_member"]
    rows = actions.sign_in(teacher, d, ip="10.0.0.8")
    assert [(r.post.class_name, r.person, r.user) for r in rows] == [(CLASS_A1, teacher.person, teacher)]
    # a second sign-in is refused and logged
    with pytest.raises(ValidationError, match="重复签到"):
        actions.sign_in(teacher, d, ip="10.0.0.8")
    attempt = SignInAttempt.objects.get(reason=AttemptReason.ALREADY_SIGNED)
    assert attempt.user == teacher and attempt.ip == "10.0.0.8"
    assert SignIn.objects.count() == 1


def test_signing_for_someone_else_is_refused_and_logged(world) -> None:
    d = drill(world)
    other_post, other_user = _second_teacher(world)
    d.classes.add(other_post)
    teacher = world.users["school_member"]
    # naming the other teacher as the person
    with pytest.raises(ValidationError, match="不能代签"):
        actions.sign_in(teacher, d, person_id=other_user.person_id, ip="10.0.0.9")
    # naming the other teacher's class
    with pytest.raises(ValidationError, match="不能代签"):
        actions.sign_in(teacher, d, post_ids=[other_post.pk], ip="10.0.0.9")
    # somebody who heads no participating class (the principal)
    with pytest.raises(ValidationError, match="不是本次演练参演班级的班主任"):
        actions.sign_in(world.users["school_admin"], d)
    # an account without a person
    with pytest.raises(ValidationError, match="关联人员"):
        actions.sign_in(world.users["sysadmin"], d)
    assert not SignIn.objects.exists()
    reasons = sorted(SignInAttempt.objects.values_list("reason", flat=True))
    assert reasons == sorted(["other_person", "other_class", "not_homeroom", "no_person"])
    tried = SignInAttempt.objects.get(reason="other_person")
    assert str(other_user.person_id) in tried.detail and tried.user == teacher
    # the school's safety office sees the attempts; the teacher does not
    assert SignInAttempt.objects.writable_by(world.users["school_admin"]).count() == 4
    assert SignInAttempt.objects.writable_by(teacher).count() == 0
    # the other teacher still signs for their own class
    assert [s.post for s in actions.sign_in(other_user, d)] == [other_post]


def test_sign_in_outside_the_window_or_before_the_start_is_refused(world) -> None:
    d = drill(world)
    teacher = world.users["school_member"]
    margin = datetime.timedelta(minutes=d.signin_margin_minutes)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        actions.sign_in(teacher, d, now=d.window_end + margin + datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="不在签到时间内"):
        actions.sign_in(teacher, d, now=d.window_start - margin - datetime.timedelta(minutes=1))
    planned = _new_drill(world)
    with pytest.raises(ValidationError, match="尚未开始"):
        actions.sign_in(teacher, planned)
    assert not SignIn.objects.exists()
    assert SignInAttempt.objects.filter(reason="outside_window").count() == 2


def test_coverage_shows_who_signed_and_who_is_missing(world) -> None:
    d = drill(world)
    other_post, _user = _second_teacher(world)
    d.classes.add(other_post)
    actions.sign_in(world.users["school_member"], d)
    cov = actions.coverage(d)
    assert (cov["signed"], cov["total"]) == (1, 2)
    assert [r.post for r in cov["missing"]] == [other_post]


# --- web and API ------------------------------------------------------------------------------------


def test_the_sign_in_page_signs_the_user_in_and_has_no_person_field(world, as_user) -> None:
    d = drill(world)
    client = as_user("school_member")
    page = client.get(f"/drills/s/{d.token}/").content.decode()
    assert "本人签到" in page and CLASS_A1 in page and 'name="person' not in page
    response = client.post(f"/drills/s/{d.token}/", follow=True)
    assert "签到成功" in response.content.decode()
    assert SignIn.objects.get().user == world.users["school_member"]
    coverage = client.get(f"/drills/drills/{d.pk}/coverage/").content.decode()
    assert "已签到" in coverage and world.people["a1_teacher"].name in coverage


def test_the_plan_form_builds_the_months_and_shows_the_gap(world, as_user) -> None:
    client = as_user("school_admin")
    data = {"school": world.a1.pk, "year": timezone.localdate().year, "guard_monthly": "on", "bus_months": ["4", "10"],
            **{f"m{m}": "fire" for m in range(1, 12)}}
    response = client.post("/drills/plans/new/", data)
    assert response.status_code == 200 and "12月没有安排演练" in response.content.decode()
    data["m12"] = "earthquake"
    response = client.post("/drills/plans/new/", data)
    assert response.status_code == 302
    saved = world.a1.drill_plans.get()
    assert saved.items.filter(kind="drill").count() == 12 and saved.items.filter(kind="guard_drill").count() == 12
    assert sorted(saved.items.filter(kind="bus_drill").values_list("month", flat=True)) == [4, 10]
    # the principal approves it on its page
    assert client.post(f"/drills/plans/{saved.pk}/approve/").status_code == 302
    saved.refresh_from_db()
    assert saved.status == PlanStatus.APPROVED


def test_the_drill_page_walks_through_the_states(world, as_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_user("school_admin")
    d = _new_drill(world)
    url = f"/drills/drills/{d.pk}/"
    client.post(f"{url}do/start/")
    d.refresh_from_db()
    assert d.status == DrillStatus.PLANNED  # refused: no scenario yet
    client.post(f"{url}upload/", {"role": "scenario", "file": SimpleUploadedFile("脚本.pdf", pdf().read())})
    client.post(f"{url}do/start/")
    client.post(f"{url}do/hold/", {"held_on": timezone.localdate().isoformat(), "participants_count": "300",
                                   "evacuation_seconds": "100"})
    page = client.get(url).content.decode()
    assert "达标" in page and "脚本.pdf" in page
    client.post(f"{url}do/close/", {"evaluation_result": "excellent", "evaluation": "好"})
    d.refresh_from_db()
    assert d.status == DrillStatus.CLOSED and d.evaluation_result == "excellent"
    download = client.get(f"/drills/files/{d.files.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def _api(world, role, method, url, body=None):  # type: ignore[no-untyped-def]
    from django.test import Client

    _token, raw = ApiToken.issue(world.users[role])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "REMOTE_ADDR": "10.1.2.3"}
    if method == "get":
        return Client().get(url, **headers)
    return getattr(Client(), method)(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def test_api_sign_in_for_another_person_is_refused_with_a_chinese_message(world) -> None:
    d = drill(world)
    other = world.people["a1_principal"]
    response = _api(world, "school_member", "post", f"/api/v1/drills/{d.pk}/signin", {"person_id": other.pk})
    assert response.status_code == 422 and "不能代签" in response.json()["detail"]
    attempt = SignInAttempt.objects.get()
    assert attempt.via == "api" and attempt.ip == "10.1.2.3" and attempt.reason == "other_person"
    response = _api(world, "school_member", "post", f"/api/v1/drills/{d.pk}/signin")
    assert response.status_code == 201 and response.json()[0]["class_name"] == CLASS_A1
    cov = _api(world, "school_admin", "get", f"/api/v1/drills/{d.pk}/coverage").json()
    assert cov["signed"] == 1 and cov["rows"][0]["signed_by"] == world.people["a1_teacher"].name
    attempts = _api(world, "school_admin", "get", "/api/v1/drills/attempts").json()
    assert attempts["count"] == 1 and attempts["items"][0]["reason"] == "other_person"
    assert _api(world, "school_member", "get", "/api/v1/drills/attempts").json()["count"] == 0


def test_api_transitions_refuse_bad_input(world) -> None:
    d = drill(world)
    url = f"/api/v1/drills/{d.pk}/transition"
    response = _api(world, "school_admin", "post", url, {"action": "hold", "evacuation_seconds": -3,
                                                         "participants_count": 5})
    assert response.status_code == 422 and "不能为负数" in response.json()["detail"]
    assert _api(world, "school_admin", "post", url, {"action": "hold", "evacuation_seconds": 90,
                                                     "participants_count": 5}).json()["status"] == "held"
    response = _api(world, "school_admin", "post", url, {"action": "close"})
    assert response.status_code == 422 and "评定结果" in response.json()["detail"]
    response = _api(world, "school_admin", "post", url, {"action": "close", "evaluation_result": "pass"})
    assert response.json()["status"] == "closed"


def test_api_plan_that_misses_months_is_refused(world) -> None:
    response = _api(world, "school_admin", "post", "/api/v1/drills/plans", {
        "school_id": world.a1.pk, "year": timezone.localdate().year,
        "items": [{"month": 1, "kind": "drill", "theme": "fire"}]})
    assert response.status_code == 422 and "2月" in response.json()["detail"]


def test_sign_in_is_open_during_the_drills_own_time_with_its_margin(world) -> None:
    # given a drill from 10:00 to 10:40 today with a 15-minute margin
    teacher = world.users["school_member"]
    ten = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10, 0)))
    # a 48-hour "window" is not a drill's own time
    with pytest.raises(ValidationError) as exc:
        _new_drill(world, window_start=ten, window_end=ten + 48 * H)
    assert "演练时间不能超过 4 小时" in exc.value.message_dict["window_end"][0]
    with pytest.raises(ValidationError) as exc:
        _new_drill(world, window_start=ten, window_end=ten + datetime.timedelta(minutes=40), signin_margin_minutes=600)
    assert "signin_margin_minutes" in exc.value.message_dict
    d = _new_drill(world, window_start=ten, window_end=ten + datetime.timedelta(minutes=40), signin_margin_minutes=15)
    actions.attach_file(None, d, pdf())
    d = actions.start(None, d)
    # when the teacher signs in at 10:56, then at 10:54
    with pytest.raises(ValidationError, match="签到只在演练时间内开放"):
        actions.sign_in(teacher, d, now=ten + datetime.timedelta(minutes=56))
    assert actions.sign_in(teacher, d, now=ten + datetime.timedelta(minutes=54))
