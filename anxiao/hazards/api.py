# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404, resolve_visible, user_scope
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination
from anxiao.org.models import Person, Unit

from . import actions
from .filters import HazardFilter
from .models import Hazard, HazardEvent

router = Router()


class HazardOut(Schema):
    id: int
    number: str
    unit_id: int
    location: str
    category: str
    description: str
    source: str
    finder_name: str
    found_at: datetime.datetime
    grade: str
    grade_basis: str
    risk_score: Decimal | None
    risk_colour: str
    item_code: str
    inspection_id: int | None
    risk_id: int | None
    status: str
    measures: str
    responsible_id: int | None
    funds: Decimal | None
    deadline: datetime.date | None
    contingency_plan: str
    temporary_measures: str
    rejection_count: int
    reported_up_at: datetime.datetime | None
    upward_reason: str
    escalation_level: int
    under_supervision: bool
    listed: bool
    closed_at: datetime.datetime | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Hazard) -> bool:
        return obj.is_overdue()


class HazardIn(Schema):
    unit_id: int
    location: str
    category: str
    description: str
    source: str = "staff_report"
    found_at: datetime.datetime | None = None
    grade: str = "general"
    risk_id: int | None = None


class HazardTransitionIn(Schema):
    action: str
    note: str | None = None
    location: str | None = None
    category: str | None = None
    description: str | None = None
    grade: str | None = None
    grade_basis: str | None = None
    risk_score: Decimal | None = None
    risk_colour: str | None = None
    measures: str | None = None
    responsible_id: int | None = None
    responsible_department: str | None = None
    funds: Decimal | None = None
    funds_source: str | None = None
    deadline: datetime.date | None = None
    contingency_plan: str | None = None
    temporary_measures: str | None = None
    new_deadline: datetime.date | None = None
    reason: str | None = None
    upward_reason: str | None = None
    kind: str | None = None
    document_number: str | None = None
    supervision_deadline: datetime.date | None = None
    requirements: str | None = None
    risk_id: int | None = None


class EventOut(Schema):
    id: int
    action: str
    label: str
    from_status: str
    to_status: str
    at: datetime.datetime
    actor_name: str
    note: str
    data: dict


class CountsOut(Schema):
    counts: dict
    tallied_at: datetime.datetime | None = None  # set when the counts come from the per-town tally (large scope)


def _risk(request: HttpRequest, pk: int | None):  # type: ignore[no-untyped-def]
    if pk is None:
        return None
    from anxiao.risks.models import Risk

    risk = Risk.objects.visible_to(request.user).select_related("school").filter(pk=pk).first()
    if risk is None:
        raise ValidationError({"risk": [f"编号为 {pk} 的风险不存在或不可见"]})
    return risk


class HazardPagination(LimitOffsetPagination):
    """The API list's ``count`` for a large scope with no filter comes from the per-town tally (as the ledger
    page's total does): counting two million hazards to send fifty took most of a second (issue 18); else the
    count stops at ``core.paging.COUNT_CAP`` + 1, as every API list's does."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        from .views import tallied_counts

        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        tallied = tallied_counts(request, also=("limit", "offset"))
        return {"items": queryset[offset:offset + limit],
                "count": tallied[0]["total"] if tallied is not None else self._items_count(queryset)}


@router.get("/hazards", response=list[HazardOut], auth=AUTH, operation_id="hazards_list")
@paginate(HazardPagination)
def list_hazards(request: HttpRequest, filters: Query[HazardFilter]):  # type: ignore[no-untyped-def]
    qs = Hazard.objects.visible_to(request.user).order_by("-found_at", "-id")
    return filters.apply(qs)


@router.get("/hazards/counts", response=CountsOut, auth=AUTH, operation_id="hazards_counts")
def hazard_counts(request: HttpRequest, filters: Query[HazardFilter]):  # type: ignore[no-untyped-def]
    from .views import scope_counts

    qs = filters.apply(Hazard.objects.visible_to(request.user))
    counts, tallied_at = scope_counts(request, qs)
    return {"counts": counts, "tallied_at": tallied_at}


@router.get("/hazards/{int:pk}", response={200: HazardOut, 404: ErrorOut}, auth=AUTH, operation_id="hazards_get")
def get_hazard(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Hazard, request.user, pk=pk)


@router.get("/hazards/{int:pk}/events", response={200: list[EventOut], 404: ErrorOut}, auth=AUTH,
            operation_id="hazards_events")
def hazard_events(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    return list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id"))


@router.post("/hazards", response={201: HazardOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="hazards_create")
def create_hazard(request: HttpRequest, payload: HazardIn):  # type: ignore[no-untyped-def]
    if user_scope(request.user).empty:
        raise PermissionDenied("您没有上报隐患的权限")
    unit = Unit.objects.visible_to(request.user).filter(pk=payload.unit_id).first()
    if unit is None:
        raise ValidationError({"unit": [f"编号为 {payload.unit_id} 的单位不存在或不可见"]})
    data = payload.dict(exclude={"unit_id", "risk_id"})
    data["risk"] = _risk(request, payload.risk_id)
    if data.get("found_at") is None:
        data["found_at"] = timezone.now()
    return 201, actions.report_hazard(request.user, unit=unit, **data)


@router.post("/hazards/{int:pk}/transitions", response={200: HazardOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="hazards_transition")
def hazard_transition(request: HttpRequest, pk: int, payload: HazardTransitionIn):  # type: ignore[no-untyped-def]
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    data = payload.dict(exclude_none=True)
    name = data.pop("action")
    if "risk_id" in data:
        data["risk"] = _risk(request, data.pop("risk_id"))
    if "responsible_id" in data:
        data["responsible"] = resolve_visible(Person, request.user, data.pop("responsible_id"), "responsible",
                                              "整改责任人")
    return actions.transition(request.user, hazard, name, **data)
