"""Chief-system operations. Views, the API, the demo and the CLI change chiefs records only here."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import write_scope
from anxiao.core.choices import RegionLevel, UnitKind
from anxiao.core.files import check_attachment_name as files_check_name
from anxiao.core.files import checked_attachments
from anxiao.org.models import Person, Post, Unit

from .models import (
    AGENCY_POST_KINDS,
    CHIEF_KINDS,
    WEEKDAYS,
    WORKING,
    AgencyTask,
    ChiefMeeting,
    GateCheckIn,
    GateDuty,
    MeetingKind,
    MemberAgency,
    TaskAttachment,
    TaskEvent,
    TaskSource,
    TaskStatus,
)

NO_RIGHT = "您没有在该范围内修改的权限"
ALLOWED_ATTACHMENT_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "heic", "pdf", "doc", "docx", "xls", "xlsx",
                                 "txt", "mp4")




def _person_id(actor: Any) -> int | None:
    return getattr(actor, "person_id", None) if actor is not None else None


def _actor_repr(actor: Any) -> str:
    if actor is None:
        return "系统"
    person = getattr(actor, "person", None)
    return person.name if person is not None else actor.get_username()


def chief_posts_of(actor: Any) -> Any:
    """The chief posts the actor holds (a chief may act without write rights over the region)."""
    person_id = _person_id(actor)
    if not person_id:
        return Post.objects.none()
    return Post.objects.filter(holder_id=person_id, kind__in=CHIEF_KINDS, is_active=True).select_related("unit")


def is_chief_over(actor: Any, government: Unit) -> bool:
    """Whether the actor holds a chief post of this government or of one whose region contains it."""
    return any(government.region_path.startswith(p.unit.region_path) for p in chief_posts_of(actor))


def may_route(actor: Any, government: Unit) -> bool:
    """The chief's office (write rights over the government) or the chief in person."""
    return write_scope(actor).covers_unit(government) or is_chief_over(actor, government)


def may_route_somewhere(actor: Any) -> bool:
    return not write_scope(actor).empty or chief_posts_of(actor).exists()


def is_agency_staff(actor: Any, agency: Unit) -> bool:
    person_id = _person_id(actor)
    return bool(person_id) and Post.objects.filter(
        unit=agency, kind__in=AGENCY_POST_KINDS, holder_id=person_id, is_active=True
    ).exists()


def may_work(actor: Any, task: AgencyTask) -> bool:
    return write_scope(actor).covers_unit(task.agency) or is_agency_staff(actor, task.agency)


def _related_regions(a: Unit, b: Unit) -> bool:
    """One unit's region contains the other's: a district agency serves every town in the district."""
    return a.region_path.startswith(b.region_path) or b.region_path.startswith(a.region_path)


# --- member agencies -------------------------------------------------------------------------


def save_agency(actor: Any, agency: MemberAgency | None, **data: Any) -> MemberAgency:
    creating = agency is None
    agency = agency or MemberAgency()
    if not creating and not write_scope(actor).covers_unit(agency.district):
        raise PermissionDenied(NO_RIGHT)
    for key, value in data.items():
        setattr(agency, key, value)
    errors: dict[str, list[str]] = {}
    if agency.unit_id and agency.unit.kind != UnitKind.MEMBER_AGENCY:
        errors["unit"] = ["请选择类型为“成员单位”的单位"]
    if agency.district_id and agency.district.kind != UnitKind.GOVERNMENT:
        errors["district"] = ["请选择区级政府"]
    if errors:
        raise ValidationError(errors)
    if agency.district_id and not write_scope(actor).covers_unit(agency.district):
        raise PermissionDenied(NO_RIGHT)
    agency.full_clean()
    agency.save()
    return agency


# --- meetings ------------------------------------------------------------------------------


def _check_meeting(meeting: ChiefMeeting, agencies: Iterable[Unit], today: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    gov = meeting.government if meeting.government_id else None
    if gov is None or gov.kind != UnitKind.GOVERNMENT:
        errors["government"] = ["请选择召开会议的区、镇或村（社区）政府"]
    elif meeting.kind == MeetingKind.PLENARY and gov.region.level != RegionLevel.COUNTY:
        errors["kind"] = ["全体成员单位会议由区级总校(园)长召开，请选择区（县）政府"]
    elif meeting.kind == MeetingKind.TOWN_MONTHLY and gov.region.level != RegionLevel.TOWN:
        errors["kind"] = ["镇级总校(园)长例会由镇（街道）政府召开"]
    if meeting.held_on is None:
        errors["held_on"] = ["请填写会议日期"]
    elif meeting.held_on > today:
        errors["held_on"] = ["会议日期不能晚于今天：会议开过后再记录"]
    if not (meeting.title or "").strip():
        errors["title"] = ["请填写会议主题"]
    if meeting.chair_id and gov is not None and meeting.chair and meeting.chair.unit_id != gov.pk:
        errors["chair"] = ["主持人必须是该政府的岗位（总校(园)长）"]
    bad = [a.name for a in agencies if a.kind != UnitKind.MEMBER_AGENCY]
    if bad:
        errors["agencies"] = [f"以下单位不是成员单位：{'、'.join(bad)}"]
    if errors:
        raise ValidationError(errors)


def _record_activity(meeting: ChiefMeeting) -> None:
    """Count the meeting for the obligations app (activity kind chief_meeting) when it can take it."""
    try:
        from anxiao.obligations import actions as obligations
    except ImportError:  # pragma: no cover - the app is optional
        return
    try:
        activity = obligations.record_activity(
            None, kind="chief_meeting", occurred_on=meeting.held_on, unit=meeting.government,
            responsible_post=meeting.chair, title=meeting.title[:200], notes=meeting.minutes,
            record_kind="chief_meeting", evidence=_evidence(meeting), post_role="led",
            source_ref=f"chief_meeting:{meeting.pk}",
        )
    except ValidationError:
        # e.g. older than the bureau's back-dating window: the meeting record itself still counts here.
        return
    ChiefMeeting.objects.filter(pk=meeting.pk).update(activity_id=activity.pk)
    meeting.activity_id = activity.pk


def save_meeting(actor: Any, meeting: ChiefMeeting | None, *, agencies: Iterable[Unit] | None = None,
                 attendees: Iterable[Person] | None = None, today: datetime.date | None = None,
                 **data: Any) -> ChiefMeeting:
    today = today or timezone.localdate()
    creating = meeting is None
    meeting = meeting or ChiefMeeting()
    if not creating:
        if meeting.is_voided:
            raise ValidationError({"title": ["已作废的会议不能修改"]})
        if not may_route(actor, meeting.government):
            raise PermissionDenied(NO_RIGHT)
    for key, value in data.items():
        setattr(meeting, key, value)
    agency_list = list(agencies) if agencies is not None else (list(meeting.agencies.all()) if meeting.pk else [])
    _check_meeting(meeting, agency_list, today)
    if not may_route(actor, meeting.government):
        raise PermissionDenied(NO_RIGHT)
    with transaction.atomic():
        meeting.full_clean(exclude=["voided_by"])
        meeting.save()
        if agencies is not None:
            meeting.agencies.set(agency_list)
        if attendees is not None:
            meeting.attendees.set(list(attendees))
        if creating:
            _record_activity(meeting)
        elif meeting.activity_id:
            from anxiao.obligations import actions as obligations
            from anxiao.obligations.models import Activity

            activity = Activity.objects.filter(pk=meeting.activity_id, voided_at__isnull=True).first()
            if activity is not None and activity.evidence != _evidence(meeting):
                obligations.set_evidence(activity, _evidence(meeting))
    return meeting


def _evidence(meeting: ChiefMeeting) -> str:
    """A meeting proves itself by its minutes or its attendance (design.md, evidence levels)."""
    attended = meeting.pk is not None and meeting.attendees.exists()
    return "record" if (meeting.minutes or "").strip() or attended else "pending"


def void_meeting(actor: Any, meeting: ChiefMeeting, reason: str) -> ChiefMeeting:
    """A meeting recorded by mistake is voided, never deleted; it stops counting for the meeting rules."""
    if not may_route(actor, meeting.government):
        raise PermissionDenied(NO_RIGHT)
    with transaction.atomic():
        meeting.void(actor, reason)
        if meeting.activity_id:
            _void_activity(meeting)
    return meeting


def _void_activity(meeting: ChiefMeeting) -> None:
    try:
        from anxiao.obligations import actions as obligations
        from anxiao.obligations.models import Activity
    except ImportError:  # pragma: no cover - the app is optional
        return
    activity = Activity.objects.filter(pk=meeting.activity_id or 0, voided_at__isnull=True).first()
    if activity is not None:
        obligations.void_activity(None, activity, f"总校(园)长会议记录作废：{meeting.void_reason}")


# --- agency tasks --------------------------------------------------------------------------


def _event(task: AgencyTask, actor: Any, action: str, from_status: str, note: str = "",
           at: datetime.datetime | None = None) -> TaskEvent:
    """``at``: when the step was taken, if not now (a step recorded afterwards, the demo's history)."""
    event = TaskEvent.objects.create(
        task=task, action=action, from_status=from_status, to_status=task.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None, actor_repr=_actor_repr(actor),
        note=note,
    )
    if at is not None:
        event.created_at = at
        event.save(update_fields=["created_at"])
    return event


def hazard_school(hazard: Any) -> Unit | None:
    unit = hazard.unit
    if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent_id:
        unit = unit.parent
    return unit if unit.kind == UnitKind.SCHOOL else None


def create_task(actor: Any, *, government: Unit, agency: Unit, title: str, deadline: datetime.date | None,
                school: Unit | None = None, source: str = TaskSource.OTHER, meeting: ChiefMeeting | None = None,
                hazard_kind: str = "", description: str = "", hazard: Any = None,
                today: datetime.date | None = None, at: datetime.datetime | None = None) -> AgencyTask:
    """Route a task to a member agency (交办). ``hazard`` (a hazards.Hazard the caller may see) links the
    task to the hazard a school reported upward: one step from the hazard to the agency."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if hazard is not None:
        source = TaskSource.HAZARD
        school = school or hazard_school(hazard)
        hazard_kind = hazard_kind or "other"
        if not hazard.unit.region_path.startswith(government.region_path):
            errors["hazard"] = [f"该隐患所在单位不在{government.region.name}范围内"]
    if government.kind != UnitKind.GOVERNMENT:
        errors["government"] = ["请选择交办的区、镇或村（社区）政府"]
    if agency.kind != UnitKind.MEMBER_AGENCY:
        errors["agency"] = ["请选择承办的成员单位"]
    elif government.kind == UnitKind.GOVERNMENT and not _related_regions(agency, government):
        errors["agency"] = [f"“{agency.name}”不在{government.region.name}范围内，不能向其交办任务"]
    if school is not None and (school.kind != UnitKind.SCHOOL
                               or not school.region_path.startswith(government.region_path)):
        errors["school"] = [f"“{school.name}”不在{government.region.name}范围内"]
    if not (title or "").strip():
        errors["title"] = ["请填写任务内容"]
    if deadline is None:
        errors["deadline"] = ["请填写完成期限"]
    elif deadline < today:
        errors["deadline"] = ["完成期限不能早于今天"]
    if source == TaskSource.MEETING and meeting is None:
        errors["meeting"] = ["请选择作出该决定的会议"]
    if meeting is not None and not government.region_path.startswith(meeting.government.region_path):
        errors["meeting"] = ["该会议不是本级或上级总校(园)长召开的会议"]
    if source == TaskSource.HAZARD and not hazard_kind:
        errors["hazard_kind"] = ["请选择周边隐患类型"]
    if source == TaskSource.SCHOOL_REQUEST and school is None:
        errors["school"] = ["学校请求协调的任务请选择学校"]
    if source not in TaskSource.values:
        errors["source"] = ["任务来源不是有效的选项"]
    if errors or deadline is None:
        raise ValidationError(errors)
    if not may_route(actor, government):
        raise PermissionDenied("只有该级总校(园)长或总校(园)长制办公室可以交办任务")
    task = AgencyTask(government=government, agency=agency, school=school, source=source, meeting=meeting,
                      hazard_kind=hazard_kind, title=title.strip(), description=description, deadline=deadline,
                      hazard_id=hazard.pk if hazard is not None else None,
                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
    with transaction.atomic():
        task.full_clean(exclude=["created_by"])
        task.save()
        _event(task, actor, "created", "", f"交办{agency.name}，期限 {deadline}", at=at)
        if hazard is not None:
            from anxiao.hazards.actions import note_routed_task

            note_routed_task(actor, hazard, agency_name=agency.name, title=task.title, deadline=deadline, task_id=task.pk)
    _notify(_holders(agency, AGENCY_POST_KINDS), f"新交办任务：{task.title}",
            f"{government.name}交办，期限 {deadline}，请签收办理。", task, "created")
    return task


def _holders(unit: Unit, kinds: Iterable[str]) -> list[Person]:
    return [p.holder for p in Post.objects.filter(unit=unit, kind__in=kinds, is_active=True, holder__isnull=False)
            .select_related("holder") if p.holder is not None]


def _notify(people: list[Person], title: str, body: str, task: AgencyTask, key: str, robots: bool = False) -> None:
    """Queue in-app notices through the notifications app (when installed); the event rows stay the record.
    ``robots``: an escalation, heard by the bureau's group robots as well."""
    try:
        notifications = importlib.import_module("anxiao.notifications.actions")
    except ImportError:
        return
    from django.urls import reverse

    url = reverse("chiefs:task_detail", args=[task.pk])
    if robots:
        notifications.alert(people, task.government, title, body, url, key=f"chief_task:{task.pk}:{key}")
        return
    notifications.notify(people, title, body, url, key=f"chief_task:{task.pk}:{key}")


def _locked(task: AgencyTask, allowed: Iterable[str], verb: str) -> AgencyTask:
    fresh = AgencyTask.objects.select_for_update().get(pk=task.pk)
    if fresh.status not in allowed:
        raise ValidationError({"status": [f"任务当前为“{fresh.get_status_display()}”，不能{verb}"]})
    return fresh


def _copy(fresh: AgencyTask, task: AgencyTask) -> AgencyTask:
    for f in fresh._meta.concrete_fields:
        setattr(task, f.attname, getattr(fresh, f.attname))
    return task


def accept_task(actor: Any, task: AgencyTask, note: str = "", at: datetime.datetime | None = None) -> AgencyTask:
    """The agency's liaison signs for the task (签收)."""
    if not may_work(actor, task):
        raise PermissionDenied("只有承办成员单位的联络员可以签收")
    with transaction.atomic():
        fresh = _locked(task, [TaskStatus.ASSIGNED], "签收")
        fresh.status = TaskStatus.ACCEPTED
        fresh.accepted_at = at or timezone.now()
        fresh.save()
        _event(fresh, actor, "accepted", TaskStatus.ASSIGNED, note, at=at)
    return _copy(fresh, task)


def check_attachment_name(name: str) -> None:
    files_check_name(name, ALLOWED_ATTACHMENT_EXTENSIONS)


def close_task(actor: Any, task: AgencyTask, *, evidence: str, note: str = "", files: Iterable[Any] = (),
               at: datetime.datetime | None = None) -> AgencyTask:
    """The agency reports the task done (办结) with evidence: a text plus an attachment or a note."""
    if not may_work(actor, task):
        raise PermissionDenied("只有承办成员单位的联络员可以办结")
    files = list(files)
    errors: dict[str, list[str]] = {}
    if not (evidence or "").strip():
        errors["evidence"] = ["请填写办结情况"]
    if not files and not (note or "").strip():
        errors["attachments"] = ["办结需要佐证：请上传至少一个附件（照片、文书），或填写佐证说明"]
    checked = checked_attachments(files, ALLOWED_ATTACHMENT_EXTENSIONS, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = _locked(task, [TaskStatus.ACCEPTED, TaskStatus.RETURNED], "办结（请先签收）")
        before = fresh.status
        fresh.status = TaskStatus.DONE
        fresh.evidence = evidence.strip()
        fresh.evidence_note = (note or "").strip()
        fresh.done_at = at or timezone.now()
        fresh.save()
        for content in checked:
            TaskAttachment.objects.create(task=fresh, file=content, name=content.name[:200], size=content.size)
        _event(fresh, actor, "done", before, fresh.evidence, at=at)
    _notify(_holders(fresh.government, CHIEF_KINDS), f"任务已办结待核验：{fresh.title}",
            f"{fresh.agency.name}：{fresh.evidence}", fresh, f"done:{fresh.done_at:%Y%m%d%H%M%S}")
    return _copy(fresh, task)


def verify_task(actor: Any, task: AgencyTask, note: str = "", at: datetime.datetime | None = None) -> AgencyTask:
    """The chief's office checks the work and closes the loop (核验)."""
    if not may_route(actor, task.government):
        raise PermissionDenied("只有总校(园)长或总校(园)长制办公室可以核验")
    with transaction.atomic():
        fresh = _locked(task, [TaskStatus.DONE], "核验")
        fresh.status = TaskStatus.VERIFIED
        fresh.verified_at = at or timezone.now()
        fresh.save()
        _event(fresh, actor, "verified", TaskStatus.DONE, note, at=at)
    return _copy(fresh, task)


def return_task(actor: Any, task: AgencyTask, note: str, at: datetime.datetime | None = None) -> AgencyTask:
    """The office finds the work not done and sends it back to the agency (退回)."""
    if not may_route(actor, task.government):
        raise PermissionDenied("只有总校(园)长或总校(园)长制办公室可以退回")
    if not (note or "").strip():
        raise ValidationError({"note": ["请填写退回原因"]})
    with transaction.atomic():
        fresh = _locked(task, [TaskStatus.DONE], "退回")
        fresh.status = TaskStatus.RETURNED
        fresh.save()
        _event(fresh, actor, "returned", TaskStatus.DONE, note.strip(), at=at)
    return _copy(fresh, task)


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Escalate every task still with its agency after its deadline to the chief, once."""
    today = today or timezone.localdate()
    count = 0
    candidates = AgencyTask.objects.filter(status__in=WORKING, deadline__lt=today, escalated_at__isnull=True)
    for task in candidates.select_related("government", "agency"):
        with transaction.atomic():
            # Claim the row: a second worker running at the same time changes nothing.
            if AgencyTask.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=timezone.now()) != 1:
                continue
            task.refresh_from_db()
            chiefs = _holders(task.government, CHIEF_KINDS)
            names = "、".join(p.name for p in chiefs) or "总校(园)长"
            _event(task, None, "escalated", task.status,
                   f"{task.agency.name}承办的任务已过期限 {task.deadline}，提请{names}督办")
            _notify(chiefs, f"任务逾期：{task.title}",
                    f"{task.agency.name}承办的任务已过期限 {task.deadline}，请督办。", task, "escalated", robots=True)
            count += 1
    return count


def escalation_job() -> None:
    """Run by the notifications worker (registered in ChiefsConfig.ready)."""
    escalate_overdue()


# --- school-gate duty ------------------------------------------------------------------------


def save_duty(actor: Any, duty: GateDuty | None, **data: Any) -> GateDuty:
    creating = duty is None
    duty = duty or GateDuty()
    if not creating and not write_scope(actor).covers_unit(duty.school):
        raise PermissionDenied(NO_RIGHT)
    for key, value in data.items():
        setattr(duty, key, value)
    errors: dict[str, list[str]] = {}
    if not duty.school_id or duty.school.kind != UnitKind.SCHOOL:
        errors["school"] = ["请选择学校"]
    if duty.weekday is None or duty.weekday not in dict(WEEKDAYS):
        errors["weekday"] = ["请选择星期一至星期日"]
    if duty.starts_at and duty.ends_at and duty.ends_at <= duty.starts_at:
        errors["ends_at"] = ["结束时间必须晚于开始时间"]
    if errors:
        raise ValidationError(errors)
    if not write_scope(actor).covers_unit(duty.school):
        raise PermissionDenied(NO_RIGHT)
    duty.full_clean()
    duty.save()
    if duty.is_active:  # the gate sign-in needs the gate's code: the school gets its gate point now
        from anxiao.inspections.actions import gate_point

        gate_point(actor, duty.school)
    return duty


def require_rostered(actor: Any, duty: GateDuty) -> None:
    """The ``PermissionDenied`` of signing in to a slot that is not the actor's own (views ask it before the action,
    so another's slot is a 403 page and a refused sign-in a message)."""
    if not _person_id(actor) or _person_id(actor) != duty.person_id:
        raise PermissionDenied("只有排班人员本人可以签到")


def check_in(actor: Any, duty: GateDuty, now: datetime.datetime | None = None, note: str = "",
             code: str = "") -> GateCheckIn:
    """The rostered person signs in at the gate, inside the slot only, with the code of the school's gate QR (the
    proof of presence of patrol points, ``inspections.actions.prove_at_gate``). As at a patrol point, the gate's
    打卡间隔 (``min_interval_minutes``) holds between two sign-ins at the gate by the same person (two people
    rostered on one slot sign in side by side)."""
    from anxiao.inspections.actions import prove_at_gate
    from anxiao.inspections.models import PatrolPoint

    require_rostered(actor, duty)
    local = timezone.localtime(now or timezone.now())
    slot = f"{duty.get_weekday_display()} {duty.starts_at:%H:%M}–{duty.ends_at:%H:%M}"
    if not duty.is_active:
        raise ValidationError({"at": ["该排班已停用，不能签到"]})
    if local.weekday() != duty.weekday or not (duty.starts_at <= local.time() <= duty.ends_at):
        now_text = f"{dict(WEEKDAYS)[local.weekday()]} {local:%H:%M}"
        raise ValidationError({"at": [f"不在值守时段内：本岗时段为{slot}，现在是{now_text}，请在时段内签到"]})
    if GateCheckIn.objects.filter(duty=duty, on=local.date()).exists():
        raise ValidationError({"at": ["今天已在本岗签到，无需重复签到"]})
    gate = prove_at_gate(duty.school, code)
    with transaction.atomic():
        gate = PatrolPoint.objects.select_for_update().get(pk=gate.pk)  # two quick scans cannot both pass
        interval = datetime.timedelta(minutes=gate.min_interval_minutes)
        last = (GateCheckIn.objects.filter(person_id=duty.person_id, duty__school_id=duty.school_id,
                                           at__gt=local - interval, at__lte=local + interval)
                .order_by("-at").first() if interval else None)
        if last is not None:
            again = timezone.localtime(last.at + interval)
            raise ValidationError({"code": [
                f"{gate.name}每 {gate.min_interval_minutes} 分钟只记一次签到（您上次 "
                f"{timezone.localtime(last.at):%H:%M}），请 {again:%H:%M} 以后再签到"]})
        return GateCheckIn.objects.create(duty=duty, person_id=duty.person_id, at=local, on=local.date(),
                                          note=note)

