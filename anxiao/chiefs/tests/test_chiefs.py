from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anxiao.chiefs import actions
from anxiao.chiefs.models import AgencyTask, ChiefMeeting, GateCheckIn, MeetingKind, TaskEvent, TaskStatus
from anxiao.chiefs.summary import coverage, monthly_by_month, plenary_by_year, week_start
from anxiao.chiefs.tests.fixtures import chiefs_world, user_for
from anxiao.core.choices import Role
from anxiao.core.testing import refused

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()

TODAY = timezone.localdate()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


@pytest.fixture
def c(world):
    return chiefs_world(world)


@pytest.fixture
def town_chief(world, c):
    return user_for(c.town_chief, Role.BUREAU_VIEWER, region=world.town_a)


@pytest.fixture
def liaison(c):
    return user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police)


def test_it_runs_the_task_loop_from_routing_to_verification(world, c, town_chief, liaison):
    # given a town chief (read-only grant over the town) and the police liaison
    # when the chief routes a hazard at a1's gate to the police, the liaison accepts and closes it with evidence
    task = actions.create_task(town_chief, government=c.town_gov, agency=c.police, school=world.a1,
                               title="校门口交通拥堵", deadline=NEXT_WEEK, source="hazard", hazard_kind="traffic")
    actions.accept_task(liaison, task)
    actions.close_task(liaison, task, evidence="已设置护学岗和减速带", files=[SimpleUploadedFile("现场.jpg", _jpeg())])
    actions.verify_task(town_chief, task, note="现场核实")
    # then the task is verified and every step is an event row
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED
    assert [e.action for e in task.events.all()] == ["created", "accepted", "done", "verified"]
    assert task.attachments.count() == 1


def test_a_step_recorded_afterwards_keeps_its_own_time_and_person(world, c, town_chief, liaison):
    # given a task routed a week ago and worked since (the demo's history, or steps entered after the fact)
    tz = timezone.get_current_timezone()
    day = TODAY - datetime.timedelta(days=7)

    def at(days: int, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour), tzinfo=tz)

    task = actions.create_task(town_chief, government=c.town_gov, agency=c.police, school=world.a1, title="护学",
                               deadline=NEXT_WEEK, today=day, at=at(0, 9))
    actions.accept_task(liaison, task, at=at(1, 10))
    actions.close_task(liaison, task, evidence="已落实", note="照片存档", at=at(4, 16))
    actions.verify_task(town_chief, task, at=at(5, 15))
    # then each event carries the time it was taken and who took it, and the task its step times
    events = list(task.events.order_by("created_at"))
    assert [(e.action, e.created_at, e.actor_repr) for e in events] == [
        ("created", at(0, 9), c.town_chief.holder.name), ("accepted", at(1, 10), c.liaison.holder.name),
        ("done", at(4, 16), c.liaison.holder.name), ("verified", at(5, 15), c.town_chief.holder.name)]
    task.refresh_from_db()
    assert (task.accepted_at, task.done_at, task.verified_at) == (at(1, 10), at(4, 16), at(5, 15))


def test_it_refuses_a_task_to_an_agency_outside_the_region(world, c):
    # given county B's police
    # when county A's government routes a task to it
    with pytest.raises(ValidationError) as exc:
        actions.create_task(None, government=c.gov_a, agency=c.police_b, title="越界", deadline=NEXT_WEEK)
    # then the agency field says why
    assert "不在甲县范围内" in exc.value.message_dict["agency"][0]


def test_it_refuses_a_school_outside_the_region(world, c):
    with pytest.raises(ValidationError) as exc:
        actions.create_task(None, government=c.town_gov, agency=c.police, school=world.b1, title="越界",
                            deadline=NEXT_WEEK)
    assert "乙镇小学" in exc.value.message_dict["school"][0]


def test_it_refuses_closing_without_evidence(c, liaison):
    # given an accepted task
    actions.accept_task(liaison, c.task)
    # when the liaison closes it with neither text nor an attachment or note
    with pytest.raises(ValidationError) as exc:
        actions.close_task(liaison, c.task, evidence="")
    # then both missing pieces are named
    assert "办结情况" in exc.value.message_dict["evidence"][0]
    assert "佐证" in exc.value.message_dict["attachments"][0]
    c.task.refresh_from_db()
    assert c.task.status == TaskStatus.ACCEPTED


def test_it_accepts_a_note_as_evidence_instead_of_an_attachment(c, liaison):
    actions.accept_task(liaison, c.task)
    actions.close_task(liaison, c.task, evidence="已整治", note="派出所出警记录第12号")
    assert c.task.status == TaskStatus.DONE


def test_it_refuses_closing_before_accepting(c, liaison):
    with pytest.raises(ValidationError) as exc:
        actions.close_task(liaison, c.task, evidence="已整治", note="记录")
    assert "已交办" in exc.value.message_dict["status"][0]


def test_it_returns_a_task_and_lets_the_agency_close_it_again(c, liaison):
    actions.accept_task(liaison, c.task)
    actions.close_task(liaison, c.task, evidence="已整治", note="记录")
    with refused("note"):
        actions.return_task(None, c.task, note="")
    actions.return_task(None, c.task, note="现场仍有摊贩")
    actions.close_task(liaison, c.task, evidence="再次整治", note="记录2")
    assert c.task.status == TaskStatus.DONE


def test_it_lets_only_the_agency_side_accept_and_only_the_chief_side_verify(world, c, town_chief, liaison):
    # given a school admin and the town chief, neither on the agency side
    with pytest.raises(PermissionDenied):
        actions.accept_task(world.users["school_admin"], c.task)
    with pytest.raises(PermissionDenied):
        actions.accept_task(town_chief, c.task)
    actions.accept_task(liaison, c.task)
    actions.close_task(liaison, c.task, evidence="已整治", note="记录")
    # then the liaison cannot verify its own work
    with pytest.raises(PermissionDenied):
        actions.verify_task(liaison, c.task)


def test_it_shows_a_liaison_only_its_own_agencys_tasks(world, c, liaison):
    other = actions.create_task(None, government=c.gov_a, agency=_agency(world, c, "甲县消防救援大队"),
                                title="消防通道", deadline=NEXT_WEEK)
    visible = set(AgencyTask.objects.visible_to(liaison))
    assert c.task in visible
    assert other not in visible
    assert c.task_b not in visible


def test_it_shows_a_school_its_tasks_without_letting_it_change_them(world, c):
    user = world.users["school_admin"]
    assert c.task in AgencyTask.objects.visible_to(user)
    assert c.task not in AgencyTask.objects.writable_by(user)


def test_it_escalates_overdue_tasks_once(c):
    # given a task past its deadline
    AgencyTask.objects.filter(pk=c.task.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    # when the escalation runs twice
    first = actions.escalate_overdue(TODAY)
    second = actions.escalate_overdue(TODAY)
    # then one escalation event names the chief
    assert (first, second) == (1, 0)
    event = TaskEvent.objects.get(task=c.task, action="escalated")
    assert "甲县长" in event.note


def test_it_refuses_a_gate_check_in_outside_the_slot(world, c):
    # given a Monday 07:00–08:00 slot for a1's principal
    slot = actions.save_duty(None, None, school=world.a1, person=world.people["a1_principal"], weekday=0,
                             starts_at=datetime.time(7, 0), ends_at=datetime.time(8, 0), role="school")
    user = world.users["school_admin"]
    monday = timezone.make_aware(datetime.datetime(2026, 11, 16, 9, 30))
    # when the principal checks in at 09:30
    with pytest.raises(ValidationError) as exc:
        actions.check_in(user, slot, now=monday, code=c.gate.secret)
    # then the message names the slot and the time
    assert "不在值守时段内" in exc.value.message_dict["at"][0]
    assert "07:00–08:00" in exc.value.message_dict["at"][0]
    actions.check_in(user, slot, now=monday.replace(hour=7, minute=20), code=c.gate.secret)
    assert GateCheckIn.objects.filter(duty=slot).count() == 1


def test_it_lets_only_the_rostered_person_check_in(world, c):
    with pytest.raises(PermissionDenied):
        actions.check_in(world.users["bureau_admin"], c.duties[TODAY.weekday()])


def test_it_refuses_a_slot_that_ends_before_it_starts(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_duty(None, None, school=world.a1, person=world.people["a1_principal"], weekday=1,
                          starts_at=datetime.time(8, 0), ends_at=datetime.time(7, 0))
    assert "结束时间" in exc.value.message_dict["ends_at"][0]


def test_it_computes_weekly_coverage(world, c):
    start = week_start(TODAY)
    actions.check_in(world.users["school_admin"], c.duties[TODAY.weekday()], code=c.gate.secret)
    [row] = coverage([world.a1], start, TODAY)
    assert row.slots == TODAY.weekday() + 1
    assert row.covered == 1


def test_it_shows_the_plenary_meeting_done_or_missing_per_year(c):
    rows = plenary_by_year(c.gov_a, years=2, today=TODAY)
    assert [r.state for r in rows] == ["missing", "done"]


def test_it_shows_missing_town_monthly_meetings(c):
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    actions.save_meeting(None, None, government=c.town_gov, kind=MeetingKind.TOWN_MONTHLY, held_on=last_month,
                         title="例会")
    rows = monthly_by_month(c.town_gov, months=3, today=TODAY)
    assert [r.state for r in rows] == ["missing", "done", "pending"]


def test_it_refuses_a_town_monthly_meeting_of_the_district(c):
    with pytest.raises(ValidationError) as exc:
        actions.save_meeting(None, None, government=c.gov_a, kind=MeetingKind.TOWN_MONTHLY, held_on=TODAY,
                             title="例会")
    assert "镇" in exc.value.message_dict["kind"][0]


def test_it_records_a_meeting_as_an_obligations_activity(c):
    meeting = actions.save_meeting(None, None, government=c.gov_a, kind=MeetingKind.PLENARY, held_on=TODAY,
                                   title="全体会议", chair=c.district_chief, agencies=[c.police])
    from anxiao.obligations.models import Activity

    assert ChiefMeeting.objects.get(pk=meeting.pk).activity_id is not None
    assert Activity.objects.get(pk=meeting.activity_id).kind == "chief_meeting"


def _agency(world, c, name):
    from anxiao.chiefs.models import MemberAgency
    from anxiao.core.choices import UnitKind
    from anxiao.org.models import Unit

    unit = Unit.objects.create(name=name, kind=UnitKind.MEMBER_AGENCY, region=world.county_a, parent=c.gov_a)
    MemberAgency.objects.create(unit=unit, district=c.gov_a)
    return unit


def test_it_reports_what_the_escalation_command_escalated(c):
    from io import StringIO

    from django.core.management import call_command

    # given one overdue task
    AgencyTask.objects.filter(pk=c.task.pk).update(deadline=TODAY - datetime.timedelta(days=3))
    out = StringIO()
    # when the command runs
    call_command("chief_escalate", stdout=out)
    # then it says so and the task carries the escalation time
    assert "1 项" in out.getvalue()
    c.task.refresh_from_db()
    assert c.task.escalated_at is not None


def test_it_leaves_todays_slots_that_have_not_begun_out_of_coverage(world):
    # given a 07:00–08:00 slot today and nothing else at b1
    actions.save_duty(None, None, school=world.b1, person=world.people["b1_principal"], weekday=TODAY.weekday(),
                      starts_at=datetime.time(7, 0), ends_at=datetime.time(8, 0))
    # when coverage is computed at 06:00 and at 09:00
    [early] = coverage([world.b1], week_start(TODAY), TODAY, now=datetime.time(6, 0))
    [late] = coverage([world.b1], week_start(TODAY), TODAY, now=datetime.time(9, 0))
    # then the slot counts only once it has begun
    assert (early.slots, late.slots) == (0, 1)
    assert late.percent == 0


def test_it_stops_counting_a_voided_plenary_meeting(c):
    # given this year's plenary meeting, also recorded as an obligations activity
    meeting = actions.save_meeting(None, None, government=c.gov_a, kind=MeetingKind.PLENARY, held_on=TODAY,
                                   title="全体会议（误录）")
    actions.void_meeting(None, c.meeting, "演示数据")
    # when it is voided without and then with a reason
    with pytest.raises(ValidationError) as exc:
        actions.void_meeting(None, meeting, "")
    assert "作废原因" in exc.value.message_dict["void_reason"][0]
    actions.void_meeting(None, meeting, "重复录入")
    # then this year shows the meeting missing again, and the activity is voided too
    from anxiao.obligations.models import Activity

    assert plenary_by_year(c.gov_a, years=1, today=TODAY)[0].state == "pending"
    assert Activity.objects.get(pk=meeting.activity_id).voided_at is not None
