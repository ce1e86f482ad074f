"""Accountability operations: open a case, decide per post. Only the bureau side decides."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import Role
from anxiao.incidents.actions import bureau_of

from .models import Case, CaseStatus, Decision, Finding, Ground, Measure, MeasureOption, SourceKind

DECIDERS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}


def _require(actor: Any, unit: Any) -> None:
    if actor is not None and not (roles_over_unit(actor, unit) & DECIDERS):
        raise PermissionDenied("只有教育局可以立案和作出追责决定")


def enabled_measures(unit: Any) -> list[str]:
    """The measures the unit's bureau uses; all of them until the bureau configures its own list."""
    bureau = bureau_of(unit)
    options = list(MeasureOption.objects.filter(bureau=bureau)) if bureau is not None else []
    if not options:
        return list(Measure.values)
    return [o.measure for o in options if o.enabled]


def open_case(actor: Any, unit: Any, *, title: str, source_kind: str, year: int | None = None, source: Any = None,
              description: str = "", posts: Any = ()) -> Case:
    _require(actor, unit)
    errors: dict[str, list[str]] = {}
    if not title or not title.strip():
        errors["title"] = ["请填写案由"]
    if source_kind not in SourceKind.values:
        errors["source_kind"] = ["请选择案件来源"]
    year = year or timezone.localdate().year
    if year > timezone.localdate().year:
        errors["year"] = ["年度不能晚于今年"]
    posts = list(posts)
    if not posts:
        errors["posts"] = ["请选择涉及的岗位"]
    elif any(not p.unit.path.startswith(unit.path) and not _looks_after(p, unit) for p in posts):
        errors["posts"] = ["涉及岗位须属于该单位，或是该单位的包保责任人"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.create(
            unit=unit, title=title.strip(), source_kind=source_kind, year=year, description=description,
            opened_by=actor, source_type=ContentType.objects.get_for_model(type(source)) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
        )
        case.posts.set(posts)
    return case


def _looks_after(post: Any, unit: Any) -> bool:
    return post.assignments.filter(target_unit=unit).exists()


# Measures that take the year's assessment away must say on which ground (seed 002 五(三)).
NEEDS_GROUND = (Measure.PERFORMANCE,)


def decide(actor: Any, case: Case, *, post: Any, finding: str, reasoning: str, measures: list[str] | None = None,
           decided_on: datetime.date | None = None, document_number: str = "",
           grounds: list[str] | None = None) -> Decision:
    _require(actor, case.unit)
    errors: dict[str, list[str]] = {}
    if finding not in Finding.values:
        errors["finding"] = ["请作出认定：尽职免责或失职追责"]
    if not reasoning or not reasoning.strip():
        errors["reasoning"] = ["请写明认定理由和依据的履职记录"]
    measures = list(dict.fromkeys(measures or []))
    allowed = enabled_measures(case.unit)
    unknown = [m for m in measures if m not in allowed]
    if unknown:
        errors["measures"] = [f"本局未启用的追责措施：{'、'.join(unknown)}"]
    elif finding == Finding.DERELICT and not [m for m in measures if m != Measure.NONE]:
        errors["measures"] = ["失职追责须至少选择一项追责措施"]
    elif finding == Finding.DILIGENT and [m for m in measures if m != Measure.NONE]:
        errors["measures"] = ["尽职免责不能同时给予追责措施"]
    grounds = list(dict.fromkeys(grounds or []))
    bad = [g for g in grounds if g not in Ground.values]
    if bad:
        errors["grounds"] = [f"不是有效的情形：{'、'.join(map(str, bad))}（可选：{'、'.join(map(str, Ground.labels))}）"]
    elif finding == Finding.DERELICT and not grounds and any(m in NEEDS_GROUND for m in measures):
        errors["grounds"] = ["取消本年度综合考核评估资格和绩效奖励须写明情形：" + "、".join(map(str, Ground.labels))]
    if not case.posts.filter(pk=post.pk).exists():
        errors["post"] = ["该岗位不在本案涉及岗位中"]
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        errors["decided_on"] = ["决定日期不能晚于今天"]
    if case.voided_at is not None:
        errors["finding"] = ["案件已作废"]
    if errors:
        raise ValidationError(errors)
    if finding == Finding.DILIGENT:
        measures, grounds = [Measure.NONE], []
    with transaction.atomic():
        if Decision.objects.filter(case=case, post=post).exists():
            raise ValidationError({"post": ["该岗位已有决定"]})
        decision = Decision.objects.create(
            case=case, post=post, person=post.holder, finding=finding, reasoning=reasoning.strip(), measures=measures,
            grounds=grounds,
            decided_by=actor, decided_on=decided_on, document_number=document_number,
        )
        if not case.posts.exclude(pk__in=case.decisions.values("post_id")).exists():
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.DECIDED, updated_at=timezone.now())
    return decision


def veto_decisions(unit: Any, year: int) -> list[Decision]:
    """Decisions of a year that veto the unit's annual assessment (a measure 'veto' on one of its posts)."""
    qs = Decision.objects.filter(case__year=year, case__voided_at__isnull=True, post__unit__path__startswith=unit.path)
    return [d for d in qs.select_related("case", "post") if Measure.VETO in d.measures]


def lost_assessment_decisions(unit: Any, year: int) -> list[Decision]:
    """Decisions of a year that take away the unit's comprehensive assessment and performance award on one of the
    seed's grounds (不重视、推进不力、整改不到位、弄虚作假…; seed 002 五(三)), on one of its posts."""
    qs = Decision.objects.filter(case__year=year, case__voided_at__isnull=True, finding=Finding.DERELICT,
                                 post__unit__path__startswith=unit.path)
    return [d for d in qs.select_related("case", "post") if Measure.PERFORMANCE in d.measures]


def configure_measure(actor: Any, bureau: Any, measure: str, *, enabled: bool, label: str = "",
                      source: str = "") -> MeasureOption:
    """A bureau switches an accountability measure on or off and words it its own way."""
    _require(actor, bureau)
    if measure not in Measure.values:
        raise ValidationError({"measure": ["不是有效的追责措施"]})
    if measure == Measure.NONE and not enabled:
        raise ValidationError({"measure": ["“不予追责（尽职免责）”不能停用"]})
    with transaction.atomic():
        if not MeasureOption.objects.filter(bureau=bureau).exists():
            # The first change turns the implicit "all measures" into an explicit list.
            MeasureOption.objects.bulk_create([MeasureOption(bureau=bureau, measure=m) for m in Measure.values])
        option = MeasureOption.objects.get(bureau=bureau, measure=measure)
        option.enabled, option.label, option.source = enabled, label.strip(), source.strip()
        option.save()
    return option


def bars(person: Any, year: int) -> list[Decision]:
    """The decisions that bar a person from 评优评先 and 晋职晋级 in a year (seed 000 六.5, 003 四(一)): a derelict
    finding with the ``disqualified`` measure, decided that year, in a case not voided."""
    if person is None:
        return []
    rows = Decision.objects.filter(person=person, decided_on__year=year, case__voided_at__isnull=True)
    return [d for d in rows.select_related("case") if Measure.DISQUALIFIED in (d.measures or [])]


def require_eligible(person: Any, year: int) -> None:
    """Refuse a person on any award (评优评先) or promotion (晋职晋级) list the product produces for that year."""
    barred = bars(person, year)
    if barred:
        d = barred[0]
        ref = f"（{d.document_number}）" if d.document_number else ""
        raise ValidationError({"person": [f"{person}因“{d.case.title}”{ref}被取消{year}年度评优评先、晋职晋级资格"]})
