# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import can_write, get_visible_or_404, resolve_many
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, Year
from anxiao.obligations.models import ActivityKind
from anxiao.org.models import Post, Unit

from . import actions, coverage, filters, safedays
from .models import EducationRecord
from .views import safety_day_rows, visible_schools

router = Router(tags=["education"], auth=AUTH)


class RecordOut(Schema):
    id: int
    kind: str
    school_id: int
    occurred_on: datetime.date
    days: int
    topic: str
    class_post_id: int | None
    class_name: str
    module: str
    safety_content: str
    speaker_post_id: int | None
    speaker_name: str
    speaker_role: str
    safety_day: str
    participant_count: int | None
    notes: str
    guard_ids: list[int]
    attendance: list[dict[str, Any]]
    activity_ids: list[int]
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return obj.class_post.class_name if obj.class_post_id else ""

    @staticmethod
    def resolve_guard_ids(obj: Any) -> list[int]:
        return [g.pk for g in obj.guards.all()]

    @staticmethod
    def resolve_attendance(obj: Any) -> list[dict[str, Any]]:
        return [{"person_id": a.person_id, "present": a.present} for a in obj.attendance.all()]

    @staticmethod
    def resolve_activity_ids(obj: Any) -> list[int]:
        return [link.activity_id for link in obj.links.all()]

    @staticmethod
    def resolve_voided(obj: Any) -> bool:
        return obj.is_voided


class Base(Schema):
    school_id: int
    occurred_on: datetime.date
    topic: str
    notes: str = ""


class LessonIn(Schema):
    class_post_id: int
    occurred_on: datetime.date
    module: str
    topic: str
    participant_count: int | None = None
    notes: str = ""


class ParentMeetingIn(Base):
    safety_content: str
    class_post_id: int | None = None
    participant_count: int | None = None


class LectureIn(Base):
    speaker_name: str
    speaker_role: str = ""
    module: str = ""
    participant_count: int | None = None


class StaffAttendanceIn(Schema):
    """One row of a staff training's sign-in sheet: a person of the school, present or not."""

    person_id: int
    present: bool = True


class StaffTrainingIn(Base):
    speaker_name: str = ""
    attendance: list[StaffAttendanceIn]


class GuardTrainingIn(Base):
    days: int
    guard_ids: list[int]
    speaker_name: str = ""


class LegalClassIn(Base):
    speaker_post_id: int | None = None
    speaker_name: str = ""
    speaker_role: str = ""
    module: str = ""
    participant_count: int | None = None


class SafetyDayIn(Base):
    safety_day: str
    module: str = ""
    participant_count: int | None = None


class EducationVoidIn(Schema):
    reason: str


class AttendanceIn(Schema):
    person_id: int
    present: bool


def _qs(request: HttpRequest) -> Any:
    return (EducationRecord.objects.visible_to(request.user).select_related("class_post")
            .prefetch_related("guards", "attendance", "links"))


def _school(request: HttpRequest, pk: int) -> Unit:
    found = visible_schools(request.user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"school_id": [f"编号为 {pk} 的学校不存在或不可见"]})
    return found


def _post(request: HttpRequest, pk: int | None, field: str) -> Post | None:
    if pk is None:
        return None
    found = Post.objects.select_related("unit", "holder").filter(pk=pk).first()
    # A homeroom teacher may name their own class even without the right to see every post of the school.
    if found is None or not (Post.objects.visible_to(request.user).filter(pk=pk).exists()
                             or found.holder_id and found.holder_id == getattr(request.user, "person_id", None)):
        raise ValidationError({field: [f"编号为 {pk} 的岗位不存在或不可见"]})
    return found


def _save(request: HttpRequest, kind: str, school: Unit, payload: Any, **extra: Any) -> Any:
    data = payload.dict()
    data.pop("school_id", None)
    data.pop("class_post_id", None)
    data.pop("speaker_post_id", None)
    data.pop("guard_ids", None)
    data.pop("attendance", None)
    rec = actions.record(request.user, kind=kind, school=school, **data, **extra)
    return 201, _qs(request).get(pk=rec.pk)


RESPONSES = {201: RecordOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/education/records", response=list[RecordOut], operation_id="education_records_list")
@paginate(LimitOffsetPagination)
def list_records(request: HttpRequest, filters_: Query[filters.RecordFilter]):  # type: ignore[no-untyped-def]
    return filters_.apply(_qs(request))


@router.get("/education/records/{int:pk}", response={200: RecordOut, 404: ErrorOut}, operation_id="education_records_get")
def get_record(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(_qs(request), request.user, pk=pk)


@router.post("/education/records/{int:pk}/void", response={200: RecordOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             operation_id="education_records_void")
def void_record(request: HttpRequest, pk: int, payload: EducationVoidIn):  # type: ignore[no-untyped-def]
    rec = get_visible_or_404(_qs(request).select_related("school"), request.user, pk=pk)
    if not can_write(request.user, rec):
        raise PermissionDenied("您只能查看该记录，不能作废")
    actions.void(request.user, rec, payload.reason)
    return _qs(request).get(pk=pk)


@router.post("/education/records/{int:pk}/attendance",
             response={200: RecordOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             operation_id="education_records_attendance")
def set_attendance(request: HttpRequest, pk: int, payload: AttendanceIn):  # type: ignore[no-untyped-def]
    """Mark one of the school's people present or absent at a staff training (a late sign-in, or one signed in
    by mistake); the slots crediting those who attended are counted again."""
    rec = get_visible_or_404(_qs(request).select_related("school"), request.user, pk=pk)
    if not can_write(request.user, rec):
        raise PermissionDenied("您只能查看该记录，不能修改签到")
    actions.set_attendance(request.user, rec, payload.person_id, payload.present)
    return _qs(request).get(pk=pk)


@router.post("/education/lessons", response=RESPONSES, operation_id="education_lessons_create")
def create_lesson(request: HttpRequest, payload: LessonIn):  # type: ignore[no-untyped-def]
    post = _post(request, payload.class_post_id, "class_post")
    assert post is not None
    school = post.unit if post.unit.kind == "school" else post.unit.parent
    if school is None:
        raise ValidationError({"class_post": ["班级须是本校的班主任岗位（已填写班级名称）"]})
    return _save(request, ActivityKind.SAFETY_LESSON, school, payload, class_post=post)


@router.post("/education/parent-meetings", response=RESPONSES, operation_id="education_parent_meetings_create")
def create_parent_meeting(request: HttpRequest, payload: ParentMeetingIn):  # type: ignore[no-untyped-def]
    school = _school(request, payload.school_id)
    return _save(request, ActivityKind.PARENT_MEETING, school, payload,
                 class_post=_post(request, payload.class_post_id, "class_post"))


@router.post("/education/lectures", response=RESPONSES, operation_id="education_lectures_create")
def create_lecture(request: HttpRequest, payload: LectureIn):  # type: ignore[no-untyped-def]
    return _save(request, ActivityKind.LECTURE, _school(request, payload.school_id), payload)


@router.post("/education/staff-trainings", response=RESPONSES, operation_id="education_staff_trainings_create")
def create_staff_training(request: HttpRequest, payload: StaffTrainingIn):  # type: ignore[no-untyped-def]
    school = _school(request, payload.school_id)
    sheet = {row.person_id: row.present for row in payload.attendance}
    return _save(request, ActivityKind.STAFF_TRAINING, school, payload, attendance=sheet)


@router.post("/education/guard-trainings", response=RESPONSES, operation_id="education_guard_trainings_create")
def create_guard_training(request: HttpRequest, payload: GuardTrainingIn):  # type: ignore[no-untyped-def]
    from anxiao.staffing.models import Guard

    school = _school(request, payload.school_id)
    guards = resolve_many(Guard.objects.select_related("profile"), request.user, payload.guard_ids, "guards")
    return _save(request, ActivityKind.GUARD_TRAINING, school, payload, guards=guards)


@router.post("/education/legal-classes", response=RESPONSES, operation_id="education_legal_classes_create")
def create_legal_class(request: HttpRequest, payload: LegalClassIn):  # type: ignore[no-untyped-def]
    school = _school(request, payload.school_id)
    return _save(request, ActivityKind.LEGAL_EDUCATION, school, payload,
                 speaker_post=_post(request, payload.speaker_post_id, "speaker_post"))


@router.post("/education/safety-day-records", response=RESPONSES, operation_id="education_safety_days_create")
def create_safety_day_record(request: HttpRequest, payload: SafetyDayIn):  # type: ignore[no-untyped-def]
    return _save(request, ActivityKind.SAFETY_DAY_EDUCATION, _school(request, payload.school_id), payload)


class ClassOut(Schema):
    post_id: int
    class_name: str
    lessons: int
    modules: list[str]
    missing_modules: list[str]
    this_week: bool


class EducationCoverageOut(Schema):
    school_id: int
    school: str
    term: str
    term_start: datetime.date
    term_end: datetime.date
    classes: list[ClassOut]
    classes_without_lesson_this_week: list[str]
    counts: dict[str, int]
    quota: dict[str, int]
    staff_trainings: list[dict[str, Any]]
    guards: list[dict[str, Any]]
    safety_days: list[dict[str, Any]]
    shortfalls: list[str]


class RollupOut(Schema):
    school_id: int
    school: str
    counts: dict[str, int]
    quota: dict[str, int]
    classes: int
    classes_without_lesson: int
    shortfalls: list[str]


def _day_row(r: coverage.SafetyDayRow) -> dict[str, Any]:
    return {"code": r.day.code, "name": r.day.name, "date": r.on.isoformat(), "status": r.status,
            "record_ids": [rec.pk for rec in r.records]}


@router.get("/education/coverage", response=list[RollupOut], operation_id="education_coverage_list")
def coverage_rollup(request: HttpRequest):  # type: ignore[no-untyped-def]
    rows = coverage.rollup(visible_schools(request.user), timezone.localdate())
    return [{"school_id": r.school.pk, "school": r.school.name, "counts": r.counts, "quota": r.quota,
             "classes": r.classes, "classes_without_lesson": r.classes_without_lesson, "shortfalls": r.shortfalls}
            for r in rows]


@router.get("/education/coverage/{int:school_id}", response={200: EducationCoverageOut, 404: ErrorOut},
            operation_id="education_coverage_get")
def school_coverage(request: HttpRequest, school_id: int, on: datetime.date | None = None):  # type: ignore[no-untyped-def]
    school = get_visible_or_404(visible_schools(request.user), request.user, pk=school_id)
    today = timezone.localdate()
    cov = coverage.school_coverage(school, on or today, today)
    return {
        "school_id": school.pk, "school": school.name, "term": cov.term.key, "term_start": cov.term.start,
        "term_end": cov.term.end,
        "classes": [{"post_id": c.post.pk, "class_name": c.post.class_name, "lessons": c.lessons,
                     "modules": sorted(c.modules), "missing_modules": c.missing, "this_week": c.this_week}
                    for c in cov.classes],
        "classes_without_lesson_this_week": [c.post.class_name for c in cov.classes_without_lesson_this_week],
        "counts": {k: cov.count(k) for k in (ActivityKind.SAFETY_LESSON, *coverage.TERM_KINDS)},
        "quota": cov.quota,
        "staff_trainings": [{"record_id": r.pk, "occurred_on": r.occurred_on.isoformat(), "present": p, "total": t,
                             "rate": round(p / t, 3) if t else None} for r, p, t in cov.trainings],
        "guards": [{"guard_id": g.pk, "name": g.name, "days": d} for g, d in cov.guards],
        "safety_days": [_day_row(r) for r in cov.safety_days],
        "shortfalls": cov.shortfalls,
    }


@router.get("/education/safety-days", response=list[dict[str, Any]], operation_id="education_safety_days_list")
def safety_days(request: HttpRequest, year: Year | None = None):  # type: ignore[no-untyped-def]
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["年份应在 2000–2100 之间"]})
    return [{"code": d.code, "name": d.name, "date": on.isoformat(), "rule": d.rule, "source": d.source}
            for d, on in safedays.days_in(year)]


@router.get("/education/safety-days/{int:school_id}", response={200: list[dict[str, Any]], 404: ErrorOut, 422: ErrorOut},
            operation_id="education_safety_days_get")
def school_safety_days(request: HttpRequest, school_id: int, year: Year | None = None):  # type: ignore[no-untyped-def]
    school = get_visible_or_404(visible_schools(request.user), request.user, pk=school_id)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": ["年份应在 2000–2100 之间"]})
    return [_day_row(r) for r in safety_day_rows(school, year, timezone.localdate())]
