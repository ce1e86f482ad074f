"""Education operations: the only code that writes education records.

A record is counted as one obligations Activity per day through ``obligations.actions.record_activity`` (the
quotas of rules.md §1F live there), inside the same transaction as the detail, so a refusal writes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import resolve_many, resolve_visible, user_scope
from anxiao.core.audit import write_event
from anxiao.core.choices import PostKind, UnitKind
from anxiao.core.models import AuditAction
from anxiao.obligations import actions as obligations
from anxiao.obligations.models import ActivityKind
from anxiao.org.models import Person, Post, Unit

from . import safedays
from .models import EDUCATION_KINDS, Attendance, EducationRecord, Module, RecordActivity

NO_RIGHT = "您没有在该学校记录安全教育的权限"
MAX_GUARD_DAYS = 30
# Kinds a homeroom teacher records for their own class without write rights over the school.
CLASS_KINDS = (ActivityKind.SAFETY_LESSON, ActivityKind.PARENT_MEETING)


def _may_record(actor: Any, school: Unit, class_post: Post | None, kind: str) -> bool:
    if actor is None or user_scope(actor, write=True).covers_unit(school):
        return True
    person_id = getattr(actor, "person_id", None)
    return bool(kind in CLASS_KINDS and class_post is not None and person_id and class_post.holder_id == person_id)


def class_posts(school: Unit) -> Any:
    """The school's classes: active homeroom-teacher posts with a class name (also in its departments)."""
    return (Post.objects.filter(unit__path__startswith=school.path, kind=PostKind.HOMEROOM_TEACHER, is_active=True)
            .exclude(class_name="").select_related("holder").order_by("class_name", "pk"))


def _in_school(unit_path: str, school: Unit) -> bool:
    return unit_path.startswith(school.path)


def _check(kind: str, school: Unit | None, occurred_on: datetime.date | None, today: datetime.date,
           data: dict[str, Any], attendance: Mapping[int, bool], guards: list[Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in EDUCATION_KINDS:
        errors["kind"] = [f"类型“{kind}”无效，可选：{'、'.join(EDUCATION_KINDS)}"]
        return errors
    if school is None:
        errors["school"] = ["请选择学校"]
        return errors
    if school.kind != UnitKind.SCHOOL:
        errors["school"] = ["安全教育记录只能记在学校/幼儿园"]
    days = data.get("days") or 1
    if kind == ActivityKind.GUARD_TRAINING:
        if not isinstance(days, int) or days < 1:
            errors["days"] = ["培训天数必须是正整数"]
        elif days > MAX_GUARD_DAYS:
            errors["days"] = [f"一次培训记录最多 {MAX_GUARD_DAYS} 天，更长的培训请分段记录"]
    elif days != 1:
        errors["days"] = ["只有保安脱产培训可以填写多天"]
    if occurred_on is None:
        errors["occurred_on"] = ["请填写日期"]
    elif occurred_on > today:
        errors["occurred_on"] = ["日期不能晚于今天：未来的活动请完成后再记录"]
    elif kind == ActivityKind.GUARD_TRAINING and isinstance(days, int) and days >= 1 and (
            occurred_on + datetime.timedelta(days=days - 1) > today):
        errors["days"] = [f"培训的最后一天（{occurred_on + datetime.timedelta(days=days - 1)}）晚于今天，"
                          "请在培训结束后记录"]
    if not (data.get("topic") or "").strip():
        errors["topic"] = ["请填写主题"]
    module = data.get("module") or ""
    if module and module not in Module.values:
        errors["module"] = [f"纲要模块“{module}”无效，可选：{'、'.join(Module.values)}"]
    class_post = data.get("class_post")
    if kind == ActivityKind.SAFETY_LESSON:
        if not module:
            errors["module"] = ["请选择《中小学公共安全教育指导纲要》的模块"]
        if class_post is None:
            errors["class_post"] = ["请选择班级"]
    if class_post is not None and (class_post.kind != PostKind.HOMEROOM_TEACHER or not class_post.class_name
                                   or not _in_school(class_post.unit.path, school)):
        errors["class_post"] = ["班级须是本校的班主任岗位（已填写班级名称）"]
    if kind == ActivityKind.PARENT_MEETING and not (data.get("safety_content") or "").strip():
        errors["safety_content"] = ["家长会须安排安全教育内容，请填写"]
    speaker_post = data.get("speaker_post")
    if speaker_post is not None and (speaker_post.kind != PostKind.LEGAL_VICE_PRINCIPAL
                                     or not _in_school(speaker_post.unit.path, school)):
        errors["speaker_post"] = ["授课人岗位须是本校的法治副校长"]
    if kind == ActivityKind.LECTURE and not (data.get("speaker_name") or "").strip():
        errors["speaker_name"] = ["请填写主讲人"]
    if kind == ActivityKind.LEGAL_EDUCATION and speaker_post is None and not (
            (data.get("speaker_name") or "").strip() and (data.get("speaker_role") or "").strip()):
        errors["speaker_name"] = ["请选择本校法治副校长，或填写授课人姓名和身份（如：派出所民警、法官、检察官）"]
    if kind == ActivityKind.SAFETY_DAY_EDUCATION:
        code = data.get("safety_day") or ""
        if code not in safedays.CODES:
            errors["safety_day"] = [f"请选择安全教育节点，可选：{'、'.join(d.name for d in safedays.SAFETY_DAYS)}"]
        elif occurred_on is not None and safedays.node_for(code, occurred_on) is None:
            day = safedays.BY_CODE[code]
            errors["occurred_on"] = [f"{day.name}（{day.rule}）前后 {safedays.WINDOW_DAYS} 天内开展的活动才计入该节点"]
    elif data.get("safety_day"):
        errors["safety_day"] = ["只有安全日主题教育填写安全教育节点"]
    if kind == ActivityKind.STAFF_TRAINING:
        if not attendance:
            errors["attendance"] = ["请登记参训教职工的签到情况"]
        else:
            people = {p.pk: p for p in Person.objects.filter(pk__in=list(attendance)).select_related("unit")}
            outside = [str(pk) for pk in attendance if pk not in people or not _in_school(people[pk].unit.path, school)]
            if outside:
                names = "、".join(people[int(pk)].name if int(pk) in people else f"编号 {pk}" for pk in outside)
                errors["attendance"] = [f"{names}不是本校人员，不能登记签到"]
    elif attendance:
        errors["attendance"] = ["只有教职工安全培训登记签到"]
    if kind == ActivityKind.GUARD_TRAINING:
        if not guards:
            errors["guards"] = ["请选择参训的保安员"]
        else:
            outside = [g.name for g in guards if g.profile.school_id != school.pk]
            if outside:
                errors["guards"] = [f"保安员{'、'.join(outside)}不在本校，不能登记"]
    elif guards:
        errors["guards"] = ["只有保安脱产培训选择保安员"]
    count = data.get("participant_count")
    if count is not None and (not isinstance(count, int) or count < 0):
        errors["participant_count"] = ["参加人数不能为负数"]
    return errors


def record(actor: Any, *, kind: str, school: Unit | None, occurred_on: datetime.date | None,
           attendance: Mapping[int, bool] | None = None, guards: Iterable[Any] = (),
           today: datetime.date | None = None, **data: Any) -> EducationRecord:
    """Record one education event and count it (one Activity per day) for the matching quotas."""
    today = today or timezone.localdate()
    attendance = {int(k): bool(v) for k, v in (attendance or {}).items()}
    guards = list(guards)
    if attendance:  # ids from a payload: one outside the actor's scope answers like one that does not exist
        resolve_many(Person, actor, list(attendance), "attendance", "人员")
    errors = _check(kind, school, occurred_on, today, data, attendance, guards)
    if errors:
        raise ValidationError(errors)
    assert school is not None and occurred_on is not None
    class_post = data.get("class_post")
    if not _may_record(actor, school, class_post, kind):
        raise PermissionDenied(NO_RIGHT)
    speaker_post = data.get("speaker_post")
    if speaker_post is not None and not (data.get("speaker_name") or "").strip() and speaker_post.holder_id:
        data["speaker_name"] = speaker_post.holder.name
    if speaker_post is not None and not (data.get("speaker_role") or "").strip():
        data["speaker_role"] = "法治副校长"
    fields = {k: v for k, v in data.items() if k in {
        "days", "topic", "class_post", "module", "safety_content", "speaker_post", "speaker_name", "speaker_role",
        "safety_day", "participant_count", "notes"}}
    for key in ("topic", "safety_content", "speaker_name", "speaker_role", "notes"):
        if isinstance(fields.get(key), str):
            fields[key] = fields[key].strip()
    rec = EducationRecord(kind=kind, school=school, occurred_on=occurred_on, **fields)
    if actor is not None and getattr(actor, "is_authenticated", False):
        rec.recorded_by = actor
    present = sum(1 for v in attendance.values() if v)
    with transaction.atomic():
        rec.full_clean(exclude=["recorded_by", "voided_by", "guards"])
        rec.save()
        if guards:
            rec.guards.set(guards)
        Attendance.objects.bulk_create([Attendance(record=rec, person_id=pk, present=v) for pk, v in attendance.items()])
        for i in range(rec.days):
            day = occurred_on + datetime.timedelta(days=i)
            activity = obligations.record_activity(
                actor, kind=kind, unit=school, occurred_on=day, today=today,
                responsible_post=class_post or speaker_post, title=rec.topic[:200],
                participants=_participants(rec, guards, attendance), participant_count=_count(rec, guards, present),
                notes=_notes(rec), record_kind=f"education:{kind}", evidence="record", post_role="led",
                source_ref=f"education:{rec.pk}")
            RecordActivity.objects.create(record=rec, activity=activity, day=day)
        if kind in (ActivityKind.GUARD_TRAINING, ActivityKind.STAFF_TRAINING):
            # a guard-training slot counts guard-days, an attended-training slot the people present, through the
            # record's links written just above (obligations.crediting.people_counter)
            from anxiao.obligations.models import ActivityOccurrence

            obligations.recount(ActivityOccurrence.objects.filter(activity__in=rec.links.values("activity"))
                                .values_list("occurrence_id", flat=True).distinct())
    return rec


def _participants(rec: EducationRecord, guards: list[Any], attendance: Mapping[int, bool]) -> str:
    if guards:
        return "、".join(g.name for g in guards)
    if rec.class_post is not None:
        return rec.class_post.class_name
    return ""


def _count(rec: EducationRecord, guards: list[Any], present: int) -> int | None:
    if guards:
        return len(guards)
    if present:
        return present
    return rec.participant_count


def _notes(rec: EducationRecord) -> str:
    parts = []
    if rec.module:
        parts.append(f"纲要模块：{Module(rec.module).label}")
    if rec.safety_content:
        parts.append(f"安全教育内容：{rec.safety_content}")
    if rec.speaker_name:
        parts.append(f"授课人：{rec.speaker_name}（{rec.speaker_role}）" if rec.speaker_role else f"授课人：{rec.speaker_name}")
    if rec.safety_day:
        parts.append(f"安全教育节点：{safedays.BY_CODE[rec.safety_day].name}")
    if rec.notes:
        parts.append(rec.notes)
    return "\n".join(parts)


def void(actor: Any, rec: EducationRecord, reason: str) -> EducationRecord:
    """Void a record and every Activity it was counted as; the quotas are recounted."""
    if actor is not None and not user_scope(actor, write=True).covers_unit(rec.school):
        raise PermissionDenied(NO_RIGHT)
    with transaction.atomic():
        rec.void(actor, reason)
        for link in rec.links.select_related("activity__unit"):
            if not link.activity.is_voided:
                obligations.void_activity(actor, link.activity, reason)
    return rec


def set_attendance(actor: Any, rec: EducationRecord, person_id: Any, present: bool) -> Attendance:
    """Mark one of the school's people present or absent on a staff training's sign-in sheet (a late sign-in, or
    somebody signed in by mistake). The row is kept either way; the slots the training credited are counted again,
    so a rule crediting those who attended (每名教职工每年一次消防培训) credits or uncredits that person."""
    if actor is not None and not user_scope(actor, write=True).covers_unit(rec.school):
        raise PermissionDenied(NO_RIGHT)
    if rec.kind != ActivityKind.STAFF_TRAINING:
        raise ValidationError({"attendance": ["只有教职工安全培训登记签到"]})
    if rec.is_voided:
        raise ValidationError({"attendance": ["该记录已作废，不能修改签到"]})
    person = resolve_visible(Person.objects.select_related("unit"), actor, person_id, "person", "人员")
    if person is None:
        raise ValidationError({"person": ["请选择人员"]})
    if not _in_school(person.unit.path, rec.school):
        raise ValidationError({"person": [f"{person.name}不是本校人员，不能登记签到"]})
    present = bool(present)
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(record=rec, person=person).first()
        before = None if row is None else row.present
        if row is None:
            row = Attendance.objects.create(record=rec, person=person, present=present)
        elif row.present != present:
            row.present = present
            row.save(update_fields=["present", "updated_at"])
        if before != present:
            word = {None: "未登记", True: "出席", False: "缺席"}
            write_event(rec, AuditAction.UPDATE, {"attendance": [f"{person.name}：{word[before]}",
                                                                 f"{person.name}：{word[present]}"]},
                        unit=rec.school)
            count = rec.attendance.filter(present=True).count()
            from anxiao.obligations.models import Activity, ActivityOccurrence

            activities = rec.links.values("activity")
            Activity.objects.filter(pk__in=activities).update(participant_count=count)
            obligations.recount(ActivityOccurrence.objects.filter(activity__in=activities)
                                .values_list("occurrence_id", flat=True).distinct())
    return row
