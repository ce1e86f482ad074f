"""Hazard operations: report, the closed-loop state machine (rules.md §2.6), extensions, 督办, escalation.

Every state change goes through :func:`transition` (views, the API and the CLI call it). It locks the
row, checks the state, and applies the change with one conditional UPDATE, so two people acting on
one hazard at once leave exactly one result; each change is a HazardEvent row.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import can_act_over, user_scope
from anxiao.core.audit import write_entry
from anxiao.core.context import audit_enabled
from anxiao.core.files import CheckedFile, check_upload
from anxiao.core.models import AuditAction
from anxiao.core.validation import as_date
from anxiao.org.models import Assignment, AssignmentKind, Group, Person, Post, Unit

from .models import (
    DEADLINE_STATUSES,
    OPEN_STATUSES,
    Category,
    Extension,
    ExtensionStatus,
    Grade,
    Hazard,
    HazardEvent,
    HazardPhoto,
    PhotoStage,
    RiskColour,
    Source,
    Status,
    SupervisionKind,
    SupervisionOrder,
    UpwardReason,
    overdue_q,
)

NO_RIGHT = "您没有在该范围内处理隐患的权限"
ABOVE_ONLY = "此操作须由上级单位（主管教育局）审批"
# Days overdue after which escalation reaches the bureau safety office (level 2); level 1 is the 包保 leader.
BUREAU_ESCALATION_DAYS = 7


# --- who may act ---------------------------------------------------------------------------------


def level_above(unit: Unit) -> Unit | None:
    """The unit that approves extensions and voids and issues 督办: a school's bureau, else the parent."""
    if unit.supervising_unit_id:
        return unit.supervising_unit
    return unit.parent if unit.parent_id else None


def _covers(actor: Any, unit: Unit | None, write: bool = True) -> bool:
    if actor is None:  # system operations (worker, demo loader)
        return True
    scope = user_scope(actor, write=write)
    if unit is None:
        return scope.everything
    return scope.covers_unit(unit)


def may_act_above(actor: Any, hazard: Hazard) -> bool:
    return _covers(actor, level_above(hazard.unit))


def _person_of(actor: Any) -> Person | None:
    return getattr(actor, "person", None) if actor is not None else None


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "系统"
    return (actor.get_full_name() or actor.get_username())[:60]


# --- reporting -------------------------------------------------------------------------------------


def _check_photos(photos: Iterable[Any], field: str = "photos") -> list[CheckedFile]:
    return [check_upload(p, images_only=True, field=field) for p in photos]


def _save_photos(hazard: Hazard, event: HazardEvent | None, checked: list[CheckedFile], stage: str) -> None:
    for c in checked:
        HazardPhoto.from_checked(c, f"hazards/{hazard.unit_id}/{hazard.pk}", hazard=hazard, event=event,
                                 stage=stage).save()


def report_hazard(actor: Any, *, unit: Unit | None, location: str = "", category: str = "", description: str = "",
                  source: str = Source.STAFF_REPORT, found_at: datetime.datetime | None = None,
                  finder: Person | None = None, finder_name: str = "", grade: str = Grade.GENERAL,
                  grade_basis: str = "", item_code: str = "", inspection: Any = None, item_result: Any = None,
                  risk: Any = None, risk_score: Any = None, risk_colour: str = "",
                  photos: Iterable[Any] = (), now: datetime.datetime | None = None) -> Hazard:
    """发现/上报: anybody who can see the unit may report a hazard there (staff from a phone, a visiting leader)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if unit is None:
        errors["unit"] = ["请选择单位"]
    if not (location or "").strip():
        errors["location"] = ["请填写隐患部位"]
    if category not in Category.values:
        errors["category"] = ["请选择隐患类别"]
    if not (description or "").strip():
        errors["description"] = ["请填写隐患描述"]
    if source not in Source.values:
        errors["source"] = ["排查方式不是有效的选项"]
    if grade not in Grade.values:
        errors["grade"] = ["隐患等级不是有效的选项"]
    if found_at is not None and found_at > now + datetime.timedelta(minutes=5):
        errors["found_at"] = ["发现时间不能晚于现在"]
    if unit is not None and risk is not None:
        errors.update(_risk_errors(unit, risk))
    if errors:
        raise ValidationError(errors)
    assert unit is not None
    if not can_act_over(actor, unit):  # any role there but a read-only one
        raise PermissionDenied(NO_RIGHT)
    checked = _check_photos(photos)
    finder = finder or _person_of(actor)
    with transaction.atomic():
        hazard = Hazard(
            unit=unit, location=location.strip(), category=category, description=description.strip(), source=source,
            found_at=found_at or now, finder=finder, finder_name=finder_name or (finder.name if finder else ""),
            grade=grade, grade_basis=grade_basis, item_code=item_code, inspection=inspection,
            item_result=item_result, risk=risk, risk_score=risk_score, risk_colour=risk_colour or "",
            status=Status.REPORTED,
        )
        hazard.full_clean(exclude=["finder", "responsible", "inspection", "item_result", "voided_by", "risk"])
        hazard.save()
        note = description.strip()[:500] + (f"\n关联风险：{risk.area}（{risk.get_level_display()}）" if risk else "")
        event = HazardEvent.objects.create(hazard=hazard, action="report", label="发现上报", to_status=Status.REPORTED,
                                           at=now, actor=actor if _is_user(actor) else None,
                                           actor_name=_actor_name(actor), note=note,
                                           data={"risk": risk.pk, "risk_area": risk.area} if risk else {})
        _save_photos(hazard, event, checked, PhotoStage.BEFORE)
    return hazard


def _risk_errors(unit: Unit, risk: Any) -> dict[str, list[str]]:
    """A hazard links only to a risk of its own school's register (双重预防: 风险 → 隐患)."""
    from anxiao.risks.models import Risk

    if not isinstance(risk, Risk):
        return {"risk": ["请选择关联风险"]}
    if not unit.path.startswith(risk.school.path):
        return {"risk": [f"风险“{risk.area}”属于{risk.school.name}，不是本单位风险清单中的风险"]}
    if not risk.is_active:
        return {"risk": [f"风险“{risk.area}”已停用，不能关联"]}
    return {}


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "pk", None) is not None


# --- the state machine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (extension, 督办, escalation…)
    who: str = "unit"  # "unit": write rights over the hazard's unit; "above": the level above; "system"
    photos: str = ""  # which photo stage this action accepts


ALL_OPEN = tuple(OPEN_STATUSES)
SPECS: dict[str, Spec] = {
    "register": Spec("登记", (Status.REPORTED,), Status.REGISTERED, photos=PhotoStage.BEFORE),
    "grade": Spec("评估定级", (Status.REGISTERED,), Status.GRADED),
    "start_rectification": Spec("下达整改", (Status.GRADED,), Status.RECTIFYING),
    "rectify_on_spot": Spec("立即整改", (Status.REPORTED, Status.REGISTERED, Status.GRADED),
                            Status.AWAITING_ACCEPTANCE, photos=PhotoStage.AFTER),
    "submit_for_acceptance": Spec("申请验收", (Status.RECTIFYING,), Status.AWAITING_ACCEPTANCE, photos=PhotoStage.AFTER),
    "accept": Spec("验收通过", (Status.AWAITING_ACCEPTANCE,), Status.ACCEPTED, photos=PhotoStage.AFTER),
    "reject": Spec("验收不通过", (Status.AWAITING_ACCEPTANCE,), Status.RECTIFYING, photos=PhotoStage.AFTER),
    "close": Spec("销号", (Status.ACCEPTED,), Status.CLOSED),
    "request_extension": Spec("申请延期", (Status.GRADED, Status.RECTIFYING), None),
    "approve_extension": Spec("批准延期", DEADLINE_STATUSES, None, who="above"),
    "refuse_extension": Spec("驳回延期", DEADLINE_STATUSES, None, who="above"),
    "report_upward": Spec("上报上级协调", ALL_OPEN, None),
    "supervise": Spec("下达督办", ALL_OPEN, None, who="above"),
    "acknowledge_supervision": Spec("签收督办", ALL_OPEN, None),
    "request_void": Spec("申请作废", ALL_OPEN, None),
    "approve_void": Spec("批准作废", ALL_OPEN, Status.VOID, who="above"),
    "refuse_void": Spec("驳回作废", ALL_OPEN, None, who="above"),
    "comment": Spec("补充说明", ALL_OPEN, None, photos=PhotoStage.BEFORE),
    "link_risk": Spec("关联风险", ALL_OPEN, None),
}
ACTION_CHOICES = [(name, spec.label) for name, spec in SPECS.items()]


@dataclass
class Change:
    fields: dict[str, Any]
    note: str = ""
    data: dict[str, Any] | None = None
    after: Callable[[Hazard, HazardEvent], None] | None = None


def _text(data: dict[str, Any], key: str) -> str:
    return str(data.get(key) or "").strip()


def _date(data: dict[str, Any], key: str, label: str) -> datetime.date | None:
    try:
        return as_date(data.get(key))
    except ValueError:
        raise ValidationError({key: [f"{label}格式应为 YYYY-MM-DD"]})


def _decimal(data: dict[str, Any], key: str, label: str) -> decimal.Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        result = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValidationError({key: [f"{label}应为数字"]})
    if result < 0:
        raise ValidationError({key: [f"{label}不能为负数"]})
    return result


def _require(errors: dict[str, list[str]], data: dict[str, Any], key: str, message: str) -> str:
    value = _text(data, key)
    if not value:
        errors.setdefault(key, []).append(message)
    return value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _register(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    fields: dict[str, Any] = {}
    for key in ("location", "description"):
        if _text(data, key):
            fields[key] = _text(data, key)
    if data.get("category"):
        if data["category"] not in Category.values:
            raise ValidationError({"category": ["隐患类别不是有效的选项"]})
        fields["category"] = data["category"]
    return Change(fields, _text(data, "note"))


def _item_grade(h: Hazard) -> str:
    if h.item_result_id and h.item_result and h.item_result.item_id and h.item_result.item:
        return h.item_result.item.grade
    return ""


def _grade(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    grade = data.get("grade") or h.grade
    errors: dict[str, list[str]] = {}
    if grade not in Grade.values:
        errors["grade"] = ["请选择隐患等级（一般或重大）"]
    elif grade == Grade.GENERAL and _item_grade(h) == "major":
        errors["grade"] = [f"检查项 {h.item_code} 在检查项库中直接判定为重大隐患，不能定为一般隐患"]
    colour = data.get("risk_colour") or ""
    if colour and colour not in RiskColour.values:
        errors["risk_colour"] = ["风险等级不是有效的选项"]
    score = _decimal(data, "risk_score", "风险分值")
    _raise(errors)
    fields: dict[str, Any] = {"grade": grade, "risk_colour": colour, "risk_score": score}
    if _text(data, "grade_basis"):
        fields["grade_basis"] = _text(data, "grade_basis")
    return Change(fields, _text(data, "note"), {"grade": grade})


def _responsible(data: dict[str, Any], h: Hazard) -> Person | None:
    person = data.get("responsible")
    if person is None:
        return h.responsible if h.responsible_id else None
    if not isinstance(person, Person):
        raise ValidationError({"responsible": ["请选择整改责任人"]})
    if not (person.unit.path.startswith(h.unit.path) or h.unit.path.startswith(person.unit.path)
            or person.unit_id == h.unit.supervising_unit_id):
        raise ValidationError({"responsible": ["整改责任人应为本单位（或上级单位）人员"]})
    return person


def _start(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    """下达整改 with the five measures (五落实); a major hazard needs all five plus temporary protection."""
    errors: dict[str, list[str]] = {}
    measures = _require(errors, data, "measures", "请填写整改措施")
    try:
        responsible = _responsible(data, h)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        responsible = None
    if responsible is None and "responsible" not in errors:
        errors["responsible"] = ["请指定整改责任人"]
    deadline = _date(data, "deadline", "整改时限")
    if deadline is None:
        errors["deadline"] = ["请填写整改时限"]
    elif deadline < today:
        errors["deadline"] = ["整改时限不能早于今天"]
    funds = _decimal(data, "funds", "整改资金")
    if h.grade == Grade.MAJOR:
        if funds is None:
            errors["funds"] = ["重大隐患必须落实整改资金（万元，可填 0）"]
        _require(errors, data, "contingency_plan", "重大隐患必须有应急预案")
        _require(errors, data, "temporary_measures", "重大隐患整改前必须落实临时防范措施（停用、警示、隔离或撤离）")
    _raise(errors)
    fields = {"measures": measures, "responsible": responsible, "deadline": deadline, "funds": funds,
              "funds_source": _text(data, "funds_source"), "responsible_department": _text(data, "responsible_department"),
              "contingency_plan": _text(data, "contingency_plan"), "temporary_measures": _text(data, "temporary_measures")}
    assert responsible is not None
    return Change(fields, _text(data, "note"), {"deadline": str(deadline), "responsible": responsible.name})


def _on_spot(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    if h.grade != Grade.GENERAL or _item_grade(h) == "major":
        errors["grade"] = ["只有一般隐患可以立即整改；重大隐患须制定治理方案并落实“五落实”"]
    measures = _require(errors, data, "measures", "请填写当场采取的整改措施")
    _raise(errors)
    person = _person_of(actor)
    return Change({"measures": measures, "responsible": person, "deadline": today, "rectified_at": now,
                   "rectified_by": actor if _is_user(actor) else None}, measures)


def _submit(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    note = _require(errors, data, "note", "请填写整改情况说明")
    _raise(errors)
    return Change({"rectified_at": now, "rectified_by": actor if _is_user(actor) else None}, note)


def _accept(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    person = _person_of(actor)
    if actor is not None and ((person is not None and h.responsible_id == person.pk)
                              or (h.rectified_by_id is not None and h.rectified_by_id == actor.pk)):
        raise ValidationError({"accepted_by": ["验收人不能是整改责任人或整改提交人本人，请由其他人员验收"]})
    errors: dict[str, list[str]] = {}
    note = _require(errors, data, "note", "请填写验收结论")
    _raise(errors)
    return Change({"accepted_at": now, "accepted_by": actor if _is_user(actor) else None, "acceptance_note": note},
                  note)


def _reject(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    note = _require(errors, data, "note", "请填写验收不通过的原因")
    _raise(errors)
    return Change({"rejection_count": h.rejection_count + 1, "rectified_at": None}, note,
                  {"rejection_count": h.rejection_count + 1})


def _close(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    def lift(hazard: Hazard, event: HazardEvent) -> None:
        SupervisionOrder.objects.filter(hazard=hazard, lifted_at__isnull=True).update(lifted_at=now)

    return Change({"closed_at": now, "listed": False, "under_supervision": False}, _text(data, "note"), after=lift)


def _request_extension(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime,
                       today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    reason = _require(errors, data, "reason", "请填写延期理由")
    new_deadline = _date(data, "new_deadline", "申请延至日期")
    if new_deadline is None:
        errors["new_deadline"] = ["请填写申请延至的日期"]
    elif h.deadline is not None and new_deadline <= h.deadline:
        errors["new_deadline"] = [f"申请延至的日期应晚于当前整改时限（{h.deadline}）"]
    elif new_deadline < today:
        errors["new_deadline"] = ["申请延至的日期不能早于今天"]
    if Extension.objects.filter(hazard=h, status=ExtensionStatus.PENDING).exists():
        errors["new_deadline"] = ["已有一份延期申请在等待审批"]
    _raise(errors)

    def create(hazard: Hazard, event: HazardEvent) -> None:
        assert new_deadline is not None
        Extension.objects.create(hazard=hazard, old_deadline=h.deadline, new_deadline=new_deadline, reason=reason,
                                 requested_by=actor if _is_user(actor) else None)

    return Change({}, reason, {"new_deadline": str(new_deadline)}, after=create)


def _pending_extension(h: Hazard) -> Extension:
    ext = Extension.objects.filter(hazard=h, status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise ValidationError({"action": ["没有待审批的延期申请"]})
    return ext


def _decide_extension(approve: bool) -> Callable[..., Change]:
    def handler(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
        ext = _pending_extension(h)
        note = _text(data, "note")
        if not approve and not note:
            raise ValidationError({"note": ["驳回延期须说明理由"]})

        def decide(hazard: Hazard, event: HazardEvent) -> None:
            Extension.objects.filter(pk=ext.pk, status=ExtensionStatus.PENDING).update(
                status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
                decided_by=actor if _is_user(actor) else None, decided_at=now, decision_note=note)

        fields: dict[str, Any] = {}
        if approve:
            fields = {"deadline": ext.new_deadline, "escalation_level": 0}
        return Change(fields, note, {"new_deadline": str(ext.new_deadline), "approved": approve}, after=decide)

    return handler


def _report_upward(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    reason = data.get("upward_reason") or ""
    if reason not in UpwardReason.values:
        errors["upward_reason"] = ["请选择需上级协调的原因（资金不足、校园外部因素或其他）"]
    note = _require(errors, data, "note", "请写明需上级协调解决的事项")
    _raise(errors)
    return Change({"reported_up_at": now, "upward_reason": reason, "upward_note": note}, note, {"reason": reason})


def _supervise(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    if h.grade != Grade.MAJOR:
        errors["grade"] = ["督办、挂牌督办只适用于重大隐患"]
    kind = data.get("kind") or SupervisionKind.ORDER
    if kind not in SupervisionKind.values:
        errors["kind"] = ["督办类型不是有效的选项"]
    number = _require(errors, data, "document_number", "请填写督办文号")
    deadline = _date(data, "supervision_deadline", "督办期限")
    if deadline is None:
        errors["supervision_deadline"] = ["请填写督办期限"]
    elif deadline < today:
        errors["supervision_deadline"] = ["督办期限不能早于今天"]
    issuing = level_above(h.unit)
    if issuing is None:
        errors["kind"] = ["该单位没有上级单位，无法督办"]
    _raise(errors)

    def issue(hazard: Hazard, event: HazardEvent) -> None:
        assert issuing is not None and deadline is not None
        SupervisionOrder.objects.create(hazard=hazard, kind=kind, issuing_unit=issuing, document_number=number,
                                        issued_on=today, deadline=deadline, requirements=_text(data, "requirements"),
                                        issued_by=actor if _is_user(actor) else None, delivered_at=now)

    fields: dict[str, Any] = {"under_supervision": True}
    if kind == SupervisionKind.LISTED:
        fields["listed"] = True
    return Change(fields, _text(data, "requirements") or _text(data, "note"),
                  {"kind": kind, "document_number": number, "deadline": str(deadline)}, after=issue)


def _acknowledge(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    order = SupervisionOrder.objects.filter(hazard=h, received_at__isnull=True, lifted_at__isnull=True).first()
    if order is None:
        raise ValidationError({"action": ["没有待签收的督办单"]})

    def receive(hazard: Hazard, event: HazardEvent) -> None:
        SupervisionOrder.objects.filter(pk=order.pk, received_at__isnull=True).update(
            received_at=now, received_by=actor if _is_user(actor) else None)

    return Change({}, _text(data, "note"), {"document_number": order.document_number}, after=receive)


def _request_void(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    if h.void_requested_at is not None:
        raise ValidationError({"reason": ["已提交作废申请，正在等待上级审批"]})
    errors: dict[str, list[str]] = {}
    reason = _require(errors, data, "reason", "请填写作废理由（如误报、重复登记）")
    _raise(errors)
    return Change({"void_requested_at": now, "void_requested_by": actor if _is_user(actor) else None,
                   "void_request_reason": reason}, reason)


def _decide_void(approve: bool) -> Callable[..., Change]:
    def handler(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
        if h.void_requested_at is None:
            raise ValidationError({"action": ["没有待审批的作废申请；作废须先由本单位申请并说明理由"]})
        note = _text(data, "note")
        if approve:
            return Change({"voided_at": now, "voided_by": actor if _is_user(actor) else None,
                           "void_reason": h.void_request_reason}, note or h.void_request_reason)
        if not note:
            raise ValidationError({"note": ["驳回作废须说明理由"]})
        return Change({"void_requested_at": None, "void_requested_by": None, "void_request_reason": ""}, note)

    return handler


def _comment(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    errors: dict[str, list[str]] = {}
    note = _require(errors, data, "note", "请填写说明")
    _raise(errors)
    return Change({}, note)


def _link_risk(actor: Any, h: Hazard, data: dict[str, Any], now: datetime.datetime, today: datetime.date) -> Change:
    """Link the hazard to the risk it comes from (or, with no risk given, remove the link)."""
    risk = data.get("risk")
    if risk is None:
        if h.risk_id is None:
            raise ValidationError({"risk": ["请选择关联风险"]})
        return Change({"risk": None}, _text(data, "note") or "取消关联风险", {"risk": None})
    _raise(_risk_errors(h.unit, risk))
    if risk.pk == h.risk_id:
        raise ValidationError({"risk": ["该隐患已关联此风险"]})
    return Change({"risk": risk}, _text(data, "note") or f"关联风险：{risk.area}",
                  {"risk": risk.pk, "risk_area": risk.area, "risk_level": risk.level})


HANDLERS: dict[str, Callable[..., Change]] = {
    "register": _register, "grade": _grade, "start_rectification": _start, "rectify_on_spot": _on_spot,
    "submit_for_acceptance": _submit, "accept": _accept, "reject": _reject, "close": _close,
    "request_extension": _request_extension, "approve_extension": _decide_extension(True),
    "refuse_extension": _decide_extension(False), "report_upward": _report_upward, "supervise": _supervise,
    "acknowledge_supervision": _acknowledge, "request_void": _request_void, "approve_void": _decide_void(True),
    "refuse_void": _decide_void(False), "comment": _comment, "link_risk": _link_risk,
}


def _authorise(actor: Any, h: Hazard, name: str, spec: Spec) -> None:
    if actor is None:
        return
    if spec.who == "above":
        if not may_act_above(actor, h):
            raise PermissionDenied(ABOVE_ONLY)
        return
    if _covers(actor, h.unit):
        return
    person = _person_of(actor)
    # The person responsible for rectification reports their own progress without unit write rights.
    if name in ("submit_for_acceptance", "comment", "request_extension") and person is not None \
            and h.responsible_id == person.pk:
        return
    raise PermissionDenied(NO_RIGHT)


def authorise(actor: Any, hazard: Hazard, action_name: str) -> None:
    """Raise PermissionDenied when the actor may not take the action on this hazard at all (views ask it before the
    action, so such a POST is a 403 page; ``transition`` asks it again under the row lock)."""
    spec = SPECS.get(action_name)
    if spec is not None:
        _authorise(actor, hazard, action_name, spec)


def _pending_extension_exists(h: Hazard) -> bool:
    return Extension.objects.filter(hazard=h, status=ExtensionStatus.PENDING).exists()


def _unreceived_order_exists(h: Hazard) -> bool:
    return SupervisionOrder.objects.filter(hazard=h, received_at__isnull=True, lifted_at__isnull=True).exists()


# What must hold besides the status for an action to make sense now; actions that cannot are not offered (their
# handlers refuse them with a message all the same).
READY: dict[str, Callable[[Hazard], bool]] = {
    "request_extension": lambda h: not _pending_extension_exists(h),
    "approve_extension": _pending_extension_exists,
    "refuse_extension": _pending_extension_exists,
    "acknowledge_supervision": _unreceived_order_exists,
    "supervise": lambda h: h.grade == Grade.MAJOR,
    "request_void": lambda h: h.void_requested_at is None,
    "approve_void": lambda h: h.void_requested_at is not None,
    "refuse_void": lambda h: h.void_requested_at is not None,
}


def allowed_actions(actor: Any, hazard: Hazard) -> list[tuple[str, str]]:
    """The actions the actor may take on the hazard now (for buttons); the action still checks everything."""
    out = []
    for name, spec in SPECS.items():
        if hazard.status not in spec.sources or hazard.voided_at is not None:
            continue
        if name in READY and not READY[name](hazard):
            continue
        try:
            _authorise(actor, hazard, name, spec)
        except PermissionDenied:
            continue
        out.append((name, spec.label))
    return out


def transition(actor: Any, hazard: Hazard, action_name: str, *, photos: Iterable[Any] = (),
               now: datetime.datetime | None = None, **data: Any) -> Hazard:
    """Apply one named action to a hazard. Raises ValidationError (Chinese, naming the field) or PermissionDenied;
    on any error nothing changes."""
    spec = SPECS.get(action_name)
    if spec is None:
        raise ValidationError({"action": [f"未知的操作：{action_name}"]})
    now = now or timezone.now()
    today = timezone.localdate(now)
    photos = list(photos)
    with transaction.atomic():
        locked = (Hazard.objects.select_for_update(of=("self",))
                  .select_related("unit", "unit__supervising_unit", "item_result__item", "responsible__unit",
                                  "risk__school")
                  .get(pk=hazard.pk))
        if locked.status == Status.CLOSED:
            raise ValidationError({"action": ["该隐患已销号，记录只读，不能再修改"]})
        if locked.voided_at is not None or locked.status == Status.VOID:
            raise ValidationError({"action": ["该隐患已作废，记录只读，不能再修改"]})
        if locked.status not in spec.sources:
            raise ValidationError({"action": [
                f"隐患当前状态为“{Status(locked.status).label}”，不能{spec.label}"]})
        _authorise(actor, locked, action_name, spec)
        change = HANDLERS[action_name](actor, locked, data, now, today)
        if photos and not spec.photos:
            raise ValidationError({"photos": [f"“{spec.label}”不能附照片"]})
        checked = _check_photos(photos)
        fields = dict(change.fields)
        if spec.target is not None:
            fields["status"] = spec.target
        previous = locked.status
        # The state check and the change are one statement: a concurrent action that got here first
        # makes this match no row.
        updated = Hazard.objects.filter(pk=locked.pk, status=previous).update(**fields, updated_at=now)
        if updated != 1:
            raise ValidationError({"action": ["该隐患刚刚已被他人处理，请刷新页面后重试"]})
        event = HazardEvent.objects.create(
            hazard=locked, action=action_name, label=spec.label, from_status=previous,
            to_status=spec.target or previous, at=now, actor=actor if _is_user(actor) else None,
            actor_name=_actor_name(actor), note=change.note, data=change.data or {},
        )
        if change.after is not None:
            change.after(locked, event)
        _save_photos(locked, event, checked, spec.photos or PhotoStage.BEFORE)
        if audit_enabled():
            audit_changes = {k: [None, _plain(v)] for k, v in fields.items()}
            write_entry(locked, AuditAction.VOID if action_name == "approve_void" else AuditAction.UPDATE,
                        audit_changes)
    hazard.refresh_from_db()
    return hazard


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | decimal.Decimal):
        return str(value)
    return value


# --- entries written for other apps -----------------------------------------------------------------


def note_routed_task(actor: Any, hazard: Hazard, *, agency_name: str, title: str, deadline: Any,
                     task_id: int | None = None, now: datetime.datetime | None = None) -> HazardEvent | None:
    """交办: the chiefs app routed a task to a member agency from this hazard — an entry in the hazard's own
    timeline (the state does not change). A closed or voided hazard stays read-only: nothing is written."""
    if hazard.status in (Status.CLOSED, Status.VOID) or hazard.voided_at is not None:
        return None
    return HazardEvent.objects.create(
        hazard=hazard, action="routed_to_agency", label="交办成员单位", from_status=hazard.status,
        to_status=hazard.status, at=now or timezone.now(), actor=actor if _is_user(actor) else None,
        actor_name=_actor_name(actor), note=f"交办{agency_name}：{title}，期限 {deadline}",
        data={"task": task_id, "agency": agency_name, "deadline": str(deadline)})


# --- overdue escalation ------------------------------------------------------------------------------


def escalation_recipients(hazard: Hazard, level: int) -> tuple[list[Person], str]:
    """Who an overdue hazard goes to: level 1 the school's 包保 leaders, level 2 the bureau safety office.
    Returns the people and a readable list (a unit name where nobody is recorded)."""
    today = timezone.localdate()
    if level == 1:
        assignments = (Assignment.objects.filter(kind=AssignmentKind.BAOBAO, target_unit=hazard.unit,
                                                 started_on__lte=today)
                       .exclude(ended_on__lt=today).select_related("holder_post__holder", "holder_unit"))
        people = [a.holder_post.holder for a in assignments if a.holder_post and a.holder_post.holder]
        names = [p.name for p in people] or [a.holder_unit.name for a in assignments]
        return people, "、".join(names)
    bureau = level_above(hazard.unit)
    if bureau is None:
        return [], ""
    office_ids = Group.objects.filter(unit=bureau, office_unit__isnull=False).values("office_unit")
    people = [p.holder for p in Post.objects.filter(unit__in=office_ids, holder__isnull=False).select_related("holder")
              if p.holder is not None]
    return people, "、".join(p.name for p in people) or f"{bureau.name}安全办"


def escalate_overdue(today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Raise the escalation level of overdue hazards (worker / `anxiao hazards escalate`). Idempotent."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    count = 0
    qs = Hazard.objects.filter(overdue_q(today), voided_at__isnull=True, escalation_level__lt=2).select_related("unit")
    for hazard in qs.iterator():
        assert hazard.deadline is not None
        days = (today - hazard.deadline).days
        level = 2 if days >= BUREAU_ESCALATION_DAYS else 1
        if level <= hazard.escalation_level:
            continue
        with transaction.atomic():
            claimed = Hazard.objects.filter(overdue_q(today), pk=hazard.pk,
                                            escalation_level=hazard.escalation_level).update(escalation_level=level,
                                                                                 escalated_at=now)
            if claimed != 1:
                continue
            people, to = escalation_recipients(hazard, level)
            label = "逾期上报包保领导" if level == 1 else "逾期上报教育局安全办"
            HazardEvent.objects.create(
                hazard=hazard, action="escalate", label=label, from_status=hazard.status, to_status=hazard.status,
                at=now, actor_name="系统", note=f"整改时限 {hazard.deadline} 已逾期 {days} 天；已通知：{to or '（未设置）'}",
                data={"level": level, "days_overdue": days, "to": to},
            )
            _notify(hazard, level, people, days)
        count += 1
    return count


def _notify(hazard: Hazard, level: int, people: list[Person], days: int) -> None:
    """Queue notices through the notifications app's outbox when it is installed; the event row is the record."""
    from django.apps import apps
    from django.urls import reverse

    if not apps.is_installed("anxiao.notifications"):
        return
    from anxiao.notifications.actions import alert

    title = f"隐患逾期未整改：{hazard.unit.name} {hazard.location}"
    body = f"{hazard.number}（{hazard.get_grade_display()}）整改时限 {hazard.deadline}，已逾期 {days} 天。"
    alert(people, hazard.unit, title, body, reverse("hazards:hazard_detail", args=[hazard.pk]),
          key=f"hazard-escalate:{hazard.pk}:{level}")


def file_rectification_list(actor: Any, school: Unit, *, meeting: Any, today: datetime.date | None = None) -> Any:
    """报局安全办备案 of the school's rectification list (seed 002 五(二)): every problem still open in its hazard
    ledger with its owner (整改责任人) and deadline (整改时限), studied at a meeting of the school's Party
    organisation (党总支/支部会议, a meeting record with minutes or an attachment). Recorded as the school's
    ``rectification_list`` record, which fills the filing slot the bureau sees on its compliance pages."""
    from anxiao.obligations import actions as obligations

    today = today or timezone.localdate()
    if actor is not None and not _covers(actor, school):
        raise PermissionDenied("只能为本单位报送整改清单")
    errors: dict[str, list[str]] = {}
    ok_meeting = (meeting is not None and getattr(meeting, "kind", "") == "meeting"
                  and meeting.meeting_kind == "party_branch" and meeting.unit_id == school.pk
                  and not meeting.is_voided and meeting.occurred_on <= today
                  and ((meeting.notes or "").strip() or meeting.attachments.exists()))
    if not ok_meeting:
        errors["meeting"] = ["请选择本校研究整改清单的党总支（支部）会议记录（须有会议纪要或附件）"]
    rows = list(Hazard.objects.filter(unit__path__startswith=school.path, status__in=OPEN_STATUSES,
                                      voided_at__isnull=True).select_related("responsible").order_by("deadline", "id"))
    if not rows:
        errors["hazards"] = ["隐患台账中没有需整改的问题：请先登记查摆出的问题"]
    loose = [h.number for h in rows if not (h.responsible_id or h.responsible_department) or h.deadline is None]
    if loose:
        errors["hazards"] = [f"以下问题未明确整改责任人或整改时限：{'、'.join(loose[:20])}"]
    if errors:
        raise ValidationError(errors)
    lines = [f"经 {meeting.occurred_on} {meeting.title or '党总支（支部）会议'}研究，报局安全办备案。"]
    for i, h in enumerate(rows, 1):
        who = h.responsible.name if h.responsible else h.responsible_department
        lines.append(f"{i}. {h.number} {h.location}：{h.description[:60]}；责任人 {who}；整改时限 {h.deadline}")
    return obligations.record_activity(
        actor, kind="report_submission", unit=school, occurred_on=today, today=today,
        title=f"整改问题清单（{len(rows)} 项）", notes="\n".join(lines), record_kind="rectification_list",
        evidence="record", source_ref=f"activity:{meeting.pk}")
