# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Any, Optional

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404, resolve_visible
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, Year
from anxiao.org.models import Unit

from . import actions
from .models import Indicator, LicenceReview, Scheme

router = Router()


class IndicatorOut(Schema):
    id: int
    name: str
    weight: Decimal
    method: str
    source: str
    rule: str


class VetoOut(Schema):
    id: int
    kind: str
    effect: str
    source: str


class SchemeOut(Schema):
    id: int
    bureau_id: int
    year: Year
    level: str
    name: str
    status: str
    computed_at: Optional[datetime.datetime]
    indicators: list[IndicatorOut]
    veto_rules: list[VetoOut]

    @staticmethod
    def resolve_indicators(obj: Scheme) -> Any:
        return obj.indicators.all()

    @staticmethod
    def resolve_veto_rules(obj: Scheme) -> Any:
        return obj.veto_rules.all()


class SchemeIn(Schema):
    bureau_id: int
    year: Year
    name: str = ""
    level: str = "schools"
    with_defaults: bool = True


class IndicatorIn(Schema):
    name: str
    weight: Decimal
    method: str
    source: str = ""
    rule: str = ""


class VetoIn(Schema):
    kind: str
    effect: str = "disqualify"
    source: str


class ScoreIn(Schema):
    unit_id: int
    score: Decimal
    evidence: str


class AssessmentResultOut(Schema):
    unit_id: int
    unit_name: str
    rank: int
    score: Decimal
    raw_score: Decimal
    vetoed: bool
    breakdown: list[dict[str, Any]]
    vetoes: list[dict[str, Any]]

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    return get_visible_or_404(Scheme.objects.select_related("bureau"), request.user, pk=pk)


@router.get("/assessment/schemes", response=list[SchemeOut], auth=AUTH, operation_id="schemes_list")
def list_schemes(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Scheme.objects.visible_to(request.user)


@router.get("/assessment/schemes/{int:pk}", response={200: SchemeOut, 404: ErrorOut}, auth=AUTH,
            operation_id="schemes_get")
def get_scheme(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return _scheme(request, pk)


@router.post("/assessment/schemes", response={201: SchemeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="schemes_create")
def create_scheme(request: HttpRequest, payload: SchemeIn):  # type: ignore[no-untyped-def]
    bureau = get_visible_or_404(Unit, request.user, pk=payload.bureau_id)
    return 201, actions.create_scheme(request.user, bureau, year=payload.year, name=payload.name,
                                      level=payload.level, with_defaults=payload.with_defaults)


@router.post("/assessment/schemes/{int:pk}/indicators",
             response={201: IndicatorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="schemes_add_indicator")
def add_indicator(request: HttpRequest, pk: int, payload: IndicatorIn):  # type: ignore[no-untyped-def]
    return 201, actions.add_indicator(request.user, _scheme(request, pk), **payload.dict())


@router.post("/assessment/schemes/{int:pk}/vetoes", response={201: VetoOut, 403: ErrorOut, 404: ErrorOut,
                                                              422: ErrorOut}, auth=AUTH,
             operation_id="schemes_add_veto")
def add_veto(request: HttpRequest, pk: int, payload: VetoIn):  # type: ignore[no-untyped-def]
    return 201, actions.add_veto(request.user, _scheme(request, pk), **payload.dict())


@router.post("/assessment/schemes/{int:pk}/publish", response={200: SchemeOut, 403: ErrorOut, 404: ErrorOut,
                                                                422: ErrorOut}, auth=AUTH,
             operation_id="schemes_publish")
def publish(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return actions.publish(request.user, _scheme(request, pk))


@router.post("/assessment/indicators/{int:pk}/scores", response={201: dict, 403: ErrorOut, 404: ErrorOut,
                                                                  422: ErrorOut}, auth=AUTH,
             operation_id="indicators_score")
def score(request: HttpRequest, pk: int, payload: ScoreIn):  # type: ignore[no-untyped-def]
    indicator = get_visible_or_404(Indicator.objects.select_related("scheme__bureau"), request.user, pk=pk)
    unit = get_visible_or_404(Unit, request.user, pk=payload.unit_id)
    row = actions.score(request.user, indicator, unit, payload.score, payload.evidence)
    return 201, {"id": row.pk, "score": str(row.score)}


@router.post("/assessment/schemes/{int:pk}/compute", response={200: list[AssessmentResultOut], 403: ErrorOut, 404: ErrorOut,
                                                                422: ErrorOut}, auth=AUTH,
             operation_id="schemes_compute")
def compute(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return actions.compute(request.user, _scheme(request, pk))


@router.get("/assessment/schemes/{int:pk}/results", response={200: list[AssessmentResultOut], 404: ErrorOut}, auth=AUTH,
            operation_id="schemes_results")
def results(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return _scheme(request, pk).results.select_related("unit").order_by("rank")


# --- 许可审批/年检 (seed 001 一(十四)): the same action and access as /assessment/licences/ ---


class LicenceOut(Schema):
    id: int
    unit_id: int
    subject: str
    year: int
    safety_standard_met: bool
    findings: str
    rectify_by: Optional[datetime.date]
    result: str
    reviewed_on: datetime.date


class LicenceIn(Schema):
    unit_id: int
    subject: str
    year: Year
    safety_standard_met: bool
    findings: str = ""
    rectify_by: Optional[datetime.date] = None
    revoke: bool = False
    reviewed_on: Optional[datetime.date] = None


@router.get("/assessment/licences", response=list[LicenceOut], auth=AUTH, operation_id="licences_list")
@paginate(LimitOffsetPagination)
def list_licences(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Licence reviews and 年检 of private schools and schools with a bus, in the caller's scope."""
    return LicenceReview.objects.visible_to(request.user)


@router.post("/assessment/licences", response={201: LicenceOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="licences_review")
def review_licence(request: HttpRequest, payload: LicenceIn):  # type: ignore[no-untyped-def]
    """Record a review: the result follows from the safety standard (passed; rectify by a deadline; refused, i.e.
    vetoed; revoked only after a refusal)."""
    unit = resolve_visible(Unit, request.user, payload.unit_id, "unit", "单位")
    return 201, actions.review_licence(request.user, unit, **payload.dict(exclude={"unit_id"}))
