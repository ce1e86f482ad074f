"""Inspection operations: load the checklist library, run an inspection, fail → hazard, patrol check-ins."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from anxiao.core.access import user_scope
from anxiao.org.models import Assignment, Person, Unit

from .models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionStatus,
    ItemResult,
    MemberRole,
    Outcome,
    PatrolCheckIn,
    PatrolPoint,
    ResultPhoto,
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
                source=item.get("source") or "", order=order))
        ChecklistItem.objects.bulk_create(items)
    return checklist, True


def current_checklist(unit: Unit | None = None) -> Checklist | None:
    """The newest active checklist for a unit: its bureau's own, else the national library."""
    bureau = unit.supervising_unit if unit is not None and unit.supervising_unit_id else None
    qs = Checklist.objects.filter(is_active=True)
    return (qs.filter(bureau=bureau).order_by("-version").first() if bureau else None) or \
        qs.filter(bureau__isnull=True).order_by("-version").first()


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


def _check_members(kind: str, unit: Unit, members: list[dict[str, Any]]) -> None:
    errors: list[str] = []
    if kind == InspectionKind.CROSS:
        if not members:
            errors.append("交叉互检须填写检查人员")
        for m in members:
            person = m.get("person")
            if person is None:
                continue
            if person.unit.path.startswith(unit.path):
                errors.append(f"{person.name} 属于受检单位，不能参加对本单位的交叉互检")
            elif _looks_after(person, unit):
                errors.append(f"{person.name} 包保联系受检单位，不能参加对该单位的交叉互检")
    if kind == InspectionKind.EXPERT:
        roles = {m.get("role") for m in members}
        if MemberRole.OFFICIAL not in roles or MemberRole.EXPERT not in roles:
            errors.append("专家检查组须至少有一名监管干部和一名专家")
    if errors:
        raise ValidationError({"members": errors})


def start_inspection(actor: Any, *, unit: Unit, kind: str, planned_on: datetime.date | None = None,
                     checklist: Checklist | None = None, inspecting_unit: Unit | None = None,
                     leader: Person | None = None, members: Iterable[dict[str, Any]] = (), title: str = "",
                     categories: Iterable[str] = (), client_uuid: Any = None) -> Inspection:
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
            status=InspectionStatus.IN_PROGRESS, client_uuid=client_uuid or None,
            recorded_by=actor if actor is not None and actor.pk else None)
        for m in members:
            person = m.get("person")
            InspectionMember.objects.create(inspection=inspection, person=person, role=m.get("role", "inspector"),
                                            name=m.get("name") or (person.name if person else ""),
                                            organisation=m.get("organisation", ""))
    return inspection


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
    items = {i.code: i for i in checklist.items.all()} if checklist is not None else {}
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
            result, _created = ItemResult.objects.update_or_create(
                inspection=inspection, item_code=code,
                defaults={"item": items[code], "outcome": outcome, "note": (r.get("note") or "").strip(),
                          "location": (r.get("location") or "").strip()[:120],
                          "recorded_by": actor if actor is not None and actor.pk else None})
            for c in checked.get(code, []):
                # A re-submitted form carries the same photo again: keep it once.
                if not ResultPhoto.objects.filter(result=result, sha256=hashlib.sha256(c.content).hexdigest()).exists():
                    ResultPhoto.from_checked(c, f"inspections/{inspection.pk}", result=result).save()
            saved.append(result)
    return saved


def complete_inspection(actor: Any, inspection: Inspection, summary: str = "") -> Inspection:
    _require_inspector(actor, inspection)
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
    with contextlib.suppress(ValidationError):
        record_activity(None, kind=ACTIVITY_KIND[inspection.kind], occurred_on=inspection.planned_on,
                        unit=inspection.unit, title=inspection.title or inspection.get_kind_display(),
                        notes=f"检查 {inspection.results.count()} 项，不合格 {fails} 项。{inspection.summary}".strip())


def fail_to_hazard(actor: Any, result: ItemResult, *, location: str = "") -> Any:
    """不合格 → 隐患 in one step. An item the library marks major makes the hazard major. Idempotent."""
    from anxiao.hazards.actions import report_hazard
    from anxiao.hazards.models import Hazard, Source

    if result.outcome != Outcome.FAIL:
        raise ValidationError({"outcome": ["只有不合格的检查项才能登记为隐患"]})
    existing = Hazard.objects.filter(item_result=result).first()
    if existing is not None:
        return existing
    inspection = result.inspection
    _require_inspector(actor, inspection)
    item = result.item
    major = item is not None and item.grade == "major"
    source = Source.PATROL if inspection.kind == InspectionKind.DAILY_PATROL else (
        Source.SUPERVISION if inspection.kind in OUTSIDE_KINDS else Source.INSPECTION)
    return report_hazard(
        actor, unit=inspection.unit, location=location or result.location or "（见检查记录）",
        category=result.item_code.split("-")[0], description=result.note or (item.text if item else result.item_code),
        source=source, grade="major" if major else "general",
        grade_basis=(item.major_basis if item is not None and major else ""), item_code=result.item_code,
        inspection=inspection, item_result=result,
    )


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


def check_in(actor: Any, point: PatrolPoint, *, normal: bool = True, note: str = "", client_uuid: Any = None,
             at: datetime.datetime | None = None) -> PatrolCheckIn:
    """Scan of a point's QR code by somebody of the school (guards included). Idempotent per client UUID."""
    if client_uuid:
        found = PatrolCheckIn.objects.filter(client_uuid=client_uuid).first()
        if found is not None:
            return found
    if actor is not None and not user_scope(actor).covers_unit(point.unit):
        raise PermissionDenied(NO_RIGHT)
    if not point.is_active:
        raise ValidationError({"point": ["该巡查点已停用"]})
    if not normal and not note.strip():
        raise ValidationError({"note": ["发现异常请写明情况"]})
    at = at or timezone.now()
    return PatrolCheckIn.objects.create(point=point, at=at, on=timezone.localdate(at), normal=normal,
                                        note=note.strip()[:200], client_uuid=client_uuid or None,
                                        by=actor if actor is not None and actor.pk else None)


def daily_counts(points: Any, day: datetime.date) -> dict[int, int]:
    """Check-ins per point on one day, in one query."""
    rows = PatrolCheckIn.objects.filter(point__in=points, on=day).values("point").annotate(n=Count("id"))
    return {r["point"]: r["n"] for r in rows}


def new_uuid() -> str:
    return str(uuid.uuid4())
