"""Inspection operations: load the checklist library, run an inspection, fail → hazard, patrol check-ins."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from anxiao.core.access import can_act_over, user_scope
from anxiao.core.choices import PostKind
from anxiao.org.models import Assignment, Person, Post, Unit

from .models import (
    Checklist,
    ChecklistItem,
    Frequency,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionSignature,
    InspectionStatus,
    ItemGrade,
    ItemResult,
    MemberRole,
    Outcome,
    PatrolCheckIn,
    PatrolPoint,
    ResultPhoto,
    SignerRole,
    new_secret,
)

NO_RIGHT = "您没有在该范围内检查的权限"
NATIONAL = Path(__file__).with_name("data") / "checklist_national.yaml"
# Inspection kinds -> the obligations app's activity kinds, so inspections count towards quotas.
ACTIVITY_KIND: dict[str, str] = {
    InspectionKind.DAILY_PATROL: "patrol", InspectionKind.HALF_MONTHLY: "inspection",
    InspectionKind.MONTHLY_LEADERSHIP: "leadership_inspection", InspectionKind.SPECIAL: "inspection",
    InspectionKind.BUREAU_SUPERVISION: "supervision_visit", InspectionKind.CROSS: "inspection",
    InspectionKind.UNANNOUNCED: "supervision_visit", InspectionKind.EXPERT: "inspection",
}
# Kinds run by somebody from outside the inspected unit.
OUTSIDE_KINDS = (InspectionKind.BUREAU_SUPERVISION, InspectionKind.CROSS, InspectionKind.UNANNOUNCED,
                 InspectionKind.EXPERT)


def _covers(actor: Any, unit: Unit | None) -> bool:
    if actor is None:
        return True
    scope = user_scope(actor, write=True)
    return scope.everything if unit is None else scope.covers_unit(unit)


# --- checklist library -------------------------------------------------------------------------------


def load_checklist(path: Path | str = NATIONAL, bureau: Unit | None = None) -> tuple[Checklist, bool]:
    """Load a checklist YAML (the national library by default). A version already loaded is left alone."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    existing = Checklist.objects.filter(code=data["code"], version=data["version"], bureau=bureau).first()
    if existing is not None:
        return existing, False
    names = {c["code"]: c["name"] for c in data.get("categories", [])}
    with transaction.atomic():
        checklist = Checklist.objects.create(code=data["code"], version=data["version"], title=data["title"],
                                             source=data.get("source", ""), bureau=bureau)
        items = []
        for order, item in enumerate(data["items"], start=1):
            applies = item.get("applies") or {}
            items.append(ChecklistItem(
                checklist=checklist, code=item["code"], category=item["category"],
                category_name=names.get(item["category"], item["category"]), text=item["text"],
                grade=item["grade"], major_basis=item.get("major_basis") or "",
                basis_verified=bool(item.get("basis_verified", True)), frequency=item.get("frequency", "month"),
                stages_exclude=applies.get("stages_exclude") or [], boarding_only=bool(applies.get("boarding_only")),
                school_bus_only=bool(applies.get("school_bus_only")), lab_only=bool(applies.get("lab_only")),
                source=item.get("source") or "", order=order, required=bool(item.get("required", True)),
                allow_na=bool(item.get("allow_na", True)), points=int(item.get("points") or 0)))
        ChecklistItem.objects.bulk_create(items)
    return checklist, True


# --- a bureau's own checklists: add, edit, retire; versioned like the library ------------------------

CATEGORY_NAMES = {"GL": "安全管理基础", "XF": "消防安全", "XS": "校舍及设施设备", "SP": "食品卫生与公共卫生",
                  "SY": "实验室与危化品", "JT": "交通与校车", "NS": "防溺水", "AB": "校园安保与技防物防", "WL": "网络与信息安全",
                  "ZB": "周边环境", "SS": "学生宿舍", "HD": "大型活动与集体外出", "XL": "心理健康、欺凌与学生保护"}
CODE_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,8}$")
ITEM_FIELDS = ("code", "category", "text", "grade", "major_basis", "frequency", "stages_exclude", "boarding_only",
               "school_bus_only", "lab_only", "source", "order", "required", "allow_na", "points")


def _bureau_checklist(actor: Any, checklist: Checklist) -> None:
    if checklist.bureau_id is None:
        raise ValidationError({"checklist": ["内置检查项库不能修改；请新建本局检查表（可复制内置检查项库）"]})
    if not _covers(actor, checklist.bureau):
        raise PermissionDenied("只有本局管理员可以修改本局检查表")
    if not checklist.is_active:
        raise ValidationError({"checklist": ["该版本已停用，不能再修改"]})


def create_checklist(actor: Any, *, bureau: Unit | None, code: str, title: str, source: str = "",
                     copy_from: Checklist | None = None) -> Checklist:
    """A bureau's own checklist (version 1), empty or copied from a checklist it can see (e.g. the library)."""
    code, title = (code or "").strip().upper(), (title or "").strip()
    errors: dict[str, list[str]] = {}
    if bureau is None or bureau.kind != "bureau":
        errors["bureau"] = ["请选择教育局"]
    if not re.fullmatch(r"[A-Z0-9_-]{2,40}", code):
        errors["code"] = ["编码由 2–40 位大写字母、数字、下划线或连字符组成"]
    if not title:
        errors["title"] = ["请填写检查表名称"]
    if not errors and Checklist.objects.filter(bureau=bureau, code=code).exists():
        errors["code"] = [f"本局已有编码为 {code} 的检查表"]
    if errors:
        raise ValidationError(errors)
    assert bureau is not None
    if not _covers(actor, bureau):
        raise PermissionDenied("只有本局管理员可以新建本局检查表")
    with transaction.atomic():
        checklist = Checklist.objects.create(code=code, version=1, title=title, source=source.strip(), bureau=bureau)
        if copy_from is not None:
            _copy_items(copy_from, checklist)
    return checklist


def _copy_items(source: Checklist, target: Checklist, skip: str = "") -> None:
    ChecklistItem.objects.bulk_create([
        ChecklistItem(checklist=target, category_name=i.category_name, basis_verified=i.basis_verified,
                      **{f: getattr(i, f) for f in ITEM_FIELDS})
        for i in source.items.all() if i.code != skip])


def _editable_version(checklist: Checklist, skip: str = "") -> Checklist:
    """The version to change: this one while no inspection used it, else a new version (the old one stays as it
    was for the inspections that used it, and is no longer offered)."""
    if not Inspection.objects.filter(checklist=checklist).exists():
        return checklist
    locked = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if not locked.is_active:
        raise ValidationError({"checklist": ["该检查表刚刚已被他人修改，请刷新页面后重试"]})
    newest = Checklist.objects.filter(bureau=checklist.bureau, code=checklist.code).order_by("-version").first()
    assert newest is not None
    new = Checklist.objects.create(code=checklist.code, version=newest.version + 1, title=checklist.title,
                                   source=checklist.source, bureau=checklist.bureau)
    _copy_items(checklist, new, skip=skip)
    Checklist.objects.filter(pk=checklist.pk).update(is_active=False)
    return new


def _item_values(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    category = str(data.get("category") or "")
    code = str(data.get("code") or "").strip().upper()
    text = str(data.get("text") or "").strip()
    if category not in CATEGORY_NAMES:
        errors["category"] = ["请选择检查类别"]
    if not CODE_RE.fullmatch(code):
        errors["code"] = ["编码格式应为“类别-编号”，如 XF-B01"]
    elif category in CATEGORY_NAMES and not code.startswith(f"{category}-"):
        errors["code"] = [f"编码应以所属类别 {category}- 开头（隐患类别由编码确定）"]
    if not text:
        errors["text"] = ["请填写检查内容"]
    grade = data.get("grade") or ItemGrade.GENERAL
    if grade not in ItemGrade.values:
        errors["grade"] = ["默认隐患等级不是有效的选项"]
    frequency = data.get("frequency") or Frequency.MONTH
    if frequency not in Frequency.values:
        errors["frequency"] = ["建议频次不是有效的选项"]
    major_basis = str(data.get("major_basis") or "").strip()
    if grade != ItemGrade.GENERAL and not major_basis:
        errors["major_basis"] = ["重大或特定条件下重大的检查项须写明判定依据/条件"]
    points = str(data.get("points") if data.get("points") is not None else "0").strip() or "0"
    if not points.isdecimal() or int(points) > 100:
        errors["points"] = ["分值应为 0–100 的整数"]
    if errors:
        raise ValidationError(errors)
    return {"code": code, "category": category, "category_name": CATEGORY_NAMES[category], "text": text,
            "grade": grade, "major_basis": major_basis, "frequency": frequency,
            "source": str(data.get("source") or "").strip()[:300],
            "boarding_only": bool(data.get("boarding_only")), "lab_only": bool(data.get("lab_only")),
            "school_bus_only": bool(data.get("school_bus_only")), "required": bool(data.get("required", True)),
            "allow_na": bool(data.get("allow_na", True)), "points": int(points)}


def save_item(actor: Any, checklist: Checklist, item: ChecklistItem | None = None,
              **data: Any) -> tuple[Checklist, ChecklistItem]:
    """Add an item to a bureau's checklist, or edit one. Returns the version changed (a new one if the
    checklist was already used) and the item in it."""
    _bureau_checklist(actor, checklist)
    if item is not None and item.checklist_id != checklist.pk:
        raise ValidationError({"item": ["检查项不属于该检查表"]})
    values = _item_values(data)
    with transaction.atomic():
        version = _editable_version(checklist)
        current = version.items.filter(code=item.code).first() if item is not None else None
        same_code = version.items.filter(code=values["code"])
        if (same_code.exclude(pk=current.pk) if current is not None else same_code).exists():
            raise ValidationError({"code": [f"本检查表已有编码为 {values['code']} 的检查项"]})
        if current is None:
            values["order"] = (version.items.aggregate(m=Max("order"))["m"] or 0) + 1
            current = ChecklistItem.objects.create(checklist=version, **values)
        else:
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
    return version, current


def retire_item(actor: Any, checklist: Checklist, item: ChecklistItem) -> Checklist:
    """停用检查项: the item leaves the checklist (in a new version if the checklist was already used)."""
    _bureau_checklist(actor, checklist)
    if item.checklist_id != checklist.pk:
        raise ValidationError({"item": ["检查项不属于该检查表"]})
    with transaction.atomic():
        version = _editable_version(checklist, skip=item.code)
        if version.pk == checklist.pk:
            item.delete()  # never used by an inspection: nothing refers to it
    return version


def retire_checklist(actor: Any, checklist: Checklist) -> Checklist:
    """停用检查表: no longer offered for new inspections; past inspections keep it."""
    _bureau_checklist(actor, checklist)
    Checklist.objects.filter(pk=checklist.pk).update(is_active=False)
    checklist.refresh_from_db()
    return checklist


def current_checklist(unit: Unit | None = None) -> Checklist | None:
    """The newest active checklist for a unit: its bureau's own, else the national library."""
    bureau = unit.supervising_unit if unit is not None and unit.supervising_unit_id else None
    qs = Checklist.objects.filter(is_active=True)
    return (qs.filter(bureau=bureau).order_by("-version").first() if bureau else None) or \
        qs.filter(bureau__isnull=True).order_by("-version").first()


RISK_PREFIX = "FX-"
# Risk register categories → hazard categories (the checklist library's 13).
RISK_TO_HAZARD_CATEGORY = {"fire": "XF", "buildings": "XS", "food": "SP", "lab": "SY", "traffic": "JT",
                           "drowning": "NS", "security": "AB", "dormitory": "SS", "events": "HD", "bullying": "XL",
                           "other": "GL"}


@dataclass(frozen=True)
class RiskControlItem:
    """A check item generated from one risk of the inspected school: are its controls in place?"""

    risk: Any
    code: str
    text: str
    category: str = "FX"
    category_name: str = "风险管控措施"
    grade: str = "general"
    required: bool = True
    allow_na: bool = False
    points: int = 0


def risk_control_items(inspection: Inspection) -> list[RiskControlItem]:
    """One item per active risk of the inspected school (双重预防: 风险管控措施落实情况), red risks first."""
    if not inspection.risk_controls:
        return []
    from anxiao.risks.grading import LEVEL_ORDER
    from anxiao.risks.models import Risk

    rank = {str(level): n for n, level in enumerate(LEVEL_ORDER)}
    risks = sorted(Risk.objects.filter(school=inspection.unit, is_active=True).order_by("id"),
                   key=lambda r: (rank.get(r.level, 9), r.pk))
    return [RiskControlItem(risk=r, code=f"{RISK_PREFIX}{r.pk}",
                            text=f"【{r.get_level_display()}】{r.area}：{r.existing_controls or '（未填写管控措施）'}"
                                 f"（管控层级：{r.get_control_level_display()}）")
            for r in risks]


def applicable_items(inspection: Inspection) -> list[ChecklistItem]:
    if inspection.checklist_id is None:
        return []
    checklist: Any = inspection.checklist
    items = checklist.items.all()
    if inspection.categories:
        items = items.filter(category__in=inspection.categories)
    return [i for i in items if i.applies_to(inspection.unit)]


# --- inspections ---------------------------------------------------------------------------------------


def _looks_after(person: Person, unit: Unit) -> bool:
    today = timezone.localdate()
    return Assignment.objects.filter(holder_post__holder=person, target_unit=unit, started_on__lte=today) \
        .exclude(ended_on__lt=today).exists()


def _check_members(kind: str, unit: Unit, members: list[dict[str, Any]], team: bool = True,
                   people: bool = True) -> None:
    """``team``: check the whole team's make-up; ``people``: check each person against the inspected unit."""
    errors: list[str] = []
    if kind == InspectionKind.CROSS:
        if team and not members:
            errors.append("交叉互检须填写检查人员")
        for m in members if people else []:
            person = m.get("person")
            if person is None:
                continue
            if person.unit.path.startswith(unit.path):
                errors.append(f"{person.name} 属于受检单位，不能参加对本单位的交叉互检")
            elif _looks_after(person, unit):
                errors.append(f"{person.name} 包保联系受检单位，不能参加对该单位的交叉互检")
    if kind == InspectionKind.EXPERT and team:
        roles = {m.get("role") for m in members}
        if MemberRole.OFFICIAL not in roles or MemberRole.EXPERT not in roles:
            errors.append("专家检查组须至少有一名监管干部和一名专家")
    if errors:
        raise ValidationError({"members": errors})


def start_inspection(actor: Any, *, unit: Unit, kind: str, planned_on: datetime.date | None = None,
                     checklist: Checklist | None = None, inspecting_unit: Unit | None = None,
                     leader: Person | None = None, members: Iterable[dict[str, Any]] = (), title: str = "",
                     categories: Iterable[str] = (), client_uuid: Any = None,
                     risk_controls: bool = False) -> Inspection:
    """Plan / start an inspection. A repeated ``client_uuid`` (a re-submitted phone form) returns the first one."""
    if client_uuid:
        found = Inspection.objects.filter(client_uuid=client_uuid).first()
        if found is not None:
            return found
    errors: dict[str, list[str]] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = ["检查类型不是有效的选项"]
    if kind in OUTSIDE_KINDS and inspecting_unit is None:
        errors["inspecting_unit"] = ["上级督查、交叉互检、明察暗访和专家检查须填写检查单位"]
    if inspecting_unit is not None and inspecting_unit.pk == unit.pk:
        errors["inspecting_unit"] = ["检查单位不能是受检单位本身"]
    if errors:
        raise ValidationError(errors)
    members = list(members)
    _check_members(kind, unit, members)
    if not _covers(actor, inspecting_unit or unit):
        raise PermissionDenied(NO_RIGHT)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            unit=unit, kind=kind, planned_on=planned_on or timezone.localdate(),
            checklist=checklist or current_checklist(unit), inspecting_unit=inspecting_unit,
            leader=leader or getattr(actor, "person", None), title=title, categories=list(categories),
            status=InspectionStatus.IN_PROGRESS, client_uuid=client_uuid or None, risk_controls=bool(risk_controls),
            recorded_by=actor if actor is not None and actor.pk else None)
        for m in members:
            person = m.get("person")
            InspectionMember.objects.create(inspection=inspection, person=person, role=m.get("role", "inspector"),
                                            name=m.get("name") or (person.name if person else ""),
                                            organisation=m.get("organisation", ""))
    return inspection


def add_member(actor: Any, inspection: Inspection, *, person: Person | None = None, name: str = "",
               role: str = MemberRole.INSPECTOR, organisation: str = "") -> InspectionMember:
    """Add somebody to the inspection team, under the same rules as at the start (交叉互检: nobody from the
    inspected unit or who looks after it under 包保)."""
    _require_inspector(actor, inspection)
    if inspection.status == InspectionStatus.DONE:
        raise ValidationError({"members": ["检查已完成，检查组不能再修改"]})
    if role not in MemberRole.values:
        raise ValidationError({"role": ["角色不是有效的选项"]})
    name = (name or (person.name if person else "")).strip()
    if not name:
        raise ValidationError({"name": ["请选择人员或填写姓名"]})
    _check_members(inspection.kind, inspection.unit, [{"person": person, "role": role}], team=False)
    if person is not None and inspection.members.filter(person=person).exists():
        raise ValidationError({"person": [f"{person.name} 已在检查组中"]})
    return InspectionMember.objects.create(inspection=inspection, person=person, name=name[:50], role=role,
                                           organisation=(organisation or "").strip()[:100])


def remove_member(actor: Any, member: InspectionMember) -> None:
    """Remove somebody from the team; an expert team keeps at least one official and one expert."""
    inspection = member.inspection
    _require_inspector(actor, inspection)
    if inspection.status == InspectionStatus.DONE:
        raise ValidationError({"members": ["检查已完成，检查组不能再修改"]})
    rest = [{"person": m.person, "role": m.role} for m in inspection.members.exclude(pk=member.pk)]
    _check_members(inspection.kind, inspection.unit, rest, people=False)
    member.delete()


def _require_inspector(actor: Any, inspection: Inspection) -> None:
    if not _covers(actor, inspection.inspecting_unit or inspection.unit):
        raise PermissionDenied(NO_RIGHT)


def record_results(actor: Any, inspection: Inspection, results: Iterable[dict[str, Any]], *,
                   photos: dict[str, list[Any]] | None = None) -> list[ItemResult]:
    """Save item results (pass / fail / na). Saving the same item again updates it: re-submitting a form
    never creates duplicates."""
    _require_inspector(actor, inspection)
    if inspection.status == InspectionStatus.DONE:
        raise ValidationError({"results": ["检查已完成，结果不能再修改"]})
    checklist: Any = inspection.checklist
    items: dict[str, Any] = {i.code: i for i in checklist.items.all()} if checklist is not None else {}
    items.update({i.code: i for i in risk_control_items(inspection)})
    photos = photos or {}
    from anxiao.core.files import check_upload

    errors: list[str] = []
    rows = []
    for r in results:
        code, outcome = str(r.get("item_code") or ""), r.get("outcome")
        if code not in items:
            errors.append(f"检查项 {code} 不在本次检查表中")
        elif outcome not in Outcome.values:
            errors.append(f"检查项 {code} 的结果应为合格、不合格或不适用")
        elif outcome == Outcome.NA and not items[code].allow_na:
            errors.append(f"检查项 {code} 不能选“不适用”，请选合格或不合格")
        elif outcome == Outcome.FAIL and not (r.get("note") or "").strip():
            errors.append(f"检查项 {code} 不合格，请写明问题")
        else:
            rows.append((code, outcome, r))
    if errors:
        raise ValidationError({"results": errors})
    checked = {code: [check_upload(f, field="photos") for f in files] for code, files in photos.items()}
    saved = []
    with transaction.atomic():
        for code, outcome, r in rows:
            item = items[code]
            control = isinstance(item, RiskControlItem)
            result, _created = ItemResult.objects.update_or_create(
                inspection=inspection, item_code=code,
                defaults={"item": None if control else item, "risk": item.risk if control else None,
                          "outcome": outcome, "note": (r.get("note") or "").strip(),
                          "location": (r.get("location") or "").strip()[:120],
                          "recorded_by": actor if actor is not None and actor.pk else None})
            for c in checked.get(code, []):
                # A re-submitted form carries the same photo again: keep it once.
                if not ResultPhoto.objects.filter(result=result, sha256=hashlib.sha256(c.content).hexdigest()).exists():
                    ResultPhoto.from_checked(c, f"inspections/{inspection.pk}", result=result).save()
            saved.append(result)
    return saved


@dataclass
class Section:
    """One section of an inspection's checklist (a category of items) with its progress and score."""

    code: str
    name: str
    rows: list[tuple[Any, ItemResult | None]]

    @property
    def answered(self) -> int:
        return sum(1 for _i, r in self.rows if r is not None)

    @property
    def required(self) -> int:
        return sum(1 for i, _r in self.rows if i.required)

    @property
    def required_answered(self) -> int:
        return sum(1 for i, r in self.rows if i.required and r is not None)

    @property
    def failed(self) -> int:
        return sum(1 for _i, r in self.rows if r is not None and r.outcome == Outcome.FAIL)

    @property
    def points(self) -> tuple[int, int]:
        """(earned, possible): a pass earns the item's points; 不适用 and unanswered items are left out."""
        earned = sum(i.points for i, r in self.rows if r is not None and r.outcome == Outcome.PASS)
        possible = sum(i.points for i, r in self.rows if r is not None and r.outcome != Outcome.NA)
        return earned, possible

    @property
    def score(self) -> int | None:
        earned, possible = self.points
        return round(100 * earned / possible) if possible else None


@dataclass
class Progress:
    sections: list[Section]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def total(self) -> int:
        return sum(len(s.rows) for s in self.sections)

    @property
    def required(self) -> int:
        return sum(s.required for s in self.sections)

    @property
    def required_answered(self) -> int:
        return sum(s.required_answered for s in self.sections)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.sections)

    @property
    def scored(self) -> bool:
        return any(i.points for s in self.sections for i, _r in s.rows)

    @property
    def score(self) -> int | None:
        earned = sum(s.points[0] for s in self.sections)
        possible = sum(s.points[1] for s in self.sections)
        return round(100 * earned / possible) if possible else None

    def missing(self) -> list[Any]:
        return [i for s in self.sections for i, r in s.rows if i.required and r is None]


def progress(inspection: Inspection, results: dict[str, ItemResult] | None = None) -> Progress:
    """The inspection's items by section, each with its result (or None), in checklist order."""
    if results is None:
        results = {r.item_code: r for r in inspection.results.all()}
    sections: dict[str, Section] = {}
    every: list[Any] = [*applicable_items(inspection), *risk_control_items(inspection)]
    for item in every:
        section = sections.setdefault(item.category, Section(item.category, item.category_name, []))
        section.rows.append((item, results.get(item.code)))
    return Progress(list(sections.values()))


def complete_inspection(actor: Any, inspection: Inspection, summary: str = "") -> Inspection:
    """检查完成: only once every required item is answered (a complete record is the evidence, not a tap)."""
    _require_inspector(actor, inspection)
    missing = progress(inspection).missing() if inspection.status != InspectionStatus.DONE else []
    if missing:
        codes = "、".join(i.code for i in missing[:8]) + ("等" if len(missing) > 8 else "")
        raise ValidationError({"results": [f"还有 {len(missing)} 项必查项未填写（{codes}），填写后才能完成检查"]})
    updated = Inspection.objects.filter(pk=inspection.pk).exclude(status=InspectionStatus.DONE).update(
        status=InspectionStatus.DONE, completed_at=timezone.now(), summary=summary)
    inspection.refresh_from_db()
    if updated:
        _record_activity(inspection)
    return inspection


def _record_activity(inspection: Inspection) -> None:
    """Count the inspection towards the obligations quotas (patrols, concentrated inspections…)."""
    from django.apps import apps

    if not apps.is_installed("anxiao.obligations"):
        return
    from anxiao.obligations.actions import record_activity

    fails = inspection.results.filter(outcome=Outcome.FAIL).count()
    # Outside the back-dating window the inspection still stands; the quota is the obligations app's concern.
    # Completed means every required item answered (complete_inspection refuses otherwise): a complete record,
    # the evidence inspection rules ask for (obligations/crediting.py). Whose slot it fills follows from who
    # inspected whom and who led it.
    with contextlib.suppress(ValidationError):
        record_activity(None, kind=ACTIVITY_KIND[inspection.kind], occurred_on=inspection.planned_on,
                        unit=inspection.unit, title=inspection.title or inspection.get_kind_display(),
                        notes=f"检查 {inspection.results.count()} 项，不合格 {fails} 项。{inspection.summary}".strip(),
                        record_kind=f"inspection:{inspection.kind}", evidence="record",
                        by_unit=inspection.inspecting_unit, responsible_post=leader_post(inspection),
                        post_role="led", source_ref=f"inspection:{inspection.pk}")


def leader_post(inspection: Inspection) -> Post | None:
    """The post in which the leader led the inspection: in the inspecting unit (or the inspected one for a
    self-inspection) first, else any post the leader holds."""
    if inspection.leader_id is None:
        return None
    posts = list(Post.objects.filter(holder_id=inspection.leader_id, is_active=True).select_related("unit"))
    home = inspection.inspecting_unit or inspection.unit
    return next((p for p in posts if p.unit.path.startswith(home.path)), posts[0] if posts else None)


def fail_to_hazard(actor: Any, result: ItemResult, *, location: str = "") -> Any:
    """不合格 → 隐患 in one step, carrying the item's category, note and photos. An item the library marks major
    makes the hazard major. Idempotent."""
    from anxiao.hazards.actions import report_hazard
    from anxiao.hazards.models import Hazard, Source

    if result.outcome != Outcome.FAIL:
        raise ValidationError({"outcome": ["只有不合格的检查项才能登记为隐患"]})
    # No ORDER BY: with the ledger's default ordering PostgreSQL may walk the found-date index of 2 million
    # hazards instead of the unique index on item_result.
    existing = next(iter(Hazard.objects.filter(item_result=result).order_by()[:1]), None)
    if existing is not None:
        return existing
    inspection = result.inspection
    _require_inspector(actor, inspection)
    source = Source.PATROL if inspection.kind == InspectionKind.DAILY_PATROL else (
        Source.SUPERVISION if inspection.kind in OUTSIDE_KINDS else Source.INSPECTION)
    if result.risk_id is not None:
        # A risk's controls failed: the hazard comes from that risk (双重预防) and carries its grading.
        risk = result.risk
        assert risk is not None
        return report_hazard(
            actor, unit=inspection.unit, location=location or result.location or risk.area[:120],
            category=RISK_TO_HAZARD_CATEGORY.get(risk.category, "GL"),
            description=result.note or f"风险“{risk.area}”的管控措施未落实", source=source,
            grade_basis=f"风险管控措施检查不合格（{risk.get_level_display()}）", item_code=result.item_code,
            inspection=inspection, item_result=result, risk=risk,
            risk_score=Decimal(risk.score).quantize(Decimal("0.1")), risk_colour=risk.level,
            photos=[p.as_upload() for p in result.photos.all()])
    item = result.item
    major = item is not None and item.grade == "major"
    return report_hazard(
        actor, unit=inspection.unit, location=location or result.location or "（见检查记录）",
        category=result.item_code.split("-")[0], description=result.note or (item.text if item else result.item_code),
        source=source, grade="major" if major else "general",
        grade_basis=(item.major_basis if item is not None and major else ""), item_code=result.item_code,
        inspection=inspection, item_result=result, photos=[p.as_upload() for p in result.photos.all()],
    )


# --- the report: signatures and the PDF ----------------------------------------------------------------


def may_sign(actor: Any, inspection: Inspection, role: str) -> bool:
    """The inspecting side records both signatures on the inspector's phone; the inspected unit's representative
    may also sign the report in their own account (the principal's home lists the reports waiting for it)."""
    if _covers(actor, inspection.inspecting_unit or inspection.unit):
        return True
    return role == SignerRole.REPRESENTATIVE and _covers(actor, inspection.unit)


def sign(actor: Any, inspection: Inspection, *, role: str, name: str, image: Any) -> InspectionSignature:
    """签名: the inspector and the inspected unit's representative sign on the inspector's phone (a drawn image,
    sent as a data URL or an upload), or the representative in their own account (``may_sign``). Each signs
    once; a completed inspection can still be signed."""
    import base64

    from django.core.files.base import ContentFile

    from anxiao.core.files import check_upload

    if not may_sign(actor, inspection, role if role in SignerRole.values else SignerRole.INSPECTOR):
        raise PermissionDenied(NO_RIGHT)
    errors: dict[str, list[str]] = {}
    if role not in SignerRole.values:
        errors["role"] = ["请选择签名人身份"]
    name = (name or "").strip()
    if not name:
        errors["signer_name"] = ["请填写签名人姓名"]
    if isinstance(image, str):
        if not image.startswith("data:image/png;base64,"):
            errors["signature"] = ["请在签名框内手写签名"]
            image = None
        else:
            try:
                image = ContentFile(base64.b64decode(image.split(",", 1)[1], validate=True), name="signature.png")
            except ValueError:
                errors["signature"] = ["签名图片无法识别，请重新签名"]
    elif image is None:
        errors["signature"] = ["请在签名框内手写签名"]
    if not errors and inspection.signatures.filter(role=role).exists():
        errors["role"] = [f"{SignerRole(role).label}已签名"]
    if errors:
        raise ValidationError(errors)
    checked = check_upload(image, field="signature")
    signature: InspectionSignature = InspectionSignature.from_checked(
        checked, f"inspections/{inspection.pk}/signatures", inspection=inspection, role=role, signer_name=name[:50],
        signed_at=timezone.now(), signed_by=actor if actor is not None and actor.pk else None)
    signature.save()
    return signature


def _stored(path: str) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / path


def report_pdf(inspection: Inspection) -> bytes:
    """The inspection report: who, when, what was checked section by section, the findings with their photos and
    hazards, and the signatures of the inspector and the inspected unit's representative."""
    from anxiao.core import pdf as pdfs

    results = {r.item_code: r for r in inspection.results.select_related("hazard").prefetch_related("photos")}
    state = progress(inspection, results)
    from anxiao.documents.gongwen import cn_date

    doc = pdfs.document()  # A4 with "第 X 页 共 Y 页" on every page
    done = inspection.status == InspectionStatus.DONE
    pdfs.title(doc, f"{inspection.get_kind_display()}检查报告" + ("" if done else "（检查未完成）"),
               f"{inspection.unit.name} · {cn_date(inspection.planned_on)}")
    team = "、".join(f"{m.name}（{m.get_role_display()}）" for m in inspection.members.all()) or (
        inspection.leader.name if inspection.leader_id and inspection.leader else "—")
    score = f"；得分 {state.score}" if state.scored and state.score is not None else ""
    lines = [f"受检单位：{inspection.unit.name}",
             f"检查单位：{inspection.inspecting_unit.name if inspection.inspecting_unit else inspection.unit.name}",
             f"检查组：{team}", f"检查表：{inspection.checklist or '—'}",
             f"检查项：共 {state.total} 项，已填 {state.answered} 项，不合格 {state.failed} 项{score}",
             f"检查结论：{inspection.summary or '—'}"]
    doc.set_font("cjk", size=10)
    for line in lines:
        doc.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for section in state.sections:
        doc.ln(2)
        doc.set_font("cjk", size=12)
        head = f"{section.code} {section.name}（{section.answered}/{len(section.rows)}"
        head += f"，{section.score} 分）" if state.scored and section.score is not None else "）"
        doc.cell(0, 8, head, new_x="LMARGIN", new_y="NEXT")
        pdfs.table(doc, ["编码", "检查内容", "结果", "说明 / 部位"], [
            [item.code, item.text, r.get_outcome_display() if r else "未填写",
             "；".join(x for x in ((r.note, r.location) if r else ()) if x)]
            for item, r in section.rows], widths=(16, 96, 18, 56))
    failed = [(i, r) for s in state.sections for i, r in s.rows if r is not None and r.outcome == Outcome.FAIL]
    doc.ln(3)
    doc.set_font("cjk", size=12)
    doc.cell(0, 8, f"发现问题（{len(failed)} 项）", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10)
    if not failed:
        doc.cell(0, 6, "未发现问题。", new_x="LMARGIN", new_y="NEXT")
    for item, r in failed:
        hazard = getattr(r, "hazard", None)
        doc.multi_cell(0, 6, f"{item.code} {r.note}" + (f"（{r.location}）" if r.location else "") +
                       (f" → 隐患 {hazard.number}（{hazard.get_status_display()}）" if hazard else "（未登记隐患）"),
                       new_x="LMARGIN", new_y="NEXT")
        x = doc.l_margin
        for photo in r.photos.all():
            path = _stored(photo.thumb_path or photo.path)
            if path.is_file():
                if doc.get_y() > doc.h - 60:
                    doc.add_page()
                doc.image(str(path), x=x, y=doc.get_y(), h=35)
                x += 50
        if x > doc.l_margin:
            doc.ln(37)
    doc.ln(4)
    doc.set_font("cjk", size=12)
    if doc.get_y() > doc.h - 60:
        doc.add_page()
    doc.cell(0, 8, "签名", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10)
    signed = {s.role: s for s in inspection.signatures.all()}
    top = doc.get_y()
    for n, (role, label) in enumerate(SignerRole.choices):
        x = doc.l_margin + n * 95
        sig = signed.get(role)
        doc.set_xy(x, top)
        doc.cell(90, 6, f"{label}：{sig.signer_name if sig else '（未签名）'}")
        if sig is not None and _stored(sig.path).is_file():
            doc.image(str(_stored(sig.path)), x=x, y=top + 7, h=25)
            doc.set_xy(x, top + 33)
            doc.cell(90, 6, f"{timezone.localtime(sig.signed_at):%Y-%m-%d %H:%M}")
    doc.set_y(top + 42)
    return pdfs.output(doc)


# --- patrol points ---------------------------------------------------------------------------------------


def save_point(actor: Any, point: PatrolPoint | None, **data: Any) -> PatrolPoint:
    point = point or PatrolPoint()
    if point.pk and not _covers(actor, point.unit):
        raise PermissionDenied(NO_RIGHT)
    for k, v in data.items():
        setattr(point, k, v)
    if not point.unit_id or not _covers(actor, point.unit):
        raise PermissionDenied(NO_RIGHT)
    if not (point.name or "").strip():
        raise ValidationError({"name": ["请填写巡查点名称"]})
    point.full_clean()
    point.save()
    return point


NOT_SCANNED = "请在巡查点现场用手机扫描该点的二维码打卡（列表中的链接不能打卡）"
STALE_CODE = "二维码无效或已更换：请扫描巡查点现场张贴的二维码"
GATE_NOT_SCANNED = "请在校门现场用手机扫描校门张贴的二维码签到（列表中的链接不能签到）"
GATE_STALE_CODE = "二维码无效或已更换：请扫描校门现场张贴的二维码"
NO_GATE = "本校还没有校门二维码：请学校在巡查点中添加校门（勾选“校门”）并张贴其二维码"


def prove_presence(points: list[PatrolPoint], code: str, *, gate: bool = False) -> PatrolPoint:
    """The one proof of presence of the product: the code read from one of these places' printed QR codes holds
    its secret (rotated by ``rotate_secret`` when a printed code leaks). Patrol check-ins and gate sign-ins both
    go through here. Returns the place whose code it is."""
    if not code:
        raise ValidationError({"code": [GATE_NOT_SCANNED if gate else NOT_SCANNED]})
    for point in points:
        if hmac.compare_digest(str(code), point.secret):
            return point
    raise ValidationError({"code": [GATE_STALE_CODE if gate else STALE_CODE]})


def gate_point(actor: Any, school: Any) -> PatrolPoint:
    """The school's gate point (its code is the gate's QR), made the first time the school needs one: when a gate
    duty is rostered or the gate code is printed."""
    found = PatrolPoint.objects.filter(unit=school, gate=True, is_active=True).order_by("pk").first()
    if found is not None:
        return found
    return save_point(actor, None, unit=school, name="校门", location="校门口", key_area=False, daily_minimum=0,
                      gate=True)


def prove_at_gate(school: Any, code: str) -> PatrolPoint:
    """Presence at the school gate: the code of one of the school's gate points (a school may have several)."""
    gates = list(PatrolPoint.objects.filter(unit=school, gate=True, is_active=True))
    if not gates:
        raise ValidationError({"code": [NO_GATE]})
    return prove_presence(gates, code, gate=True)


def check_in(actor: Any, point: PatrolPoint, *, code: str = "", normal: bool = True, note: str = "",
             client_uuid: Any = None, at: datetime.datetime | None = None) -> PatrolCheckIn:
    """Scan of a point's QR code by somebody of the school (guards included): the code's secret proves presence,
    and a point takes one check-in per ``min_interval_minutes``. Idempotent per client UUID."""
    if client_uuid:
        found = PatrolCheckIn.objects.filter(client_uuid=client_uuid).first()
        if found is not None:
            return found
    if not can_act_over(actor, point.unit):
        raise PermissionDenied(NO_RIGHT)
    if not point.is_active:
        raise ValidationError({"point": ["该巡查点已停用"]})
    if not code:
        raise ValidationError({"code": [NOT_SCANNED]})
    if not normal and not note.strip():
        raise ValidationError({"note": ["发现异常请写明情况"]})
    at = at or timezone.now()
    with transaction.atomic():
        # One check-in per interval: the point's row is the lock, so two quick taps cannot both pass. The school's
        # other key points are locked too, so that two guards finishing a round at once count it once.
        list(PatrolPoint.objects.select_for_update().filter(unit_id=point.unit_id, key_area=True).order_by("pk")
             .values_list("pk", flat=True))
        locked = PatrolPoint.objects.select_for_update().get(pk=point.pk)
        prove_presence([locked], code)
        last = PatrolCheckIn.objects.filter(point=locked).order_by("-at").first()
        interval = datetime.timedelta(minutes=locked.min_interval_minutes)
        if last is not None and interval and at - last.at < interval:
            again = timezone.localtime(last.at + interval)
            raise ValidationError({"code": [
                f"{locked.name}每 {locked.min_interval_minutes} 分钟只记一次打卡（上次 "
                f"{timezone.localtime(last.at):%H:%M}），请 {again:%H:%M} 以后再打卡"]})
        checkin = PatrolCheckIn.objects.create(point=locked, at=at, on=timezone.localdate(at), normal=normal,
                                               note=note.strip()[:200], client_uuid=client_uuid or None,
                                               by=actor if actor is not None and actor.pk else None)
        if locked.key_area and not locked.gate:
            _record_rounds(actor, locked.unit, checkin.on)
        return checkin


def rounds_on(unit: Unit, day: datetime.date) -> int:
    """Complete rounds of the school's key points on a day: the check-ins of its least-patrolled active key point
    (every point scanned once is one round; the school gate's sign-in point is not a patrol point)."""
    keys = list(PatrolPoint.objects.filter(unit=unit, key_area=True, is_active=True, gate=False)
                .values_list("pk", flat=True))
    if not keys:
        return 0
    counts = daily_counts(keys, day)
    return min(counts.get(pk, 0) for pk in keys)


def _record_rounds(actor: Any, unit: Unit, day: datetime.date) -> None:
    """Each round completed writes one record (``patrol_round``) that crediting.py counts for the guards' "重点部位
    每日巡查不少于5次" — the QR scans are the evidence, one tap or a hand-typed entry never is."""
    from django.apps import apps

    if not apps.is_installed("anxiao.obligations"):
        return
    from anxiao.obligations.actions import record_activity
    from anxiao.obligations.models import Activity

    done = rounds_on(unit, day)
    have = Activity.objects.filter(unit=unit, record_kind="patrol_round", occurred_on=day,
                                   voided_at__isnull=True).count()
    person_id = getattr(actor, "person_id", None)
    guard = (Post.objects.filter(holder_id=person_id, unit=unit, kind=PostKind.SECURITY_GUARD, is_active=True).first()
             if person_id else None)
    for n in range(have + 1, done + 1):
        # Outside the back-dating window (an offline scan synced late) the check-in still stands.
        with contextlib.suppress(ValidationError):
            record_activity(None, kind="patrol", occurred_on=day, unit=unit, responsible_post=guard, post_role="led",
                            title=f"重点部位巡查第 {n} 轮", record_kind="patrol_round", evidence="record",
                            notes="每个重点部位均已现场扫码打卡", source_ref=f"patrol_round:{unit.pk}:{day:%Y%m%d}:{n}")


def rotate_secret(actor: Any, point: PatrolPoint) -> PatrolPoint:
    """更换二维码: the printed code has leaked (a photo in a chat group); the old code no longer checks in."""
    if not _covers(actor, point.unit):
        raise PermissionDenied(NO_RIGHT)
    point.secret = new_secret()
    point.secret_rotated_at = timezone.now()
    point.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    return point


def checkin_path(point: PatrolPoint) -> str:
    """What the point's QR code holds: its check-in page with the secret (a gate: the gate sign-in page)."""
    from django.urls import reverse

    if point.gate:
        return f"{reverse('chiefs:gate_scan', args=[point.unit_id])}?k={point.secret}"
    return f"{reverse('inspections:point_checkin', args=[point.token])}?k={point.secret}"


def round_of(points: Any, day: datetime.date) -> list[PatrolCheckIn]:
    """巡查轨迹: the day's check-ins at these points in time order."""
    return list(PatrolCheckIn.objects.filter(point__in=points, on=day).select_related("point", "by").order_by("at"))


def daily_counts(points: Any, day: datetime.date) -> dict[int, int]:
    """Check-ins per point on one day, in one query."""
    rows = PatrolCheckIn.objects.filter(point__in=points, on=day).values("point").annotate(n=Count("id"))
    return {r["point"]: r["n"] for r in rows}


def new_uuid() -> str:
    return str(uuid.uuid4())
