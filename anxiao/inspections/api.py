# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404, resolve_many, resolve_visible, user_scope
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination
from anxiao.hazards.api import HazardOut
from anxiao.org.models import Person, Unit

from . import actions
from .filters import InspectionFilter
from .models import Checklist, Inspection, ItemResult, PatrolPoint

router = Router()


class ChecklistOut(Schema):
    id: int
    code: str
    version: int
    title: str
    source: str
    bureau_id: int | None
    is_active: bool


class ItemOut(Schema):
    code: str
    category: str
    category_name: str
    text: str
    grade: str
    major_basis: str
    frequency: str
    stages_exclude: list[str]
    boarding_only: bool
    school_bus_only: bool
    lab_only: bool
    source: str


class ChecklistDetailOut(ChecklistOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Checklist) -> list:
        return list(obj.items.all())


class InspectionOut(Schema):
    id: int
    unit_id: int
    inspecting_unit_id: int | None
    kind: str
    checklist_id: int | None
    title: str
    planned_on: datetime.date
    status: str
    completed_at: datetime.datetime | None
    summary: str
    risk_controls: bool


class InspectionResultOut(Schema):
    id: int
    item_code: str
    risk_id: int | None
    outcome: str
    note: str
    location: str


class InspectionDetailOut(InspectionOut):
    results: list[InspectionResultOut]

    @staticmethod
    def resolve_results(obj: Inspection) -> list:
        return list(obj.results.all())


class MemberIn(Schema):
    person_id: int | None = None
    name: str = ""
    role: str = "inspector"
    organisation: str = ""


class InspectionIn(Schema):
    unit_id: int
    kind: str
    planned_on: datetime.date | None = None
    inspecting_unit_id: int | None = None
    title: str = ""
    categories: list[str] = []
    members: list[MemberIn] = []
    client_uuid: uuid.UUID | None = None
    risk_controls: bool = False


class ResultIn(Schema):
    item_code: str
    outcome: str
    note: str = ""
    location: str = ""


class ResultsIn(Schema):
    results: list[ResultIn]
    complete: bool = False
    summary: str = ""


class PointOut(Schema):
    id: int
    unit_id: int
    name: str
    location: str
    key_area: bool
    daily_minimum: int
    token: uuid.UUID


class CheckInIn(Schema):
    code: str = ""  # the secret read from the point's QR code (its ``k`` parameter)
    normal: bool = True
    note: str = ""
    client_uuid: uuid.UUID | None = None


class InspectionCheckInOut(Schema):
    id: int
    point_id: int
    at: datetime.datetime
    normal: bool
    note: str
    today_count: int

    @staticmethod
    def resolve_today_count(obj) -> int:  # type: ignore[no-untyped-def]
        return actions.daily_counts([obj.point_id], timezone.localdate()).get(obj.point_id, 0)


def _unit(user, pk, field: str) -> Unit:  # type: ignore[no-untyped-def]
    return resolve_visible(Unit, user, pk, field, "单位")


@router.get("/checklists", response=list[ChecklistOut], auth=AUTH, operation_id="checklists_list")
def list_checklists(request: HttpRequest):  # type: ignore[no-untyped-def]
    return list(Checklist.objects.visible_to(request.user))


@router.get("/checklists/{int:pk}", response={200: ChecklistDetailOut, 404: ErrorOut}, auth=AUTH,
            operation_id="checklists_get")
def get_checklist(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Checklist, request.user, pk=pk)


@router.get("/inspections", response=list[InspectionOut], auth=AUTH, operation_id="inspections_list")
@paginate(LimitOffsetPagination)
def list_inspections(request: HttpRequest, filters: Query[InspectionFilter]):  # type: ignore[no-untyped-def]
    return filters.apply(Inspection.objects.visible_to(request.user))


@router.get("/inspections/{int:pk}", response={200: InspectionDetailOut, 404: ErrorOut}, auth=AUTH,
            operation_id="inspections_get")
def get_inspection(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Inspection, request.user, pk=pk)


@router.post("/inspections", response={201: InspectionOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="inspections_create")
def create_inspection(request: HttpRequest, payload: InspectionIn):  # type: ignore[no-untyped-def]
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建检查的权限")
    unit = _unit(request.user, payload.unit_id, "unit")
    by = _unit(request.user, payload.inspecting_unit_id, "inspecting_unit") if payload.inspecting_unit_id else None
    people = {p.pk: p for p in resolve_many(Person.objects.select_related("unit"), request.user,
                                            [m.person_id for m in payload.members if m.person_id], "members")}
    members = [{"person": people.get(m.person_id) if m.person_id else None, "name": m.name, "role": m.role,
                "organisation": m.organisation} for m in payload.members]
    return 201, actions.start_inspection(
        request.user, unit=unit, kind=payload.kind, planned_on=payload.planned_on, inspecting_unit=by,
        title=payload.title, categories=payload.categories, members=members, client_uuid=payload.client_uuid,
        risk_controls=payload.risk_controls)


@router.post("/inspections/{int:pk}/results", response={200: InspectionDetailOut, 403: ErrorOut, 404: ErrorOut,
                                                        422: ErrorOut}, auth=AUTH, operation_id="inspections_results")
def submit_results(request: HttpRequest, pk: int, payload: ResultsIn):  # type: ignore[no-untyped-def]
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    actions.record_results(request.user, inspection, [r.dict() for r in payload.results])
    if payload.complete:
        actions.complete_inspection(request.user, inspection, payload.summary)
    inspection.refresh_from_db()
    return inspection


@router.post("/inspection-results/{int:pk}/hazard", response={201: HazardOut, 403: ErrorOut, 404: ErrorOut,
                                                              422: ErrorOut}, auth=AUTH,
             operation_id="inspection_results_hazard")
def result_hazard(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    result = get_visible_or_404(ItemResult, request.user, pk=pk)
    return 201, actions.fail_to_hazard(request.user, result)


@router.get("/patrol-points", response=list[PointOut], auth=AUTH, operation_id="patrol_points_list")
@paginate(LimitOffsetPagination)
def list_points(request: HttpRequest):  # type: ignore[no-untyped-def]
    return PatrolPoint.objects.visible_to(request.user).filter(is_active=True)


@router.post("/patrol-points/{int:pk}/checkins", response={201: InspectionCheckInOut, 403: ErrorOut, 404: ErrorOut,
                                                           422: ErrorOut}, auth=AUTH, operation_id="patrol_points_checkin")
def point_checkin(request: HttpRequest, pk: int, payload: CheckInIn):  # type: ignore[no-untyped-def]
    point = get_visible_or_404(PatrolPoint, request.user, pk=pk)
    return 201, actions.check_in(request.user, point, code=payload.code, normal=payload.normal, note=payload.note,
                                 client_uuid=payload.client_uuid)
