"""Drill operations: the only code that changes plans, drills, sign-ins and drill settings.

Views, the API and the demo call these. A held drill records an obligations Activity of its kind (so the
month's or quarter's drill occurrence turns green); an approved plan records the annual "plan" activity.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anxiao.core.access import require_write, user_scope
from anxiao.core.choices import PostKind, Stage, UnitKind
from anxiao.core.models import assign
from anxiao.core.validation import as_date
from anxiao.org.models import Post, Unit

from .models import (
    DEFAULT_EVACUATION_TARGET,
    AttemptReason,
    Drill,
    DrillEvent,
    DrillFile,
    DrillKind,
    DrillPlan,
    DrillPlanItem,
    DrillSettings,
    DrillStatus,
    Evaluation,
    FileRole,
    Finding,
    Frequency,
    PlanStatus,
    SignIn,
    SignInAttempt,
    Theme,
)

NO_RIGHT = "您没有在该学校管理演练的权限"
MAX_WINDOW = datetime.timedelta(hours=4)
MAX_MARGIN_MINUTES = 120
MAX_EVACUATION_SECONDS = 3600
QUARTERS = ((1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12))


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _require_school(actor: Any, school: Unit) -> None:
    """Writers of a school (its safety office, principal, deputies) and the bureau above; None is the system."""
    if actor is not None and not user_scope(actor, write=True).covers_unit(school):
        raise PermissionDenied(NO_RIGHT)


# --- settings ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    evacuation_target_seconds: int = DEFAULT_EVACUATION_TARGET
    school_frequency: str = Frequency.MONTH
    kindergarten_frequency: str = Frequency.QUARTER
    source: str = "默认（演练指南2014）"


def config_for(school: Unit) -> Config:
    """The school's own settings, else its bureau's, else the defaults of design.md."""
    ids = [i for i in (school.pk, school.supervising_unit_id) if i]
    rows = {s.unit_id: s for s in DrillSettings.objects.filter(unit_id__in=ids).select_related("unit")}
    for unit_id in ids:
        row = rows.get(unit_id)
        if row is not None:
            return Config(row.evacuation_target_seconds, row.school_frequency, row.kindergarten_frequency,
                          row.unit.name)
    return Config()


def frequency_for(school: Unit, config: Config | None = None) -> str:
    config = config or config_for(school)
    return config.kindergarten_frequency if school.stage == Stage.KINDERGARTEN else config.school_frequency


def save_settings(actor: Any, settings: DrillSettings | None, **data: Any) -> DrillSettings:
    settings = settings or DrillSettings()
    if settings.pk:
        require_write(actor, settings.unit, "您没有在该单位修改设置的权限")
    assign(settings, data)
    if not settings.unit_id or settings.unit.kind not in (UnitKind.BUREAU, UnitKind.SCHOOL):
        raise ValidationError({"unit": ["演练设置只能由教育局或学校设定"]})
    require_write(actor, settings.unit, "您没有在该单位修改设置的权限")
    target = settings.evacuation_target_seconds
    if target is None or not 10 <= int(target) <= 1800:
        raise ValidationError({"evacuation_target_seconds": ["疏散用时目标应在 10 到 1800 秒之间"]})
    settings.full_clean()
    settings.save()
    return settings


# --- annual plan -------------------------------------------------------------------------------------


def _clean_items(items: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for n, raw in enumerate(items, start=1):
        item = raw if isinstance(raw, dict) else {"month": raw.month, "kind": raw.kind, "theme": raw.theme}
        try:
            month = int(item.get("month"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError({"items": [f"第 {n} 项的月份无效"]})
        if not 1 <= month <= 12:
            raise ValidationError({"items": [f"第 {n} 项的月份应在 1 到 12 之间"]})
        kind = item.get("kind") or DrillKind.DRILL
        if kind not in DrillKind.values:
            raise ValidationError({"items": [f"第 {n} 项的演练类别不是有效的选项"]})
        theme = item.get("theme") or ""
        if theme not in Theme.values:
            raise ValidationError({"items": [f"第 {n} 项（{month}月）请选择有效的演练主题"]})
        out.append({"month": month, "kind": kind, "theme": theme})
    return out


def repeated_themes(items: Iterable[dict[str, Any]]) -> list[str]:
    """Months whose evacuation drill repeats the previous month's theme (s001 五(十二): 每月开展一次不同主题的安全演练)."""
    by_month: dict[int, set[str]] = {}
    for i in items:
        if i.get("kind", DrillKind.DRILL) == DrillKind.DRILL:
            by_month.setdefault(int(i["month"]), set()).add(str(i["theme"]))
    return [f"{m}月" for m in sorted(by_month) if m - 1 in by_month and by_month[m] <= by_month[m - 1]]


def repeats_last_month(drill: Drill) -> bool:
    """Whether the school's previous month's evacuation drill (not voided) had the same theme."""
    if drill.kind != DrillKind.DRILL or drill.planned_on is None:
        return False
    first = drill.planned_on.replace(day=1)
    prev = (first - datetime.timedelta(days=1)).replace(day=1)
    return Drill.objects.filter(school=drill.school, kind=DrillKind.DRILL, voided_at__isnull=True,
                                planned_on__gte=prev, planned_on__lt=first, theme=drill.theme).exists()


def plan_gaps(school: Unit, items: Iterable[dict[str, Any]], config: Config | None = None) -> list[str]:
    """Months (or quarters) with no emergency evacuation drill, against the school's minimum frequency."""
    months = {i["month"] for i in items if i["kind"] == DrillKind.DRILL}
    if frequency_for(school, config) == Frequency.MONTH:
        return [f"{m}月" for m in range(1, 13) if m not in months]
    return [f"第{'一二三四'[q]}季度" for q, quarter in enumerate(QUARTERS) if not months.intersection(quarter)]


def save_plan(actor: Any, plan: DrillPlan | None, items: Iterable[Any] | None = None, **data: Any) -> DrillPlan:
    """Draft or change a plan; one that misses the minimum frequency is refused (S002 四(四), 演练指南2014)."""
    creating = plan is None
    plan = plan or DrillPlan()
    if not creating:
        _require_school(actor, plan.school)
        if plan.is_voided:
            raise ValidationError({"status": ["已作废的计划不能修改"]})
        if plan.status == PlanStatus.APPROVED:
            raise ValidationError({"status": ["已批准的计划不能修改；如需调整，请作废后重新制定并报校长批准"]})
        if "school" in data and data["school"] != plan.school:
            raise ValidationError({"school": ["计划所属学校不能更改"]})
    assign(plan, data)
    if not plan.school_id:
        raise ValidationError({"school": ["请选择学校"]})
    if plan.school.kind != UnitKind.SCHOOL:
        raise ValidationError({"school": ["演练计划只能由学校/幼儿园制定"]})
    _require_school(actor, plan.school)
    today = timezone.localdate()
    if not plan.year or not today.year - 1 <= int(plan.year) <= today.year + 1:
        raise ValidationError({"year": [f"年度应在 {today.year - 1} 到 {today.year + 1} 之间"]})
    if items is None:
        cleaned = [] if creating else _clean_items(plan.items.all())
    else:
        cleaned = _clean_items(items)
    gaps = plan_gaps(plan.school, cleaned)
    if gaps:
        unit = "每月" if frequency_for(plan.school) == Frequency.MONTH else "每季度"
        raise ValidationError({"items": [
            f"不满足最低演练频次（{unit}至少一次应急疏散演练）：{'、'.join(gaps)}没有安排演练"]})
    duplicate = DrillPlan.objects.filter(school=plan.school, year=plan.year, voided_at__isnull=True)
    if plan.pk:
        duplicate = duplicate.exclude(pk=plan.pk)
    if duplicate.exists():
        raise ValidationError({"year": [f"{plan.school.name} 已有 {plan.year} 年的演练计划"]})
    if creating and _is_user(actor):
        plan.drafted_by = actor
    with transaction.atomic():
        plan.full_clean(exclude=["drafted_by", "approved_by", "approved_post", "activity", "voided_by"])
        plan.save()
        if items is not None:
            plan.items.all().delete()
            DrillPlanItem.objects.bulk_create([DrillPlanItem(plan=plan, **i) for i in cleaned])
    return plan


def principal_post(actor: Any, school: Unit) -> Post | None:
    """The principal post of this school that the acting user's own person holds, if any."""
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        return None
    return Post.objects.filter(unit=school, kind=PostKind.PRINCIPAL, holder_id=person_id, is_active=True).first()


def approve_plan(actor: Any, plan: DrillPlan, today: datetime.date | None = None) -> DrillPlan:
    """校长批准. Only a person holding the principal post of that school may approve."""
    from anxiao.obligations.actions import record_activity

    if plan.is_voided:
        raise ValidationError({"status": ["已作废的计划不能批准"]})
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError({"status": ["该计划已批准"]})
    post = principal_post(actor, plan.school)
    if post is None:
        raise PermissionDenied(f"只有{plan.school.name}的校长（园长）本人才能批准年度演练计划")
    gaps = plan_gaps(plan.school, _clean_items(plan.items.all()))
    if gaps:
        raise ValidationError({"items": [f"不满足最低演练频次：{'、'.join(gaps)}没有安排演练"]})
    today = today or timezone.localdate()
    with transaction.atomic():
        plan.status = PlanStatus.APPROVED
        plan.approved_by = actor
        plan.approved_post = post
        plan.approved_at = timezone.now()
        plan.activity = record_activity(
            actor, kind="plan", unit=plan.school, occurred_on=today, responsible_post=post,
            title=f"{plan.year} 年应急疏散演练年度计划", notes=f"共 {plan.items.count()} 项演练，校长批准。",
            record_kind="drill_plan", evidence="record+approval", post_role="organised",
            source_ref=f"drill_plan:{plan.pk}")
        plan.save()
    return plan


def void_plan(actor: Any, plan: DrillPlan, reason: str) -> DrillPlan:
    from anxiao.obligations.actions import void_activity

    _require_school(actor, plan.school)
    with transaction.atomic():
        plan.void(actor, reason)
        if plan.activity is not None and not plan.activity.is_voided:
            void_activity(actor, plan.activity, f"演练计划作废：{reason.strip()}")
    return plan


# --- drills ------------------------------------------------------------------------------------------


def _event(actor: Any, drill: Drill, action: str, label: str, before: str, note: str = "") -> None:
    DrillEvent.objects.create(drill=drill, action=action, label=label, from_status=before, to_status=drill.status,
                              at=timezone.now(), actor=actor if _is_user(actor) else None, note=note[:1000])


def _classes(school: Unit, ids: Iterable[Any]) -> list[Post]:
    wanted = []
    for raw in ids:
        pk = getattr(raw, "pk", raw)
        try:
            wanted.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"classes": [f"班级编号无效：{pk}"]})
    posts = list(Post.objects.filter(pk__in=wanted, unit=school, kind=PostKind.HOMEROOM_TEACHER)
                 .exclude(class_name=""))
    missing = set(wanted) - {p.pk for p in posts}
    if missing:
        raise ValidationError({"classes": [
            f"参演班级必须是本校的班级（班主任岗位）：编号 {'、'.join(map(str, sorted(missing)))} 不符合"]})
    return posts


def school_classes(school: Unit) -> Any:
    return (Post.objects.filter(unit=school, kind=PostKind.HOMEROOM_TEACHER, is_active=True).exclude(class_name="")
            .select_related("holder").order_by("class_name"))


def save_drill(actor: Any, drill: Drill | None, classes: Iterable[Any] | None = None,
               class_ids: Iterable[Any] | None = None, **data: Any) -> Drill:
    """Create or change a drill that has not been held yet."""
    creating = drill is None
    drill = drill or Drill()
    if not creating:
        _require_school(actor, drill.school)
        if drill.is_voided:
            raise ValidationError({"status": ["已作废的演练不能修改"]})
        if drill.status not in (DrillStatus.PLANNED, DrillStatus.IN_PROGRESS):
            raise ValidationError({"status": ["演练已举行，基本信息不能再修改；结果请在演练页面填写"]})
        if "school" in data and data["school"] != drill.school:
            raise ValidationError({"school": ["演练所属学校不能更改"]})
    assign(drill, data)
    errors: dict[str, list[str]] = {}
    if not drill.school_id:
        raise ValidationError({"school": ["请选择学校"]})
    if drill.school.kind != UnitKind.SCHOOL:
        raise ValidationError({"school": ["演练只能登记在学校/幼儿园"]})
    _require_school(actor, drill.school)
    if drill.kind not in DrillKind.values:
        errors["kind"] = ["演练类别不是有效的选项"]
    if drill.theme not in Theme.values:
        errors["theme"] = ["请选择演练主题"]
    if drill.planned_on is None:
        errors["planned_on"] = ["请填写计划日期"]
    else:
        today = timezone.localdate()
        if drill.planned_on > today + datetime.timedelta(days=400):
            errors["planned_on"] = ["计划日期太远，只能安排一年以内的演练"]
    if drill.window_start is None or drill.window_end is None:
        errors["window_start"] = ["请填写演练开始和结束时间"]
    elif drill.window_end <= drill.window_start:
        errors["window_end"] = ["演练结束时间必须晚于开始时间"]
    elif drill.window_end - drill.window_start > MAX_WINDOW:
        errors["window_end"] = ["演练时间不能超过 4 小时（签到只在演练时间内开放）"]
    elif drill.planned_on is not None and abs(
            (timezone.localtime(drill.window_start).date() - drill.planned_on).days) > 1:
        errors["window_start"] = ["演练时间应在计划日期当天（前后不超过一天）"]
    if drill.signin_margin_minutes is None or not 0 <= drill.signin_margin_minutes <= MAX_MARGIN_MINUTES:
        errors["signin_margin_minutes"] = [f"签到提前/延后应为 0–{MAX_MARGIN_MINUTES} 分钟"]
    if drill.plan_item_id and drill.plan_item is not None and drill.plan_item.plan.school_id != drill.school_id:
        errors["plan_item"] = ["计划项不属于本校的演练计划"]
    chosen = classes if classes is not None else class_ids
    posts = _classes(drill.school, chosen) if chosen is not None else None
    if posts is not None and not creating:
        signed = set(SignIn.objects.filter(drill=drill).values_list("post_id", flat=True))
        dropped = signed - {p.pk for p in posts}
        if dropped:
            errors["classes"] = ["已签到的班级不能从参演班级中移除"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        drill.full_clean(exclude=["activity", "plan_item", "voided_by"])
        drill.save()
        if posts is not None:
            drill.classes.set(posts)
        if creating:
            _event(actor, drill, "create", "登记演练", "")
    return drill


def attach_file(actor: Any, drill: Drill, upload: Any, role: str = FileRole.SCENARIO) -> DrillFile:
    """Attach the scenario plan (预案/脚本) or a record; checked by content (PDF, Office, images)."""
    _require_school(actor, drill.school)
    if drill.is_voided or drill.status == DrillStatus.CLOSED:
        raise ValidationError({"file": ["已结束或作废的演练不能再上传附件"]})
    if role not in FileRole.values:
        raise ValidationError({"role": ["附件用途不是有效的选项"]})
    stored = DrillFile.from_upload(upload, f"drills/{drill.school_id}/{drill.pk}", images_only=False, field="file",
                                   drill=drill, role=role, uploaded_by=actor if _is_user(actor) else None)
    stored.save()
    return stored


def _require_open(drill: Drill) -> None:
    if drill.is_voided:
        raise ValidationError({"status": ["该演练已作废"]})


def start(actor: Any, drill: Drill) -> Drill:
    """planned → in progress. The scenario plan must be attached first (演练前要制定详细预案)."""
    from anxiao.notifications.actions import notify

    _require_school(actor, drill.school)
    _require_open(drill)
    if drill.status != DrillStatus.PLANNED:
        raise ValidationError({"status": [f"只有“计划”状态的演练可以开始（当前：{drill.get_status_display()}）"]})
    if not DrillFile.objects.filter(drill=drill, role=FileRole.SCENARIO).exists():
        raise ValidationError({"scenario": ["请先上传演练预案（脚本）再开始演练"]})
    classes = list(drill.classes.select_related("holder"))
    if drill.kind == DrillKind.DRILL and not classes:
        raise ValidationError({"classes": ["请先选择参演班级再开始演练"]})
    before = drill.status
    with transaction.atomic():
        drill.status = DrillStatus.IN_PROGRESS
        drill.started_at = timezone.now()
        drill.save()
        _event(actor, drill, "start", "开始演练", before)
        window = f"{timezone.localtime(drill.window_start):%m-%d %H:%M}–{timezone.localtime(drill.window_end):%H:%M}"
        notify([p.holder for p in classes], f"演练开始：{drill.title or drill.get_theme_display()}",
               f"{drill.school.name}的演练已开始。请参演班级班主任本人在 {window} 内扫码签到。",
               url=reverse("drills:signin", args=[drill.token]), key=f"drill-start:{drill.pk}")
    return drill


def hold(actor: Any, drill: Drill, *, held_on: Any = None, participants_count: Any = None,
         evacuation_seconds: Any = None, problems: str = "", today: datetime.date | None = None) -> Drill:
    """in progress → held: the results, and the obligations Activity that counts for this period's quota."""
    from anxiao.obligations.actions import record_activity

    _require_school(actor, drill.school)
    _require_open(drill)
    if drill.status != DrillStatus.IN_PROGRESS:
        raise ValidationError({"status": [f"只有进行中的演练可以登记结果（当前：{drill.get_status_display()}）"]})
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    held = _date(held_on, "held_on", errors, "举行日期") or today
    if "held_on" not in errors:
        if held > today:
            errors["held_on"] = ["举行日期不能晚于今天"]
        elif drill.started_at and held < timezone.localtime(drill.started_at).date() - datetime.timedelta(days=1):
            errors["held_on"] = ["举行日期不能早于演练开始日期"]
    count = _count(participants_count, "participants_count", "参演人数", errors)
    seconds = _count(evacuation_seconds, "evacuation_seconds", "疏散用时", errors)
    if seconds is not None and seconds > MAX_EVACUATION_SECONDS:
        errors["evacuation_seconds"] = ["疏散用时超过 1 小时，请核对（单位：秒）"]
    if drill.kind == DrillKind.DRILL and count is None:
        errors.setdefault("participants_count", ["请填写参演人数"])
    if drill.kind == DrillKind.DRILL and seconds is None:
        errors.setdefault("evacuation_seconds", ["请填写疏散用时（秒）"])
    if errors:
        raise ValidationError(errors)
    before = drill.status
    with transaction.atomic():
        drill.status = DrillStatus.HELD
        drill.held_on, drill.participants_count, drill.evacuation_seconds = held, count, seconds
        drill.problems = (problems or "").strip()
        try:
            # Held is not yet evidence: the drill fills its quota once closed with its evaluation (close()).
            drill.activity = record_activity(
                actor, kind=drill.kind, unit=drill.school, occurred_on=held, today=today,
                title=drill.title or f"{drill.get_theme_display()}演练", participant_count=count,
                participants="、".join(p.class_name for p in drill.classes.all()),
                notes=_activity_notes(drill), record_kind=f"drill:{drill.kind}", evidence="pending",
                source_ref=f"drill:{drill.pk}")
        except ValidationError as exc:
            raise ValidationError({"held_on" if k == "occurred_on" else k: v for k, v in exc.message_dict.items()})
        drill.save()
        _event(actor, drill, "hold", "登记演练结果", before)
    return drill


def _activity_notes(drill: Drill) -> str:
    parts = [f"演练：{drill.get_kind_display()}·{drill.get_theme_display()}"]
    if drill.evacuation_seconds is not None:
        parts.append(f"疏散用时 {drill.evacuation_seconds} 秒")
    if drill.problems:
        parts.append(f"问题：{drill.problems}")
    return "；".join(parts)


def _date(value: Any, field: str, errors: dict[str, list[str]], label: str) -> datetime.date | None:
    try:
        return as_date(value)
    except ValueError:
        errors[field] = [f"{label}格式应为 YYYY-MM-DD"]
        return None


def _count(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [f"{label}应为整数"]
        return None
    if number < 0:
        errors[field] = [f"{label}不能为负数"]
        return None
    return number


def evaluate(actor: Any, drill: Drill, *, evaluation_result: str = "", evaluation: str = "") -> Drill:
    """评定结果 (演练要有评定结果): only once the drill is held."""
    _require_school(actor, drill.school)
    _require_open(drill)
    if drill.status != DrillStatus.HELD:
        raise ValidationError({"status": ["演练举行并登记结果后才能评估"]})
    if evaluation_result not in Evaluation.values:
        raise ValidationError({"evaluation_result": ["请选择评定结果"]})
    before = drill.status
    drill.evaluation_result = evaluation_result
    drill.evaluation = (evaluation or "").strip()
    with transaction.atomic():
        drill.save()
        _event(actor, drill, "evaluate", "评估", before, drill.get_evaluation_result_display())
    return drill


def close(actor: Any, drill: Drill, *, evaluation_result: str = "", evaluation: str = "") -> Drill:
    """held → closed. Refused without an evaluation; one may be given in the same step."""
    _require_school(actor, drill.school)
    _require_open(drill)
    if drill.status != DrillStatus.HELD:
        raise ValidationError({"status": [f"只有已举行的演练可以结束（当前：{drill.get_status_display()}）"]})
    with transaction.atomic():
        if evaluation_result:
            evaluate(actor, drill, evaluation_result=evaluation_result, evaluation=evaluation)
        if not drill.evaluation_result:
            raise ValidationError({"evaluation_result": ["演练没有评定结果，不能结束；请先填写评估"]})
        before = drill.status
        drill.status = DrillStatus.CLOSED
        drill.closed_at = timezone.now()
        drill.save()
        _event(actor, drill, "close", "结束演练", before)
        _credit(drill)
    return drill


def evidence_of(drill: Drill) -> str:
    """What the drill proves for its quota: closed with its evaluation, and signed in by the classes that took
    part when classes were named (design.md, evidence levels); anything less fills nothing."""
    if drill.is_voided or drill.status != DrillStatus.CLOSED or not drill.evaluation_result:
        return "pending"
    if drill.classes.exists() and not drill.signins.exists():
        return "pending"
    return "record"


def _credit(drill: Drill) -> None:
    from anxiao.obligations.actions import set_evidence

    if drill.activity_id and drill.activity is not None and not drill.activity.is_voided:
        set_evidence(drill.activity, evidence_of(drill))


def void_drill(actor: Any, drill: Drill, reason: str = "") -> Drill:
    """作废 with a reason; the Activity it recorded is voided too, so the quota counts it no more."""
    from anxiao.obligations.actions import void_activity

    _require_school(actor, drill.school)
    before = drill.status
    with transaction.atomic():
        drill.void(actor, reason)
        if drill.activity is not None and not drill.activity.is_voided:
            void_activity(actor, drill.activity, f"演练作废：{reason.strip()}")
        _event(actor, drill, "void", "作废", before, reason.strip())
    return drill


TRANSITIONS = {
    "start": ("开始演练", lambda actor, drill, data: start(actor, drill)),
    "hold": ("登记结果", lambda actor, drill, data: hold(
        actor, drill, held_on=data.get("held_on"), participants_count=data.get("participants_count"),
        evacuation_seconds=data.get("evacuation_seconds"), problems=data.get("problems") or "")),
    "evaluate": ("评估", lambda actor, drill, data: evaluate(
        actor, drill, evaluation_result=data.get("evaluation_result") or "", evaluation=data.get("evaluation") or "")),
    "close": ("结束演练", lambda actor, drill, data: close(
        actor, drill, evaluation_result=data.get("evaluation_result") or "", evaluation=data.get("evaluation") or "")),
    "void": ("作废", lambda actor, drill, data: void_drill(actor, drill, data.get("reason") or "")),
}


def transition(actor: Any, drill: Drill, action: str, data: dict[str, Any] | None = None) -> Drill:
    """One entry point for the web and the API: the row is locked so two clicks cannot both pass."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": [f"未知操作：{action}"]})
    with transaction.atomic():
        locked = Drill.objects.select_for_update().get(pk=drill.pk)
        return TRANSITIONS[action][1](actor, locked, data or {})


def allowed_actions(actor: Any, drill: Drill) -> list[str]:
    if drill.is_voided or not user_scope(actor, write=True).covers_unit(drill.school):
        return []
    return {
        DrillStatus.PLANNED: ["start", "void"],
        DrillStatus.IN_PROGRESS: ["hold", "void"],
        DrillStatus.HELD: ["evaluate", "close", "void"],
        DrillStatus.CLOSED: ["void"],
    }[DrillStatus(drill.status)]


# --- findings → hazards -----------------------------------------------------------------------------


def add_finding(actor: Any, drill: Drill, *, description: str = "", location: str = "", category: str = "GL") -> Finding:
    from anxiao.hazards.models import Category

    _require_school(actor, drill.school)
    _require_open(drill)
    if drill.status not in (DrillStatus.IN_PROGRESS, DrillStatus.HELD):
        raise ValidationError({"description": ["演练进行中或已举行时才能登记发现的问题"]})
    errors: dict[str, list[str]] = {}
    if not (description or "").strip():
        errors["description"] = ["请填写问题描述"]
    if not (location or "").strip():
        errors["location"] = ["请填写问题部位"]
    if category not in Category.values:
        errors["category"] = ["请选择隐患类别"]
    if errors:
        raise ValidationError(errors)
    return Finding.objects.create(drill=drill, description=description.strip(), location=location.strip()[:120],
                                  category=category)


def finding_to_hazard(actor: Any, finding: Finding) -> Any:
    """演练发现的问题 → 隐患 in one step, through the hazards app's own action. Idempotent."""
    from anxiao.hazards.actions import report_hazard
    from anxiao.hazards.models import Source

    if finding.hazard_id:
        return finding.hazard
    drill = finding.drill
    _require_school(actor, drill.school)
    with transaction.atomic():
        hazard = report_hazard(
            actor, unit=drill.school, location=finding.location, category=finding.category,
            description=f"{finding.description}（{drill.planned_on} {drill.get_theme_display()}演练中发现）",
            source=Source.INSPECTION)
        finding.hazard = hazard
        finding.save()
    return hazard


# --- sign-in ----------------------------------------------------------------------------------------


def my_classes(user: Any, drill: Drill) -> list[Post]:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return []
    return list(drill.classes.filter(holder_id=person_id).order_by("class_name"))


def _refuse(user: Any, drill: Drill, reason: str, detail: str, message: str, ip: str | None, via: str,
            now: datetime.datetime) -> NoReturn:
    """Log the attempt (it stays even though the sign-in is refused) and refuse with a Chinese message."""
    SignInAttempt.objects.create(drill=drill, user=user if _is_user(user) else None,
                                 user_repr=(getattr(user, "get_username", lambda: "")() or "")[:150], at=now, ip=ip,
                                 via=via, reason=reason, detail=detail[:300])
    raise ValidationError({"signin": [message]})


def sign_in(user: Any, drill: Drill, *, person_id: Any = None, post_ids: Iterable[Any] | None = None,
            ip: str | None = None, via: str = "web", now: datetime.datetime | None = None) -> list[SignIn]:
    """班主任本人签到: bound to the user's own person and the participating classes that person heads.

    There is nothing to choose: naming another person or a class one does not head is refused and logged
    (不能代签、替签), as are a second sign-in, a sign-in outside the window and one by a non-head.
    """
    now = now or timezone.now()
    if not _is_user(user) or not user_scope(user).covers_unit(drill.school):
        raise PermissionDenied("您无权查看该演练")
    person = getattr(user, "person", None)
    if person is None:
        _refuse(user, drill, AttemptReason.NO_PERSON, "账号未关联人员", "您的账号没有关联人员档案，不能签到", ip, via, now)
    if person_id not in (None, "") and str(person_id) != str(person.pk):
        _refuse(user, drill, AttemptReason.OTHER_PERSON, f"请求为人员编号 {person_id} 签到（本人编号 {person.pk}）",
                "只能本人签到，不能代签、替签；本次尝试已记录", ip, via, now)
    if drill.is_voided or drill.status not in (DrillStatus.IN_PROGRESS, DrillStatus.HELD):
        _refuse(user, drill, AttemptReason.NOT_OPEN, f"演练状态：{drill.get_status_display()}",
                "该演练尚未开始或已经结束，现在不能签到", ip, via, now)
    if not drill.window_open(now):
        start_, end = timezone.localtime(drill.signin_opens), timezone.localtime(drill.signin_closes)
        _refuse(user, drill, AttemptReason.OUTSIDE_WINDOW, f"签到时间 {timezone.localtime(now):%Y-%m-%d %H:%M}",
                f"不在签到时间内：签到只在演练时间内开放（前后 {drill.signin_margin_minutes} 分钟），本次为 "
                f"{start_:%Y-%m-%d %H:%M} 至 {end:%H:%M}", ip, via, now)
    mine = my_classes(user, drill)
    own_ids = {p.pk for p in mine}
    asked = {str(p) for p in (post_ids or [])}
    others = sorted(asked - {str(i) for i in own_ids})
    if others:
        _refuse(user, drill, AttemptReason.OTHER_CLASS, f"请求为班级岗位 {'、'.join(others)} 签到",
                "只能为本人所带的参演班级签到，不能代签、替签；本次尝试已记录", ip, via, now)
    if not mine:
        _refuse(user, drill, AttemptReason.NOT_HOMEROOM, "本人不带参演班级",
                "您不是本次演练参演班级的班主任，无需也不能签到", ip, via, now)
    rows: list[SignIn] = []
    with transaction.atomic():
        done = set(SignIn.objects.select_for_update().filter(drill=drill, post__in=mine)
                   .values_list("post_id", flat=True))
        todo = [p for p in mine if p.pk not in done]
        if todo:
            rows = [SignIn.objects.create(drill=drill, post=p, person=person, user=user, at=now, ip=ip, via=via)
                    for p in todo]
    if not todo:
        _refuse(user, drill, AttemptReason.ALREADY_SIGNED, "重复签到", "您已签到，不能重复签到", ip, via, now)
    return rows


@dataclass
class CoverageRow:
    post: Post
    teacher: str
    signin: SignIn | None


def coverage(drill: Drill) -> dict[str, Any]:
    """Participating classes, who signed (and when), who is missing."""
    signins = {s.post_id: s for s in SignIn.objects.filter(drill=drill).select_related("person")}
    rows = [CoverageRow(p, p.holder.name if p.holder else "（空缺）", signins.get(p.pk))
            for p in drill.classes.select_related("holder").order_by("class_name")]
    signed = [r for r in rows if r.signin is not None]
    return {"rows": rows, "signed": len(signed), "total": len(rows), "missing": [r for r in rows if r.signin is None]}


def target_met(drill: Drill, config: Config | None = None) -> bool | None:
    if drill.evacuation_seconds is None:
        return None
    config = config or config_for(drill.school)
    return drill.evacuation_seconds <= config.evacuation_target_seconds
