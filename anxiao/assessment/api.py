# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Any, Optional

from django.http import HttpRequest
from ninja import Router, Schema

from anxiao.core.access import get_visible_or_404
from anxiao.core.api import AUTH, ErrorOut, Year
from anxiao.org.models import Unit

from . import actions
from .models import Indicator, Scheme

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
