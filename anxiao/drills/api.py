# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import can_write, get_visible_or_404, may_manage
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, Year, crud_routes
from anxiao.core.middleware import client_ip
from anxiao.org.models import Unit

from . import actions, filters
from .models import Drill, DrillFile, DrillPlan, DrillSettings, Finding, SignInAttempt

router = Router()


class DrillOut(Schema):
    id: int
    school_id: int
    kind: str
    theme: str
    title: str
    plan_item_id: Optional[int]
    planned_on: datetime.date
    window_start: datetime.datetime
    window_end: datetime.datetime
    class_ids: list[int]
    status: str
    held_on: Optional[datetime.date]
    participants_count: Optional[int]
    evacuation_seconds: Optional[int]
    problems: str
    evaluation_result: str
    evaluation: str
    activity_id: Optional[int]
    has_scenario: bool
    signin_path: str
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_class_ids(obj: Drill) -> list[int]:
        return [p.pk for p in obj.classes.all()]

    @staticmethod
    def resolve_has_scenario(obj: Drill) -> bool:
        return obj.scenario is not None

    @staticmethod
    def resolve_signin_path(obj: Drill) -> str:
        from django.urls import reverse

        return reverse("drills:signin", args=[obj.token])

    @staticmethod
    def resolve_voided(obj: Drill) -> bool:
        return obj.is_voided


class DrillIn(Schema):
    school_id: int
    kind: str = "drill"
    theme: str
    title: str = ""
    planned_on: datetime.date
    window_start: datetime.datetime
    window_end: datetime.datetime
    class_ids: list[int] = []


class DrillPatch(Schema):
    kind: Optional[str] = None
    theme: Optional[str] = None
    title: Optional[str] = None
    planned_on: Optional[datetime.date] = None
    window_start: Optional[datetime.datetime] = None
    window_end: Optional[datetime.datetime] = None
    class_ids: Optional[list[int]] = None


class ItemIO(Schema):
    month: int
    kind: str = "drill"
    theme: str


class PlanOut(Schema):
    id: int
    school_id: int
    year: Year
    status: str
    note: str
    items: list[ItemIO]
    approved_by_id: Optional[int]
    approved_at: Optional[datetime.datetime]
    activity_id: Optional[int]

    @staticmethod
    def resolve_items(obj: DrillPlan) -> list[dict[str, Any]]:
        return [{"month": i.month, "kind": i.kind, "theme": i.theme} for i in obj.items.all()]


class PlanIn(Schema):
    school_id: int
    year: Year
    note: str = ""
    items: list[ItemIO]


class PlanPatch(Schema):
    year: Optional[Year] = None
    note: Optional[str] = None
    items: Optional[list[ItemIO]] = None


class DrillSettingsOut(Schema):
    id: int
    unit_id: int
    evacuation_target_seconds: int
    school_frequency: str
    kindergarten_frequency: str


class DrillSettingsIn(Schema):
    unit_id: int
    evacuation_target_seconds: int = 120
    school_frequency: str = "month"
    kindergarten_frequency: str = "quarter"


class DrillSettingsPatch(Schema):
    evacuation_target_seconds: Optional[int] = None
    school_frequency: Optional[str] = None
    kindergarten_frequency: Optional[str] = None


def _save_settings(actor, obj, **data):  # type: ignore[no-untyped-def]
    # unit is a one-to-one link, which crud_routes leaves as an id: resolve it through the visible units.
    if isinstance(data.get("unit"), int):
        unit = Unit.objects.visible_to(actor).filter(pk=data["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": [f"编号为 {data['unit']} 的单位不存在或不可见"]})
        data["unit"] = unit
    return actions.save_settings(actor, obj, **data)


def _save_plan(actor, obj, **data):  # type: ignore[no-untyped-def]
    return actions.save_plan(actor, obj, **data)


class DrillTransitionIn(Schema):
    action: str
    held_on: Optional[datetime.date] = None
    participants_count: Optional[int] = None
    evacuation_seconds: Optional[int] = None
    problems: str = ""
    evaluation_result: str = ""
    evaluation: str = ""
    reason: str = ""


class SignInIn(Schema):
    """Nothing is needed: the sign-in is the caller's own. Naming somebody else is refused and logged."""

    person_id: Optional[int] = None
    post_ids: Optional[list[int]] = None


class SignInOut(Schema):
    id: int
    post_id: int
    class_name: str
    person_id: int
    at: datetime.datetime

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return obj.post.class_name


class CoverageRowOut(Schema):
    post_id: int
    class_name: str
    teacher: str
    signed: bool
    signed_at: Optional[datetime.datetime]
    signed_by: Optional[str]


class DrillCoverageOut(Schema):
    drill_id: int
    total: int
    signed: int
    missing: list[str]
    rows: list[CoverageRowOut]


class AttemptOut(Schema):
    id: int
    drill_id: int
    user_id: Optional[int]
    user_repr: str
    at: datetime.datetime
    ip: Optional[str]
    via: str
    reason: str
    detail: str


class FindingIn(Schema):
    description: str
    location: str
    category: str = "GL"


class DrillFindingOut(Schema):
    id: int
    drill_id: int
    description: str
    location: str
    category: str
    hazard_id: Optional[int]


class FileOut(Schema):
    id: int
    name: str
    role: str
    size: int
    content_type: str


def _drill(request: HttpRequest, pk: int) -> Drill:
    return get_visible_or_404(Drill.objects.select_related("school"), request.user, pk=pk)


@router.get("/drills/attempts", response=list[AttemptOut], auth=AUTH, operation_id="drills_attempts")
@paginate(LimitOffsetPagination)
def attempts(request: HttpRequest, filters_: Query[filters.AttemptFilter]):  # type: ignore[no-untyped-def]
    """Refused sign-ins (who, when, what was tried, from where), for the school's safety office and above."""
    qs = SignInAttempt.objects.writable_by(request.user)
    return filters_.apply(qs)


@router.post("/drills/{int:pk}/transition", response={200: DrillOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_transition")
def drill_transition(request: HttpRequest, pk: int, payload: DrillTransitionIn):  # type: ignore[no-untyped-def]
    """start (needs the scenario plan) · hold (results) · evaluate · close (needs the evaluation) · void (reason)."""
    drill = _drill(request, pk)
    if not can_write(request.user, drill):
        raise PermissionDenied("您只能查看该演练，不能操作")
    return actions.transition(request.user, drill, payload.action, payload.dict())


@router.post("/drills/{int:pk}/files", response={201: FileOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_upload")
def drill_upload(request: HttpRequest, pk: int, role: str = "scenario"):  # type: ignore[no-untyped-def]
    """Attach the scenario plan (role=scenario) or a record (role=record) as multipart field ``file``;
    checked by content (PDF, Office, images). Access is checked before the body is read."""
    drill = _drill(request, pk)
    if not can_write(request.user, drill):
        raise PermissionDenied("您只能查看该演练，不能上传")
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": ["请以 multipart/form-data 上传文件（字段名 file）"]})
    return 201, actions.attach_file(request.user, drill, upload, role)


@router.get("/drills/{int:pk}/files", response={200: list[FileOut], 404: ErrorOut}, auth=AUTH,
            operation_id="drills_files")
def drill_files(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    drill = _drill(request, pk)
    return list(DrillFile.objects.visible_to(request.user).filter(drill=drill))


@router.post("/drills/{int:pk}/signin", response={201: list[SignInOut], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_signin")
def drill_signin(request: HttpRequest, pk: int, payload: Optional[SignInIn] = None):  # type: ignore[no-untyped-def]
    """The caller signs in for the participating classes they head. No one can sign for anybody else."""
    drill = _drill(request, pk)
    body = payload or SignInIn()
    rows = actions.sign_in(request.user, drill, person_id=body.person_id, post_ids=body.post_ids,
                           ip=client_ip(request), via="api")
    return 201, rows


@router.get("/drills/{int:pk}/coverage", response={200: DrillCoverageOut, 404: ErrorOut}, auth=AUTH,
            operation_id="drills_coverage")
def drill_coverage(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """Participating classes, who signed in and when, who is missing."""
    drill = _drill(request, pk)
    cov = actions.coverage(drill)
    return {"drill_id": drill.pk, "total": cov["total"], "signed": cov["signed"],
            "missing": [r.post.class_name for r in cov["missing"]],
            "rows": [{"post_id": r.post.pk, "class_name": r.post.class_name, "teacher": r.teacher,
                      "signed": r.signin is not None, "signed_at": r.signin.at if r.signin else None,
                      "signed_by": r.signin.person.name if r.signin else None} for r in cov["rows"]]}


@router.post("/drills/{int:pk}/findings", response={201: DrillFindingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_findings_create")
def finding_create(request: HttpRequest, pk: int, payload: FindingIn):  # type: ignore[no-untyped-def]
    drill = _drill(request, pk)
    if not can_write(request.user, drill):
        raise PermissionDenied("您只能查看该演练，不能操作")
    return 201, actions.add_finding(request.user, drill, **payload.dict())


@router.post("/drills/findings/{int:pk}/hazard", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_finding_hazard")
def finding_hazard(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """Turn a drill finding into a hazard (through the hazards app's report action)."""
    finding = get_visible_or_404(Finding.objects.select_related("drill__school"), request.user, pk=pk)
    if not can_write(request.user, finding.drill):
        raise PermissionDenied("您只能查看该演练，不能操作")
    hazard = actions.finding_to_hazard(request.user, finding)
    return 201, {"hazard_id": hazard.pk, "status": hazard.status}


@router.post("/drills/plans/{int:pk}/approve", response={200: PlanOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="drills_plans_approve")
def plan_approve(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """校长批准: only the person holding the principal post of that school."""
    plan = get_visible_or_404(DrillPlan.objects.select_related("school"), request.user, pk=pk)
    return actions.approve_plan(request.user, plan)


crud_routes(router, "drills/plans", DrillPlan, PlanOut, PlanIn, PlanPatch, filters.PlanFilter, _save_plan, select_related=("school",))
crud_routes(router, "drills/settings", DrillSettings, DrillSettingsOut, DrillSettingsIn, DrillSettingsPatch, filters.DrillSettingsFilter, _save_settings,
            needs=may_manage)
crud_routes(router, "drills", Drill, DrillOut, DrillIn, DrillPatch, filters.DrillFilter, actions.save_drill, select_related=("school",))
