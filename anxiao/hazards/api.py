# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import create_model

from anxiao.core.access import get_visible_or_404, resolve_visible, user_scope
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination
from anxiao.obligations.api import ActivityOut
from anxiao.org.models import Person, Unit

from . import actions
from .filters import HazardFilter
from .forms import transition_fields
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


# The body of a transition: the action's name and the fields of every transition form (``hazards.forms``; a person
# or a risk by its id), so a field added to a form is in the API and its OpenAPI entry too.
HazardTransitionIn = create_model("HazardTransitionIn", __base__=Schema, action=(str, ...),
                                  **transition_fields())  # type: ignore[call-overload]


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
    page's total does): counting two million hazards to send fifty took most of a second (issue 18); so does the
    count of a list filtered by one headline figure (``?overdue=true``); else the count stops at
    ``core.paging.COUNT_CAP`` + 1, as every API list's does."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        from .views import tallied_counts, tallied_figure

        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        pager = ("limit", "offset")
        tallied = tallied_counts(request, also=pager)
        figure = tallied_figure(request, also=pager) if tallied is None else None
        count = tallied[0]["total"] if tallied is not None else figure[0] if figure is not None \
            else self._items_count(queryset)
        return {"items": queryset[offset:offset + limit], "count": count}


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
def hazard_transition(request: HttpRequest, pk: int, payload: HazardTransitionIn):  # type: ignore[no-untyped-def,valid-type]
    hazard = get_visible_or_404(Hazard, request.user, pk=pk)
    data = payload.dict(exclude_none=True)  # type: ignore[attr-defined]
    name = data.pop("action")
    if "risk_id" in data:
        data["risk"] = _risk(request, data.pop("risk_id"))
    if "responsible_id" in data:
        data["responsible"] = resolve_visible(Person, request.user, data.pop("responsible_id"), "responsible",
                                              "整改责任人")
    return actions.transition(request.user, hazard, name, **data)


# --- 整改问题清单 (seed 002 五(二)): the same action and access as /hazards/rectification-list/ ---


class RectificationListIn(Schema):
    school_id: int
    meeting_id: int | None = None


def _filed_lists(request: HttpRequest) -> Any:
    from anxiao.obligations.models import Activity

    return (Activity.objects.visible_to(request.user).filter(record_kind="rectification_list", voided_at__isnull=True)
            .order_by("-occurred_on", "-id"))


@router.get("/hazards/rectification-lists", response=list[ActivityOut], auth=AUTH,
            operation_id="rectification_lists_list")
@paginate(LimitOffsetPagination)
def list_rectification_lists(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The rectification lists filed with the bureau's safety office, in the caller's scope (newest first)."""
    return _filed_lists(request).prefetch_related("counted", "attachments")


@router.post("/hazards/rectification-lists", response={201: ActivityOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="rectification_lists_file")
def file_rectification_list(request: HttpRequest, payload: RectificationListIn):  # type: ignore[no-untyped-def]
    """File the school's rectification list (every open problem with its owner and deadline), studied at the Party
    branch meeting ``meeting_id`` (a meeting record of the school, kind party_branch, with minutes or an attachment)."""
    from anxiao.obligations.models import Activity

    school = resolve_visible(Unit, request.user, payload.school_id, "school", "学校")
    meeting = resolve_visible(Activity, request.user, payload.meeting_id, "meeting", "会议记录")
    return 201, actions.file_rectification_list(request.user, school, meeting=meeting)
