# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, crud_routes, resolve_fks

from . import actions, crediting, filters
from .models import Activity, ObligationRule, Occurrence

router = Router()


class ObligationRuleOut(Schema):
    id: int
    bureau_id: int
    code: str
    title: str
    activity_kind: str
    post_kinds: list[str]
    unit_kinds: list[str]
    stages: list[str]
    boarding: bool | None
    scope: str
    quota: int
    period: str
    due_rule: str
    due_day: int | None
    grace_days: int
    pack_code: str
    clause_ref: str
    note: str
    active_from: datetime.date | None
    active_until: datetime.date | None
    heightened: bool
    enabled: bool
    credit: dict[str, Any] = Field(description="计入规则：records（计入的记录类型）、roles（负责岗位的角色）、"
                                               "slot（计入谁：post/unit/self_inspection）、"
                                               "evidence（证据：self/record/record+approval）")
    credit_text: dict[str, str] = Field(default_factory=dict, description="计入规则的中文说明")

    @staticmethod
    def resolve_credit(obj: Any) -> dict[str, Any]:
        return crediting.credit_of(obj).as_dict()

    @staticmethod
    def resolve_credit_text(obj: Any) -> dict[str, str]:
        return crediting.describe(obj)


class RuleIn(Schema):
    bureau_id: int
    code: str = ""
    title: str
    activity_kind: str
    post_kinds: list[str] = []
    unit_kinds: list[str] = []
    stages: list[str] = []
    boarding: bool | None = None
    scope: str = "own"
    quota: int = 1
    period: str
    due_rule: str = "end_of_period"
    due_day: int | None = None
    grace_days: int = 0
    clause_ref: str = ""
    note: str = ""
    active_from: datetime.date | None = None
    active_until: datetime.date | None = None
    heightened: bool = False
    enabled: bool = True
    credit: dict[str, Any] = {}


class RulePatch(Schema):
    title: str | None = None
    quota: int | None = None
    period: str | None = None
    due_rule: str | None = None
    due_day: int | None = None
    grace_days: int | None = None
    heightened: bool | None = None
    enabled: bool | None = None
    note: str | None = None
    active_from: datetime.date | None = None
    active_until: datetime.date | None = None
    credit: dict[str, Any] | None = None


class DaySlotOut(Schema):
    date: datetime.date
    status: str


class OccurrenceOut(Schema):
    id: int
    rule_id: int
    rule_title: str
    activity_kind: str
    unit_id: int
    post_id: int | None
    period_key: str
    period_start: datetime.date
    period_end: datetime.date
    due_on: datetime.date
    deadline: datetime.date
    quota: int
    done_count: int
    completed_on: datetime.date | None
    status: str
    slots: int = Field(description="应办天数：每日规则一个月一行，每天一格；其他规则为 1")
    met_slots: int = Field(description="已完成的格数")
    days: list[DaySlotOut] = Field(default_factory=list, description="每日规则：逐日状态")

    @staticmethod
    def resolve_days(obj: Any) -> list[dict[str, Any]]:
        if obj.slots <= 1:
            return []
        return [{"date": day, "status": status} for day, status in obj.slot_states()]

    @staticmethod
    def resolve_rule_title(obj: Any) -> str:
        return obj.rule.title

    @staticmethod
    def resolve_activity_kind(obj: Any) -> str:
        return obj.rule.activity_kind


class ActivityOut(Schema):
    id: int
    kind: str
    occurred_on: datetime.date
    unit_id: int
    responsible_post_id: int | None
    title: str
    participants: str
    participant_count: int | None
    notes: str
    backdated: bool
    meeting_kind: str
    post_role: str
    record_kind: str = Field(description="记录类型（由业务模块写入；空为手工登记）")
    evidence: str = Field(description="证据：pending/self/record/record+approval")
    reports_on: datetime.date | None = Field(None, description="报表所属周期中的一天（迟报计入该周期）")
    voided: bool
    occurrence_ids: list[int]
    attachments: list[str]

    @staticmethod
    def resolve_voided(obj: Any) -> bool:
        return obj.is_voided

    @staticmethod
    def resolve_occurrence_ids(obj: Any) -> list[int]:
        return [c.occurrence_id for c in obj.counted.all()]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class ActivityIn(Schema):
    kind: str
    meeting_kind: str = Field("", description="会议类别（党政联席会议 party_joint、形势分析会议 situation_analysis…）")
    post_role: str = Field("organised", description="负责岗位的角色：led/organised/attended/submitted")
    occurred_on: datetime.date
    unit_id: int
    responsible_post_id: int | None = None
    title: str = ""
    participants: str = ""
    participant_count: int | None = None
    notes: str = ""


class ObligationVoidIn(Schema):
    reason: str


crud_routes(router, "obligation-rules", ObligationRule, ObligationRuleOut, RuleIn, RulePatch, filters.RuleFilter, actions.save_rule, select_related=("bureau",))


@router.get("/occurrences", response=list[OccurrenceOut], auth=AUTH, operation_id="occurrences_list")
@paginate(LimitOffsetPagination)
def occurrences_list(request: HttpRequest, filters_: Query[filters.OccurrenceFilter]):  # type: ignore[no-untyped-def]
    return filters_.apply(Occurrence.objects.visible_to(request.user).select_related("rule").order_by("deadline", "pk"))


@router.get("/occurrences/{int:pk}", response={200: OccurrenceOut, 404: ErrorOut}, auth=AUTH,
            operation_id="occurrences_get")
def occurrences_get(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Occurrence.objects.select_related("rule"), request.user, pk=pk)


@router.post("/occurrences/{int:pk}/done", response={201: ActivityOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="occurrences_done")
def occurrences_done(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    """One tap ("今天已完成"): only for a rule whose evidence is ``self``; 422 for the others."""
    occ = get_visible_or_404(Occurrence.objects.select_related("rule", "unit", "post"), request.user, pk=pk)
    activity = actions.tap_done(request.user, occ)
    return 201, _activities(request).get(pk=activity.pk)


def _activities(request: HttpRequest) -> Any:
    return Activity.objects.visible_to(request.user).prefetch_related("counted", "attachments")


@router.get("/activities", response=list[ActivityOut], auth=AUTH, operation_id="activities_list")
@paginate(LimitOffsetPagination)
def activities_list(request: HttpRequest, filters_: Query[filters.ActivityFilter]):  # type: ignore[no-untyped-def]
    return filters_.apply(_activities(request))


@router.get("/activities/{int:pk}", response={200: ActivityOut, 404: ErrorOut}, auth=AUTH,
            operation_id="activities_get")
def activities_get(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(_activities(request), request.user, pk=pk)


@router.post("/activities", response={201: ActivityOut, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="activities_create")
def activities_create(request: HttpRequest, payload: ActivityIn):  # type: ignore[no-untyped-def]
    from anxiao.org.models import Post

    data = payload.dict()
    # Posts and units are resolved through the visible path; one's own post counts as visible.
    person_id = getattr(request.user, "person_id", None)
    post_id = data.pop("responsible_post_id")
    resolved = resolve_fks(Activity, request.user, {"unit_id": data.pop("unit_id")})
    if post_id is not None:
        own = Post.objects.filter(pk=post_id, holder_id=person_id).first() if person_id else None
        if own is not None:
            resolved["responsible_post"] = own
        else:
            resolved.update(resolve_fks(Activity, request.user, {"responsible_post_id": post_id}))
    activity = actions.record_activity(request.user, None, **data, **resolved)
    return 201, _activities(request).get(pk=activity.pk)


@router.post("/activities/{int:pk}/void", response={200: ActivityOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="activities_void")
def activities_void(request: HttpRequest, pk: int, payload: ObligationVoidIn):  # type: ignore[no-untyped-def]
    activity = get_visible_or_404(Activity, request.user, pk=pk)
    actions.void_activity(request.user, activity, payload.reason)
    return _activities(request).get(pk=pk)


@router.post("/activities/{int:pk}/attachments", response={201: ActivityOut, 403: ErrorOut, 404: ErrorOut,
                                                           422: ErrorOut}, auth=AUTH,
             operation_id="activities_attach")
def activities_attach(request: HttpRequest, pk: int, file: UploadedFile = File(None)):  # type: ignore[no-untyped-def]  # noqa: B008
    activity = get_visible_or_404(Activity.objects.select_related("unit", "responsible_post"), request.user, pk=pk)
    if not actions._may_record(request.user, activity.unit, activity.responsible_post):
        raise PermissionDenied(actions.NO_RIGHT)
    if activity.is_voided:
        raise PermissionDenied("已作废的记录不能添加附件")
    if file is None:
        raise ValidationError({"file": ["请选择要上传的文件"]})
    actions.add_attachment(request.user, activity, file)
    return 201, _activities(request).get(pk=pk)


class ComplianceFilter(Schema):
    by: str = "unit"
    region: int | None = None
    subtree: int | None = None
    kind: str | None = None
    from_: datetime.date | None = Field(None, alias="from")
    to: datetime.date | None = None


class ComplianceRowOut(Schema):
    id: int | None
    name: str | None
    done: int
    late: int
    missed: int
    total: int
    rate: float | None
    rag: str


class ComplianceOut(Schema):
    by: str
    start: datetime.date
    end: datetime.date
    region_id: int | None
    source: str
    rate: float | None
    done: int
    late: int
    missed: int
    rows: list[ComplianceRowOut]


@router.get("/compliance", response={200: ComplianceOut, 404: ErrorOut}, auth=AUTH, operation_id="compliance_get")
def compliance_get(request: HttpRequest, filters_: Query[ComplianceFilter]):  # type: ignore[no-untyped-def]
    """On-time rates per unit, person, department or region (region roll-ups come from the compliance tally)."""
    from .views import compliance_data

    params = filters_.dict(by_alias=True, exclude_none=True)
    data = compliance_data(request.user, params)
    return {"by": data["by"], "start": data["start"], "end": data["end"], "source": data["source"],
            "region_id": data["within"].pk if data["within"] else None, "rate": data["total"]["rate"],
            "done": data["total"]["done"], "late": data["total"]["late"], "missed": data["total"]["missed"],
            "rows": [{**r, "name": str(r["name"]) if r["name"] is not None else None} for r in data["rows"]]}
