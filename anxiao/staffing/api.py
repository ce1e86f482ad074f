# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from anxiao.core import privacy
from anxiao.core.access import get_visible_or_404, may_manage
from anxiao.core.api import AUTH, ErrorOut, crud_routes

from . import actions, compliance, filters, rules
from .models import Guard, SchoolProfile, StaffingSettings

router = Router()


class StaffingRuleOut(Schema):
    code: str
    title: str
    required: Any
    source: str
    note: str
    details: dict[str, Any]


class StaffingRulesOut(Schema):
    input: dict[str, Any]
    rules: list[StaffingRuleOut]


@router.get("/rules/staffing", response={200: StaffingRulesOut, 422: ErrorOut}, auth=AUTH,
            operation_id="rules_staffing")
def rules_staffing(request: HttpRequest, students: int, staff: int, boarders: int = 0, stage: str = "",
                   standard: str = rules.GuardStandard.S002, rounding: str = rules.Rounding.UP):
    """The staffing rules for a campus of this size (the same function as `anxiao rules staffing`)."""
    return rules.staffing_rules(students, staff, boarders, stage, standard, rounding)


class ProfileOut(Schema):
    id: int
    school_id: int
    campus: str
    students: int
    staff: int
    boarders: int
    buildings: int
    safety_office_size: int
    has_safety_office_director: bool
    has_safety_department: bool
    alarm_linked: bool
    video_linked: bool
    video_retention_days: int
    closed_perimeter: bool
    anti_ramming: bool
    security_room: bool
    gate_duty_24h: bool


class ProfileIn(Schema):
    school_id: int
    campus: str = "主校区"
    students: int = 0
    staff: int = 0
    boarders: int = 0
    buildings: int = 0
    safety_office_size: int = 0
    has_safety_office_director: bool = False
    has_safety_department: bool = False
    alarm_linked: bool = False
    video_linked: bool = False
    video_retention_days: int = 0
    closed_perimeter: bool = False
    anti_ramming: bool = False
    security_room: bool = False
    gate_duty_24h: bool = False


class ProfilePatch(Schema):
    campus: str | None = None
    students: int | None = None
    staff: int | None = None
    boarders: int | None = None
    buildings: int | None = None
    safety_office_size: int | None = None
    has_safety_office_director: bool | None = None
    has_safety_department: bool | None = None
    alarm_linked: bool | None = None
    video_linked: bool | None = None
    video_retention_days: int | None = None
    closed_perimeter: bool | None = None
    anti_ramming: bool | None = None
    security_room: bool | None = None
    gate_duty_24h: bool | None = None


class GuardOut(Schema):
    id: int
    profile_id: int
    name: str
    from_security_company: bool
    company: str
    licence_no: str
    birth_date: datetime.date | str  # only the year ("1980 年") for those who may not read it (core.privacy)
    equipment: list[str]
    is_active: bool

    @staticmethod
    def resolve_licence_no(obj: Any) -> str:
        return privacy.id_number(obj.licence_no, obj.profile.school)

    @staticmethod
    def resolve_birth_date(obj: Any) -> Any:
        return privacy.birth_date(obj.birth_date, obj.profile.school)


class GuardIn(Schema):
    profile_id: int
    name: str
    from_security_company: bool = True
    company: str = ""
    licence_no: str = ""
    birth_date: datetime.date
    equipment: list[str] = []


class GuardPatch(Schema):
    name: str | None = None
    from_security_company: bool | None = None
    company: str | None = None
    licence_no: str | None = None
    birth_date: datetime.date | None = None
    equipment: list[str] | None = None
    is_active: bool | None = None


class StaffingSettingsOut(Schema):
    id: int
    bureau_id: int
    guard_standard: str
    rounding: str
    video_retention_days: int


class StaffingSettingsIn(Schema):
    bureau_id: int
    guard_standard: str = rules.GuardStandard.S002
    rounding: str = rules.Rounding.UP
    video_retention_days: int = 30


class StaffingSettingsPatch(Schema):
    guard_standard: str | None = None
    rounding: str | None = None
    video_retention_days: int | None = None


crud_routes(router, "staffing/profiles", SchoolProfile, ProfileOut, ProfileIn, ProfilePatch, filters.ProfileFilter, actions.save_profile, select_related=("school",))
crud_routes(router, "staffing/guards", Guard, GuardOut, GuardIn, GuardPatch, filters.GuardFilter, actions.save_guard,
            select_related=("profile__school",))


crud_routes(router, "staffing/settings", StaffingSettings, StaffingSettingsOut, StaffingSettingsIn, StaffingSettingsPatch,
            filters.StaffingSettingsFilter, actions.save_settings, needs=may_manage)


class StaffingFindingOut(Schema):
    code: str
    message: str
    source: str
    campus: str
    shortfall: int


class SchoolComplianceOut(Schema):
    school_id: int
    school: str
    ok: bool
    findings: list[StaffingFindingOut]


def _out(school: Any, findings: list[compliance.Finding]) -> dict[str, Any]:
    return {"school_id": school.pk, "school": school.name, "ok": not findings,
            "findings": [asdict(f) for f in findings]}


@router.get("/staffing/compliance", response=list[SchoolComplianceOut], auth=AUTH,
            operation_id="staffing_compliance_list")
def compliance_list(request: HttpRequest, failing: bool = False):
    """Every visible school with the staffing rules it fails (``failing=true``: only those that fail)."""
    from .views import visible_schools

    rows = compliance.findings_by_school(visible_schools(request.user), timezone.localdate())
    return [_out(s, f) for s, f in rows if f or not failing]


@router.get("/staffing/compliance/{int:school_id}", response={200: SchoolComplianceOut, 404: ErrorOut}, auth=AUTH,
            operation_id="staffing_compliance_get")
def compliance_get(request: HttpRequest, school_id: int):
    from .views import visible_schools

    school = get_visible_or_404(visible_schools(request.user), request.user, pk=school_id)
    [(school, findings)] = compliance.findings_by_school([school], timezone.localdate())
    return _out(school, findings)
