# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from decimal import Decimal
from typing import Optional

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination
from anxiao.org.models import Unit

from . import actions
from . import filters as incident_filters
from .models import FollowUpAction, Incident

router = Router()


class ClockOut(Schema):
    kind: str
    due: datetime.datetime
    done: Optional[datetime.datetime]
    state: str
    seconds_left: Optional[int]


class IncidentOut(Schema):
    id: int
    unit_id: int
    title: str
    category: str
    subcategory: str
    occurred_at: datetime.datetime
    learned_at: datetime.datetime
    place: str
    deaths: int
    serious_injuries: int
    minor_injuries: int
    missing: int
    direct_loss: Decimal
    level: str
    status: str
    phone_due_at: datetime.datetime
    written_due_at: datetime.datetime
    phone_reported_at: Optional[datetime.datetime]
    written_reported_at: Optional[datetime.datetime]
    clocks: list[ClockOut]

    @staticmethod
    def resolve_clocks(obj: Incident) -> list[dict]:
        return [obj.clock("phone"), obj.clock("written")]


class IncidentIn(Schema):
    unit_id: int
    title: str
    category: str
    subcategory: str = ""
    occurred_at: datetime.datetime
    learned_at: datetime.datetime
    place: str
    people_involved: str = ""
    deaths: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    missing: int = 0
    direct_loss: Decimal = Decimal("0")
    initial_measures: str = ""
    plan_activated: str = ""


class ReportIn(Schema):
    kind: str
    made_at: Optional[datetime.datetime] = None
    recipient: str = ""
    content: str = ""
    deaths: Optional[int] = None
    serious_injuries: Optional[int] = None
    minor_injuries: Optional[int] = None
    missing: Optional[int] = None
    direct_loss: Optional[Decimal] = None


class ReportOut(Schema):
    id: int
    kind: str
    made_at: datetime.datetime
    recipient: str
    content: str
    late: bool
    deaths: int
    serious_injuries: int


class ActionIn(Schema):
    description: str
    due_on: Optional[datetime.date] = None


class ActionOut(Schema):
    id: int
    description: str
    due_on: Optional[datetime.date]
    done_at: Optional[datetime.datetime]
    done_note: str


class CompleteIn(Schema):
    done_note: str


@router.get("/incidents", response=list[IncidentOut], auth=AUTH, operation_id="incidents_list")
@paginate(LimitOffsetPagination)
def list_incidents(request: HttpRequest, filters: Query[incident_filters.IncidentFilter]):  # type: ignore[no-untyped-def]
    qs = Incident.objects.visible_to(request.user)
    return filters.apply(qs)


@router.get("/incidents/{int:pk}", response={200: IncidentOut, 404: ErrorOut}, auth=AUTH, operation_id="incidents_get")
def get_incident(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Incident, request.user, pk=pk)


@router.post("/incidents", response={201: IncidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="incidents_create")
def create_incident(request: HttpRequest, payload: IncidentIn):  # type: ignore[no-untyped-def]
    data = payload.dict()
    unit = get_visible_or_404(Unit, request.user, pk=data.pop("unit_id"))
    return 201, actions.record(request.user, unit, **data)


@router.post("/incidents/{int:pk}/reports", response={201: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="incidents_report")
def create_report(request: HttpRequest, pk: int, payload: ReportIn):  # type: ignore[no-untyped-def]
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return 201, actions.report(request.user, incident, **data)


@router.get("/incidents/{int:pk}/reports", response={200: list[ReportOut], 404: ErrorOut}, auth=AUTH,
            operation_id="incidents_reports")
def list_reports(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Incident, request.user, pk=pk).reports.all()


@router.post("/incidents/{int:pk}/actions", response={201: ActionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="incidents_add_action")
def create_action(request: HttpRequest, pk: int, payload: ActionIn):  # type: ignore[no-untyped-def]
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    return 201, actions.add_action(request.user, incident, **payload.dict())


@router.post("/incident-actions/{int:pk}/complete", response={200: ActionOut, 403: ErrorOut, 404: ErrorOut,
                                                               422: ErrorOut}, auth=AUTH,
             operation_id="incidents_complete_action")
def complete_action(request: HttpRequest, pk: int, payload: CompleteIn):  # type: ignore[no-untyped-def]
    action = get_visible_or_404(FollowUpAction, request.user, pk=pk)
    return actions.complete_action(request.user, action, payload.done_note)


@router.post("/incidents/{int:pk}/close", response={200: IncidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="incidents_close")
def close_incident(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return actions.close(request.user, get_visible_or_404(Incident, request.user, pk=pk))
