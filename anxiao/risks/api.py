# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from anxiao.core.access import get_visible_or_404, may_manage, user_scope
from anxiao.core.api import AUTH, ErrorOut, crud_routes
from anxiao.org.models import Unit

from . import actions, filters
from .models import Risk, RiskAssessment, RiskSettings
from .selectors import distribution
from .starter import starter_risks

router = Router()


class ScoreInputs(Schema):
    """What a score is worked out from (LEC: L×E×C, LS: L×S), the same in every risk schema; unused ones are null."""
    lec_l: Decimal | None = None
    lec_e: Decimal | None = None
    lec_c: Decimal | None = None
    ls_l: int | None = None
    ls_s: int | None = None


class Scored(ScoreInputs):
    """A risk or one of its assessments as scored (``grading``)."""
    method: str
    score: Decimal
    level: str


class Thresholds(Schema):
    """The bureau's level thresholds (red, orange, yellow) for each method; null where not set."""
    lec_red: Decimal | None = None
    lec_orange: Decimal | None = None
    lec_yellow: Decimal | None = None
    ls_red: int | None = None
    ls_orange: int | None = None
    ls_yellow: int | None = None


class RiskOut(Scored, Thresholds):
    id: int
    school_id: int
    code: str
    category: str
    area: str
    hazard_factors: str
    consequences: str
    existing_controls: str
    control_level: str
    control_level_overridden: bool
    reported_to_bureau: bool
    control_post_id: int | None
    review_date: datetime.date | None
    is_active: bool


class RiskIn(ScoreInputs):
    school_id: int
    category: str = "other"
    area: str
    hazard_factors: str = ""
    consequences: str = ""
    existing_controls: str = ""
    method: str = "lec"
    control_level: str | None = None
    control_post_id: int | None = None
    review_date: datetime.date | None = None


class RiskPatch(ScoreInputs):
    category: str | None = None
    area: str | None = None
    hazard_factors: str | None = None
    consequences: str | None = None
    existing_controls: str | None = None
    method: str | None = None
    control_level: str | None = None
    control_post_id: int | None = None
    review_date: datetime.date | None = None
    is_active: bool | None = None


class RiskSettingsOut(Schema):
    id: int
    bureau_id: int
    lec_red: Decimal
    lec_orange: Decimal
    lec_yellow: Decimal
    ls_red: int
    ls_orange: int
    ls_yellow: int


class RiskSettingsIn(Schema):
    bureau_id: int
    lec_red: Decimal = Decimal(320)
    lec_orange: Decimal = Decimal(160)
    lec_yellow: Decimal = Decimal(70)
    ls_red: int = 20
    ls_orange: int = 15
    ls_yellow: int = 9


class RiskSettingsPatch(Thresholds):
    pass


class AssessmentOut(Scored):
    id: int
    assessed_by_id: int | None
    note: str
    created_at: datetime.datetime


class StarterOut(Schema):
    code: str
    category: str
    area: str
    hazard_factors: str
    consequences: str
    existing_controls: str
    lec: list[float]


class RiskAdoptIn(Schema):
    school_id: int
    codes: list[str] | None = None


class DistributionOut(Schema):
    total: dict[str, int]
    schools: list[dict[str, Any]]


@router.get("/risks/starter", response=list[StarterOut], auth=AUTH, operation_id="risks_starter")
def starter(request: HttpRequest):
    """The built-in starter list of typical school risks, with suggested LEC scores."""
    return list(starter_risks())


@router.post("/risks/adopt", response={201: list[RiskOut], 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="risks_adopt")
def adopt(request: HttpRequest, payload: RiskAdoptIn):
    """Adopt entries of the starter list for a school (all when ``codes`` is left out)."""
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有采用风险清单的权限")
    school = Unit.objects.visible_to(request.user).filter(pk=payload.school_id).first()
    if school is None:
        raise ValidationError({"school": [f"编号为 {payload.school_id} 的学校不存在或不可见"]})
    return 201, actions.adopt_starter(request.user, school, payload.codes)


@router.get("/risks/distribution", response=DistributionOut, auth=AUTH, operation_id="risks_distribution")
def risk_distribution(request: HttpRequest):
    """Four-colour counts per visible school and their total."""
    return distribution(Risk.objects.visible_to(request.user))


@router.get("/risks/{int:pk}/assessments", response={200: list[AssessmentOut], 404: ErrorOut}, auth=AUTH,
            operation_id="risks_assessments")
def assessments(request: HttpRequest, pk: int):
    """The grading history of one risk, newest first."""
    risk = get_visible_or_404(Risk, request.user, pk=pk)
    return list(RiskAssessment.objects.visible_to(request.user).filter(risk=risk))


crud_routes(router, "risks", Risk, RiskOut, RiskIn, RiskPatch, filters.RiskFilter, actions.save_risk,
            select_related=("school",))
crud_routes(router, "risks/settings", RiskSettings, RiskSettingsOut, RiskSettingsIn, RiskSettingsPatch,
            filters.RiskSettingsFilter, actions.save_settings, needs=may_manage)
