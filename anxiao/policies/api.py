# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from anxiao.core.access import can_write, get_visible_or_404, user_scope
from anxiao.core.api import AUTH, ErrorOut
from anxiao.org.models import Unit

from . import actions
from .loader import available_packs
from .models import Clause, DutyList, DutyTemplate, ObligationTemplate, Policy

router = Router()


class PackOut(Schema):
    code: str
    title: str
    issuer: str
    doc_number: str


class PolicyOut(Schema):
    id: int
    code: str
    bureau_id: int | None
    origin_id: int | None
    title: str
    issuer: str
    doc_number: str
    date: datetime.date | None
    status: str
    version: int
    mapping_confirmed_at: datetime.datetime | None


class MappingCandidateOut(Schema):
    unit_id: int
    unit_name: str
    proposed: bool
    applies: bool
    posts: int


class MappingListOut(Schema):
    duty_list_id: int
    key: str
    holder: str
    target: str
    candidates: list[MappingCandidateOut]


class MappingChoiceIn(Schema):
    duty_list_id: int
    unit_id: int
    applies: bool


class MappingIn(Schema):
    choices: list[MappingChoiceIn] = []
    generate: bool = True


class PolicyAdoptIn(Schema):
    bureau_id: int
    code: str


class PolicyDutyOut(Schema):
    id: int
    duty_list_id: int
    clause_ref: str
    category: str
    topic: str
    text: str
    version: int
    is_current: bool
    retired: bool


class DutyListOut(Schema):
    id: int
    key: str
    holder: str
    unit_kind: str
    post_kinds: list[str]
    department: str
    stages: list[str]
    duties: list[PolicyDutyOut]


class PolicyDutyIn(Schema):
    clause_ref: str
    text: str
    category: str = "safety"
    topic: str = ""


class PolicyDutyPatch(Schema):
    clause_ref: str | None = None
    text: str | None = None
    category: str | None = None
    topic: str | None = None


class ClauseOut(Schema):
    id: int
    ref: str
    heading: str
    summary: str
    version: int
    is_current: bool
    retired: bool


class ClauseIn(Schema):
    ref: str
    heading: str
    summary: str = ""


class ClausePatch(Schema):
    heading: str | None = None
    summary: str | None = None


class ObligationOut(Schema):
    id: int
    code: str
    clause_ref: str
    title: str
    activity_kind: str
    subject: dict[str, Any]
    quota: int
    period: str
    due: dict[str, Any]
    grace_days: int
    heightened: bool
    enabled: bool
    note: str


E = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _post_target(request: HttpRequest, qs: Any, pk: int) -> Any:
    """The record a POST changes: 404 outside the scope, 403 where it may only be read."""
    obj = get_visible_or_404(qs, request.user, pk=pk)
    if not can_write(request.user, obj):
        raise PermissionDenied("您只能查看该记录，不能修改")
    return obj


def _patch_target(request: HttpRequest, qs: Any, pk: int) -> Any:
    obj = get_visible_or_404(qs, request.user, pk=pk)
    if not can_write(request.user, obj):
        raise PermissionDenied("您只能查看该记录，不能修改")
    return obj


@router.get("/policy-packs", response=list[PackOut], auth=AUTH, operation_id="policy_packs_list")
def packs_list(request: HttpRequest):
    return [{k: p[k] for k in ("code", "title", "issuer", "doc_number")} for p in available_packs()]


@router.get("/policies", response=list[PolicyOut], auth=AUTH, operation_id="policies_list")
def policies_list(request: HttpRequest, bureau: int | None = None):
    qs = Policy.objects.visible_to(request.user).filter(bureau__isnull=False)
    return qs.filter(bureau_id=bureau) if bureau else qs


@router.get("/policies/{int:pk}", response={200: PolicyOut, 404: ErrorOut}, auth=AUTH, operation_id="policies_get")
def policies_get(request: HttpRequest, pk: int):
    return get_visible_or_404(Policy, request.user, pk=pk)


@router.post("/policies", response={201: PolicyOut, **E}, auth=AUTH, operation_id="policies_adopt")
def policies_adopt(request: HttpRequest, payload: PolicyAdoptIn):
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有采用规则包的权限")
    bureau = Unit.objects.visible_to(request.user).filter(pk=payload.bureau_id).first()
    if bureau is None:
        raise ValidationError({"bureau": [f"编号为 {payload.bureau_id} 的单位不存在或不可见"]})
    return 201, actions.adopt(request.user, bureau, payload.code)


def _mapping_out(policy: Policy) -> list[dict[str, Any]]:
    from .mapping import proposal

    return [{"duty_list_id": m.duty_list.pk, "key": m.duty_list.key, "holder": m.duty_list.holder, "target": m.target,
             "candidates": [{"unit_id": c.unit.pk, "unit_name": c.unit.name, "proposed": c.proposed,
                             "applies": c.applies, "posts": c.posts} for c in m.candidates]}
            for m in proposal(policy)]


@router.get("/policies/{int:pk}/mapping", response={200: list[MappingListOut], 404: ErrorOut}, auth=AUTH,
            operation_id="policy_mapping")
def policy_mapping(request: HttpRequest, pk: int):
    policy = get_visible_or_404(Policy.objects.filter(bureau__isnull=False), request.user, pk=pk)
    return _mapping_out(policy)


@router.post("/policies/{int:pk}/mapping", response={200: PolicyOut, **E}, auth=AUTH,
             operation_id="policy_mapping_confirm")
def policy_mapping_confirm(request: HttpRequest, pk: int, payload: MappingIn):
    policy = _post_target(request, Policy.objects.filter(bureau__isnull=False), pk)
    applies = {(c.duty_list_id, c.unit_id): c.applies for c in payload.choices}
    return actions.confirm_mapping(request.user, policy, applies, generate=payload.generate)


@router.get("/policies/{int:pk}/duty-lists", response={200: list[DutyListOut], 404: ErrorOut}, auth=AUTH,
            operation_id="policy_duty_lists")
def policy_duty_lists(request: HttpRequest, pk: int, history: bool = False):
    policy = get_visible_or_404(Policy, request.user, pk=pk)
    out = []
    for dl in policy.duty_lists.order_by("order"):
        duties = dl.duties.order_by("order", "-version")
        if not history:
            duties = duties.filter(is_current=True)
        out.append({"id": dl.pk, "key": dl.key, "holder": dl.holder, "unit_kind": dl.unit_kind,
                    "post_kinds": dl.post_kinds, "department": dl.department, "stages": dl.stages,
                    "duties": list(duties)})
    return out


@router.get("/policies/{int:pk}/clauses", response={200: list[ClauseOut], 404: ErrorOut}, auth=AUTH,
            operation_id="policy_clauses")
def policy_clauses(request: HttpRequest, pk: int, history: bool = False):
    policy = get_visible_or_404(Policy, request.user, pk=pk)
    qs = policy.clauses.order_by("order", "-version")
    return qs if history else qs.filter(is_current=True)


@router.get("/policies/{int:pk}/obligations", response={200: list[ObligationOut], 404: ErrorOut}, auth=AUTH,
            operation_id="policy_obligations")
def policy_obligations(request: HttpRequest, pk: int):
    policy = get_visible_or_404(Policy, request.user, pk=pk)
    return ObligationTemplate.objects.filter(policy=policy).order_by("order")


@router.post("/policies/{int:pk}/clauses", response={201: ClauseOut, **E}, auth=AUTH, operation_id="clauses_create")
def clauses_create(request: HttpRequest, pk: int, payload: ClauseIn):
    policy = _post_target(request, Policy.objects.all(), pk)
    return 201, actions.add_clause(request.user, policy, **payload.dict())


@router.patch("/clauses/{int:pk}", response={200: ClauseOut, **E}, auth=AUTH, operation_id="clauses_update")
def clauses_update(request: HttpRequest, pk: int, payload: ClausePatch):
    clause = _patch_target(request, Clause.objects.select_related("policy"), pk)
    return actions.edit_clause(request.user, clause, **payload.dict(exclude_unset=True))


@router.post("/clauses/{int:pk}/retire", response={200: ClauseOut, **E}, auth=AUTH, operation_id="clauses_retire")
def clauses_retire(request: HttpRequest, pk: int):
    clause = _post_target(request, Clause.objects.select_related("policy"), pk)
    return actions.retire_clause(request.user, clause)


@router.post("/duty-lists/{int:pk}/duties", response={201: PolicyDutyOut, **E}, auth=AUTH,
             operation_id="duty_templates_create")
def duty_templates_create(request: HttpRequest, pk: int, payload: PolicyDutyIn):
    duty_list = _post_target(request, DutyList.objects.select_related("policy"), pk)
    return 201, actions.add_duty(request.user, duty_list, **payload.dict())


@router.patch("/duty-templates/{int:pk}", response={200: PolicyDutyOut, **E}, auth=AUTH,
              operation_id="duty_templates_update")
def duty_templates_update(request: HttpRequest, pk: int, payload: PolicyDutyPatch):
    duty = _patch_target(request, DutyTemplate.objects.select_related("duty_list__policy"), pk)
    return actions.edit_duty(request.user, duty, **payload.dict(exclude_unset=True))


@router.post("/duty-templates/{int:pk}/retire", response={200: PolicyDutyOut, **E}, auth=AUTH,
             operation_id="duty_templates_retire")
def duty_templates_retire(request: HttpRequest, pk: int):
    duty = _post_target(request, DutyTemplate.objects.select_related("duty_list__policy"), pk)
    return actions.retire_duty(request.user, duty)
