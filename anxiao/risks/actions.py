"""Risk-register operations: the only code that changes risks, their grading history and thresholds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from anxiao.core.choices import UnitKind
from anxiao.core.models import assign
from anxiao.org.actions import require_unit

from . import grading
from .grading import CONTROL_FOR_LEVEL, Level, Method, Thresholds
from .models import Risk, RiskAssessment, RiskSettings
from .starter import by_code

SCORE_FIELDS = ("method", "lec_l", "lec_e", "lec_c", "ls_l", "ls_s")


def thresholds_for(school: Any) -> Thresholds:
    settings = RiskSettings.objects.filter(bureau_id=school.supervising_unit_id).first()
    return settings.thresholds if settings else Thresholds()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _grade(risk: Risk, thresholds: Thresholds) -> grading.Grade:
    if risk.method == Method.LEC:
        grade = grading.grade_lec(risk.lec_l, risk.lec_e, risk.lec_c, thresholds)
        risk.lec_l, risk.lec_e, risk.lec_c = (Decimal(str(v)) for v in (risk.lec_l, risk.lec_e, risk.lec_c))
        risk.ls_l = risk.ls_s = None
    elif risk.method == Method.LS:
        grade = grading.grade_ls(risk.ls_l, risk.ls_s, thresholds)
        risk.ls_l, risk.ls_s = int(str(risk.ls_l)), int(str(risk.ls_s))
        risk.lec_l = risk.lec_e = risk.lec_c = None
    else:
        raise ValidationError({"method": ["评价方法只能是 LEC 或 LS"]})
    return grade


def _record(actor: Any, risk: Risk, note: str) -> RiskAssessment:
    return RiskAssessment.objects.create(
        risk=risk, method=risk.method, lec_l=risk.lec_l, lec_e=risk.lec_e, lec_c=risk.lec_c, ls_l=risk.ls_l,
        ls_s=risk.ls_s, score=risk.score, level=risk.level, assessed_by=_user(actor), note=note,
    )


def save_risk(actor: Any, risk: Risk | None, note: str = "", **data: Any) -> Risk:
    """Create or change a risk; a change of method or scores regrades it and adds a history row.

    ``control_level`` left out keeps the current choice; "" (or the colour's own level) makes it
    follow the colour again; any other level is kept as a manual override.
    """
    creating = risk is None
    risk = risk or Risk()
    # Compared with the values as loaded (a bound form may already have changed the instance).
    loaded = getattr(risk, "_loaded_values", {})
    before = None if creating else tuple(loaded.get(f, getattr(risk, f)) for f in SCORE_FIELDS)
    if not creating:
        require_unit(actor, risk.school)
    requested = data.pop("control_level", None)
    assign(risk, data)
    if risk.school_id is None:
        raise ValidationError({"school": ["请选择学校"]})
    require_unit(actor, risk.school)
    if risk.school.kind != UnitKind.SCHOOL:
        raise ValidationError({"school": ["风险只能登记在学校/幼儿园"]})
    if risk.control_post_id and risk.control_post and not risk.control_post.unit.path.startswith(risk.school.path):
        raise ValidationError({"control_post": ["管控岗位必须是本校的岗位"]})
    grade = _grade(risk, thresholds_for(risk.school))
    risk.score, risk.level = grade.score, grade.level
    if requested is not None:
        if requested and requested not in grading.ControlLevel.values:
            raise ValidationError({"control_level": ["管控层级无效"]})
        risk.control_level_overridden = bool(requested) and requested != grade.control_level
    if not risk.control_level_overridden:
        risk.control_level = grade.control_level
    elif requested:
        risk.control_level = requested
    after = tuple(getattr(risk, f) for f in SCORE_FIELDS)
    with transaction.atomic():
        risk.full_clean()
        risk.save()
        if creating or after != before:
            _record(actor, risk, note or ("首次评估" if creating else "评分调整"))
    return risk


def adopt_starter(actor: Any, school: Any, codes: list[str] | None = None) -> list[Risk]:
    """Add entries of the starter list to a school's register, graded with the suggested LEC scores.

    Entries the school already has (same code) are skipped, so adopting twice changes nothing.
    """
    require_unit(actor, school)
    catalogue = by_code()
    codes = list(catalogue) if codes is None else codes
    unknown = [c for c in codes if c not in catalogue]
    if unknown:
        raise ValidationError({"codes": [f"内置风险清单中没有编号：{'、'.join(unknown)}"]})
    have = set(Risk.objects.filter(school=school, code__in=codes).values_list("code", flat=True))
    created = []
    with transaction.atomic():
        for code in codes:
            if code in have:
                continue
            entry = catalogue[code]
            lec_l, lec_e, lec_c = entry["lec"]
            created.append(save_risk(
                actor, None, note="采用内置风险清单（建议分值）", school=school, code=code, category=entry["category"],
                area=entry["area"], hazard_factors=entry["hazard_factors"], consequences=entry["consequences"],
                existing_controls=entry["existing_controls"], method=Method.LEC, lec_l=lec_l, lec_e=lec_e, lec_c=lec_c,
            ))
    return created


def save_settings(actor: Any, settings: RiskSettings | None, **data: Any) -> RiskSettings:
    """Set a bureau's thresholds; every risk of its schools whose colour changes is regraded with a history row."""
    creating = settings is None
    settings = settings or RiskSettings()
    if not creating:
        require_unit(actor, settings.bureau)
    assign(settings, data)
    if settings.bureau_id is None or settings.bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": ["风险分级设置只能由教育局设定"]})
    require_unit(actor, settings.bureau)
    grading.check_thresholds(settings.thresholds)
    with transaction.atomic():
        settings.full_clean()
        settings.save()
        thresholds = settings.thresholds
        for risk in Risk.objects.filter(school__supervising_unit=settings.bureau).select_for_update():
            grade = _grade(risk, thresholds)
            if grade.level == risk.level:
                continue
            risk.level = grade.level
            if not risk.control_level_overridden:
                risk.control_level = CONTROL_FOR_LEVEL[Level(grade.level)]
            risk.save()
            _record(actor, risk, "分级阈值调整")
    return settings
