# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404, resolve_many
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, crud_routes
from anxiao.core.choices import UnitKind
from anxiao.org.models import Person, Post, Unit

from . import actions, filters
from .duties import chief_duties, duty_list
from .models import CHIEF_KINDS, AgencyTask, ChiefMeeting, GateDuty, MemberAgency
from .summary import (
    chief_context,
    coverage,
    routable_agencies,
    routable_governments,
    visible_hazards,
    week_start,
)

router = Router(tags=["chiefs"])


# --- chief posts and agencies ------------------------------------------------------------------


class ChiefPostOut(Schema):
    id: int
    kind: str
    title: str
    government_id: int
    government: str
    region_id: int
    region: str
    holder_id: int | None
    holder: str | None


def _post_out(p: Post) -> dict[str, Any]:
    return {"id": p.pk, "kind": p.kind, "title": p.title, "government_id": p.unit_id, "government": p.unit.name,
            "region_id": p.unit.region_id, "region": p.unit.region.name, "holder_id": p.holder_id,
            "holder": p.holder.name if p.holder else None}


class PeriodOut(Schema):
    label: str
    count: int
    state: str


class ChiefCoverageOut(Schema):
    school_id: int
    school: str
    slots: int
    covered: int
    percent: int | None


class ChiefDetailOut(ChiefPostOut):
    school_ids: list[int]
    duties: list[str]
    tasks_by_status: dict[str, int]
    meeting_requirement: list[PeriodOut]
    gate_duty_week: datetime.date
    gate_duty_coverage: list[ChiefCoverageOut]


def _chief_posts(request: HttpRequest) -> Any:
    return (Post.objects.visible_to(request.user).filter(kind__in=CHIEF_KINDS, is_active=True)
            .select_related("unit__region", "holder"))


@router.get("/chiefs/posts", response=list[ChiefPostOut], auth=AUTH, operation_id="chiefs_posts_list")
@paginate(LimitOffsetPagination)
def list_chief_posts(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_post_out(p) for p in _chief_posts(request).order_by("unit__region_path", "kind")]


def _cover_out(rows: Any) -> list[dict[str, Any]]:
    return [{"school_id": r.school.pk, "school": r.school.name, "slots": r.slots, "covered": r.covered,
             "percent": r.percent} for r in rows]


@router.get("/chiefs/posts/{int:pk}", response={200: ChiefDetailOut, 404: ErrorOut}, auth=AUTH,
            operation_id="chiefs_posts_get")
def get_chief_post(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    post = get_visible_or_404(_chief_posts(request), request.user, pk=pk)
    ctx = chief_context(request.user, post)
    duties = chief_duties(post.kind, post.unit) or {"duties": []}
    return {**_post_out(post), "school_ids": [s.pk for s in ctx["schools"]],
            "duties": [d["text"] for d in duties["duties"]],
            "tasks_by_status": {s.value: n for s, n in ctx["status_counts"]},
            "meeting_requirement": [{"label": r.label, "count": r.count, "state": r.state} for r in ctx["requirement"]],
            "gate_duty_week": ctx["week"], "gate_duty_coverage": _cover_out(ctx["coverage"])}


class AgencyOut(Schema):
    id: int
    unit_id: int
    name: str
    district_id: int
    duty_list: str
    duties_to_be_completed: bool
    duties: list[str]
    member: str | None
    liaison: str | None


def _agency_out(a: MemberAgency) -> dict[str, Any]:
    duties = duty_list(a.duty_list, a.unit) or {}
    posts = {p.kind: p for p in a.unit.posts.all() if p.is_active}
    member, liaison = posts.get("agency_member"), posts.get("agency_liaison")
    return {"id": a.pk, "unit_id": a.unit_id, "name": a.unit.name, "district_id": a.district_id,
            "duty_list": a.duty_list, "duties_to_be_completed": bool(duties.get("to_be_completed")),
            "duties": [d["text"] for d in duties.get("duties", [])],
            "member": member.holder.name if member and member.holder else None,
            "liaison": liaison.holder.name if liaison and liaison.holder else None}


def _agencies(request: HttpRequest) -> Any:
    return MemberAgency.objects.visible_to(request.user).select_related("unit").prefetch_related("unit__posts__holder")


@router.get("/chiefs/agencies", response=list[AgencyOut], auth=AUTH, operation_id="chiefs_agencies_list")
@paginate(LimitOffsetPagination)
def list_agencies(request: HttpRequest, filters_: Query[filters.AgencyFilter]):  # type: ignore[no-untyped-def]
    return [_agency_out(a) for a in filters_.apply(_agencies(request))]


@router.get("/chiefs/agencies/{int:pk}", response={200: AgencyOut, 404: ErrorOut}, auth=AUTH,
            operation_id="chiefs_agencies_get")
def get_agency(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return _agency_out(get_visible_or_404(_agencies(request), request.user, pk=pk))


# --- meetings ----------------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    government_id: int
    kind: str
    held_on: datetime.date
    title: str
    chair_id: int | None
    minutes: str
    decisions: str
    agency_ids: list[int]
    activity_id: int | None

    @staticmethod
    def resolve_agency_ids(obj: ChiefMeeting) -> list[int]:
        return [a.pk for a in obj.agencies.all()]


class MeetingIn(Schema):
    government_id: int
    kind: str
    held_on: datetime.date
    title: str
    chair_id: int | None = None
    minutes: str = ""
    decisions: str = ""
    agency_ids: list[int] = []
    attendee_ids: list[int] = []


class MeetingPatch(Schema):
    title: str | None = None
    held_on: datetime.date | None = None
    minutes: str | None = None
    decisions: str | None = None
    agency_ids: list[int] | None = None


def _visible_ids(model: Any, user: Any, ids: list[int], field: str, **extra: Any) -> list[Any]:
    return resolve_many(model.objects.filter(**extra), user, ids, field, "记录")


def _save_meeting(actor, obj, **data):  # type: ignore[no-untyped-def]
    if data.get("agency_ids") is not None:
        data["agencies"] = _visible_ids(Unit, actor, data.pop("agency_ids"), "agencies", kind=UnitKind.MEMBER_AGENCY)
    data.pop("agency_ids", None)
    if data.get("attendee_ids") is not None:
        data["attendees"] = _visible_ids(Person, actor, data.pop("attendee_ids"), "attendees")
    data.pop("attendee_ids", None)
    return actions.save_meeting(actor, obj, **data)


crud_routes(router, "chiefs/meetings", ChiefMeeting, MeetingOut, MeetingIn, MeetingPatch, filters.MeetingFilter, _save_meeting, select_related=("government",))


class ChiefVoidIn(Schema):
    void_reason: str = ""


@router.post("/chiefs/meetings/{int:pk}/void", response={200: MeetingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_meetings_void")
def void_meeting(request: HttpRequest, pk: int, payload: ChiefVoidIn):  # type: ignore[no-untyped-def]
    if not actions.may_route_somewhere(request.user):
        raise PermissionDenied(actions.NO_RIGHT)
    meeting = get_visible_or_404(ChiefMeeting.objects.all(), request.user, pk=pk)
    return actions.void_meeting(request.user, meeting, payload.void_reason)


# --- tasks -------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    government_id: int
    agency_id: int
    school_id: int | None
    source: str
    meeting_id: int | None
    hazard_kind: str
    hazard_id: int | None
    title: str
    description: str
    deadline: datetime.date
    status: str
    evidence: str
    evidence_note: str
    escalated_at: datetime.datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: AgencyTask) -> bool:
        return obj.is_overdue()


class TaskEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_repr: str
    note: str
    created_at: datetime.datetime


class TaskDetailOut(TaskOut):
    events: list[TaskEventOut]
    attachments: list[str]

    @staticmethod
    def resolve_events(obj: AgencyTask) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_attachments(obj: AgencyTask) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class TaskIn(Schema):
    government_id: int
    agency_id: int
    school_id: int | None = None
    source: str = "other"
    meeting_id: int | None = None
    hazard_kind: str = ""
    hazard_id: int | None = None
    title: str
    description: str = ""
    deadline: datetime.date


class NoteIn(Schema):
    note: str = ""


class GateCheckInIn(Schema):
    note: str = ""
    code: str = ""  # read from the gate's QR code (the ``k`` of its address): the proof of presence


class CloseIn(Schema):
    evidence: str = ""
    note: str = ""


def _tasks(request: HttpRequest) -> Any:
    return AgencyTask.objects.visible_to(request.user).select_related("government", "agency", "school")


@router.get("/chiefs/tasks", response=list[TaskOut], auth=AUTH, operation_id="chiefs_tasks_list")
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest, filters_: Query[filters.TaskFilter]):  # type: ignore[no-untyped-def]
    return filters_.apply(_tasks(request))


@router.get("/chiefs/tasks/{int:pk}", response={200: TaskDetailOut, 404: ErrorOut}, auth=AUTH,
            operation_id="chiefs_tasks_get")
def get_task(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(_tasks(request), request.user, pk=pk)


def _one(qs: Any, pk: int | None, field: str, label: str) -> Any:
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [f"编号为 {pk} 的{label}不存在或不可见"]})
    return obj


@router.post("/chiefs/tasks", response={201: TaskDetailOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="chiefs_tasks_create")
def create_task(request: HttpRequest, payload: TaskIn):  # type: ignore[no-untyped-def]
    user = request.user
    if not actions.may_route_somewhere(user):
        raise PermissionDenied("只有总校(园)长或总校(园)长制办公室可以交办任务")
    data = payload.dict()
    task = actions.create_task(
        user,
        government=_one(routable_governments(user), data["government_id"], "government", "政府"),
        # A visible agency outside the government's region reaches the action, which says why it is refused.
        agency=_one(routable_agencies(user) | Unit.objects.visible_to(user).filter(kind=UnitKind.MEMBER_AGENCY),
                    data["agency_id"], "agency", "成员单位"),
        school=_one(Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL), data["school_id"], "school", "学校"),
        meeting=_one(ChiefMeeting.objects.visible_to(user), data["meeting_id"], "meeting", "会议"),
        hazard=_one(visible_hazards(user), data["hazard_id"], "hazard", "隐患") if data["hazard_id"] else None,
        source=data["source"], hazard_kind=data["hazard_kind"], title=data["title"],
        description=data["description"], deadline=data["deadline"],
    )
    return 201, task


def _transition(request: HttpRequest, pk: int, fn: Any, **kwargs: Any) -> Any:
    task = get_visible_or_404(_tasks(request), request.user, pk=pk)
    return fn(request.user, task, **kwargs)


@router.post("/chiefs/tasks/{int:pk}/accept", response={200: TaskDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_tasks_accept")
def accept_task(request: HttpRequest, pk: int, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _transition(request, pk, actions.accept_task, note=payload.note)


@router.post("/chiefs/tasks/{int:pk}/close", response={200: TaskDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_tasks_close")
def close_task(request: HttpRequest, pk: int, payload: CloseIn):  # type: ignore[no-untyped-def]
    return _transition(request, pk, actions.close_task, evidence=payload.evidence, note=payload.note)


@router.post("/chiefs/tasks/{int:pk}/verify", response={200: TaskDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_tasks_verify")
def verify_task(request: HttpRequest, pk: int, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _transition(request, pk, actions.verify_task, note=payload.note)


@router.post("/chiefs/tasks/{int:pk}/return", response={200: TaskDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_tasks_return")
def return_task(request: HttpRequest, pk: int, payload: NoteIn):  # type: ignore[no-untyped-def]
    return _transition(request, pk, actions.return_task, note=payload.note)


# --- gate duty ---------------------------------------------------------------------------------


class ChiefDutyOut(Schema):
    id: int
    school_id: int
    person_id: int
    role: str
    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time
    place: str
    is_active: bool


class ChiefDutyIn(Schema):
    school_id: int
    person_id: int
    role: str = "police"
    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time
    place: str = "校门口"


class ChiefDutyPatch(Schema):
    person_id: int | None = None
    weekday: int | None = None
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    place: str | None = None
    is_active: bool | None = None


class ChiefCheckInOut(Schema):
    id: int
    duty_id: int
    person_id: int
    at: datetime.datetime
    on: datetime.date


crud_routes(router, "chiefs/duties", GateDuty, ChiefDutyOut, ChiefDutyIn, ChiefDutyPatch, filters.DutyFilter, actions.save_duty, select_related=("school", "person"))


@router.post("/chiefs/duties/{int:pk}/checkin", response={201: ChiefCheckInOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="chiefs_duties_checkin")
def duty_checkin(request: HttpRequest, pk: int, payload: GateCheckInIn):  # type: ignore[no-untyped-def]
    duty = get_visible_or_404(GateDuty.objects.all(), request.user, pk=pk)
    return 201, actions.check_in(request.user, duty, note=payload.note, code=payload.code)


class CoverageFilter(Schema):
    week: datetime.date | None = None


@router.get("/chiefs/coverage", response=list[ChiefCoverageOut], auth=AUTH, operation_id="chiefs_coverage")
@paginate(LimitOffsetPagination)
def duty_coverage(request: HttpRequest, filters_: Query[CoverageFilter]):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    today = timezone.localdate()
    start = week_start(filters_.week or today)
    schools = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("pk")
    return _cover_out(coverage(schools, start, today))
