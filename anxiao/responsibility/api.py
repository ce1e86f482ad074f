# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from anxiao.core.access import can_write, get_visible_or_404, resolve_visible, user_scope
from anxiao.core.api import AUTH, ErrorOut, Year
from anxiao.org.models import Person, Unit

from . import actions
from .filters import LetterFilter
from .models import Letter, ResponsibilityList, UnassignedMatter
from .selectors import coverage

router = Router()
E = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ResponsibilityDutyOut(Schema):
    category: str
    text: str
    clause_ref: str
    policy_code: str


class ListOut(Schema):
    id: int
    post_id: int
    unit_id: int
    holder_id: int | None
    version: int
    is_current: bool
    edited: bool
    note: str
    acknowledged: bool
    duties: list[ResponsibilityDutyOut]


class ListPatch(Schema):
    business: list[str]
    safety: list[str]
    note: str = ""


class GenerateIn(Schema):
    bureau_id: int
    force: bool = False


class GenerateOut(Schema):
    posts: int
    created: int
    unchanged: int
    edited_kept: int
    no_duties: int


class AckOut(Schema):
    id: int
    responsibility_list_id: int
    person_id: int
    acknowledged_at: datetime.datetime


class ClauseItem(Schema):
    text: str
    clause_ref: str = ""


class LetterOut(Schema):
    id: int
    kind: str
    year: Year
    version: int
    status: str
    issuer_unit_id: int
    signatory_unit_id: int
    signatory_post_id: int | None
    signatory_person_id: int | None
    signatory_name: str
    title: str
    preamble: str
    clauses: list[ClauseItem]
    terms: str
    previous_id: int | None
    issued_at: datetime.datetime | None
    content_hash: str
    signed_at: datetime.datetime | None


class IssueIn(Schema):
    issuer_id: int
    kind: str
    year: Year
    signatory_name: str = ""
    draft: bool = False


class IssueOut(Schema):
    created: int
    existing: int
    vacant: int
    letter_ids: list[int]


class LetterPatch(Schema):
    title: str | None = None
    preamble: str | None = None
    clauses: list[ClauseItem] | None = None
    terms: str | None = None


class SignatureOut(Schema):
    letter_id: int
    person_id: int
    signed_at: datetime.datetime
    content_hash: str


class MatterOut(Schema):
    id: int
    unit_id: int
    title: str
    description: str
    status: str
    owner_id: int | None
    assigned_at: datetime.datetime | None


class MatterIn(Schema):
    unit_id: int
    title: str
    description: str = ""


class AssignIn(Schema):
    owner_id: int


class ResponsibilityCoverageOut(Schema):
    unit_id: int
    year: Year
    posts: int
    schools: int
    counts: dict[str, int]
    letters: dict[str, int]


def _list_out(rl: ResponsibilityList) -> dict[str, Any]:
    return {"id": rl.pk, "post_id": rl.post_id, "unit_id": rl.post.unit_id, "holder_id": rl.post.holder_id,
            "version": rl.version, "is_current": rl.is_current, "edited": rl.edited, "note": rl.note,
            "acknowledged": actions.is_acknowledged(rl), "duties": list(rl.duties.order_by("category", "order"))}


def _letter_out(letter: Letter) -> dict[str, Any]:
    signature = getattr(letter, "signature", None) if letter.status == "signed" else None
    out = {f: getattr(letter, f) for f in ("id", "kind", "year", "version", "status", "issuer_unit_id",
                                           "signatory_unit_id", "signatory_post_id", "signatory_person_id",
                                           "signatory_name", "title", "preamble", "clauses", "terms",
                                           "previous_id", "issued_at")}
    out["content_hash"] = signature.content_hash if signature else actions.content_hash(letter)
    out["signed_at"] = signature.signed_at if signature else None
    return out


def _require_write_scope(request: HttpRequest) -> None:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有修改的权限")


def _visible_unit(request: HttpRequest, pk: int, field: str) -> Unit:
    return resolve_visible(Unit, request.user, pk, field, "单位")


@router.get("/responsibility-lists", response=list[ListOut], auth=AUTH, operation_id="responsibility_lists_list")
def lists_list(request: HttpRequest, unit: int | None = None, post: int | None = None):
    qs = ResponsibilityList.objects.visible_to(request.user).filter(is_current=True).select_related("post")
    if unit:
        qs = qs.filter(post__unit_id=unit)
    if post:
        qs = qs.filter(post_id=post)
    return [_list_out(rl) for rl in qs[:500]]


@router.get("/responsibility-lists/{int:pk}", response={200: ListOut, 404: ErrorOut}, auth=AUTH,
            operation_id="responsibility_lists_get")
def lists_get(request: HttpRequest, pk: int):
    return _list_out(get_visible_or_404(ResponsibilityList.objects.select_related("post"), request.user, pk=pk))


@router.patch("/responsibility-lists/{int:pk}", response={200: ListOut, **E}, auth=AUTH,
              operation_id="responsibility_lists_update")
def lists_update(request: HttpRequest, pk: int, payload: ListPatch):
    rl = get_visible_or_404(ResponsibilityList.objects.select_related("post__unit"), request.user, pk=pk)
    if not can_write(request.user, rl):
        raise PermissionDenied("您只能查看该清单，不能修改")
    return _list_out(actions.edit_list(request.user, rl, payload.business, payload.safety, payload.note))


@router.post("/responsibility-lists/generate", response={200: GenerateOut, **E}, auth=AUTH,
             operation_id="responsibility_lists_generate")
def lists_generate(request: HttpRequest, payload: GenerateIn):
    _require_write_scope(request)
    bureau = _visible_unit(request, payload.bureau_id, "bureau")
    return actions.generate_lists(request.user, bureau, force=payload.force)


@router.post("/responsibility-lists/{int:pk}/acknowledgement", response={201: AckOut, **E}, auth=AUTH,
             operation_id="responsibility_lists_acknowledge")
def lists_acknowledge(request: HttpRequest, pk: int):
    rl = get_visible_or_404(ResponsibilityList.objects.select_related("post"), request.user, pk=pk)
    return 201, actions.acknowledge(request.user, rl)


@router.get("/my-duties", response=list[ListOut], auth=AUTH, operation_id="my_duties")
def my_duties(request: HttpRequest):
    person = getattr(request.user, "person", None)
    if person is None:
        return []
    qs = ResponsibilityList.objects.filter(post__holder=person, is_current=True).select_related("post")
    return [_list_out(rl) for rl in qs]


@router.get("/letters", response=list[LetterOut], auth=AUTH, operation_id="letters_list")
def letters_list(request: HttpRequest, filters: Query[LetterFilter]):  # type: ignore[no-untyped-def]
    qs = filters.apply(Letter.objects.visible_to(request.user)
                       .select_related("issuer_unit", "signatory_unit", "signatory_person"))
    return [_letter_out(letter) for letter in qs[:500]]


@router.get("/letters/{int:pk}", response={200: LetterOut, 404: ErrorOut}, auth=AUTH, operation_id="letters_get")
def letters_get(request: HttpRequest, pk: int):
    return _letter_out(get_visible_or_404(Letter, request.user, pk=pk))


@router.post("/letters/issue", response={201: IssueOut, **E}, auth=AUTH, operation_id="letters_issue")
def letters_issue(request: HttpRequest, payload: IssueIn):
    _require_write_scope(request)
    issuer = _visible_unit(request, payload.issuer_id, "issuer")
    result = actions.issue_letters(request.user, issuer, payload.kind, payload.year, payload.signatory_name,
                                   payload.draft)
    return 201, {"created": len(result["created"]), "existing": result["existing"], "vacant": result["vacant"],
                 "letter_ids": [letter.pk for letter in result["created"]]}


@router.patch("/letters/{int:pk}", response={200: LetterOut, **E}, auth=AUTH, operation_id="letters_update")
def letters_update(request: HttpRequest, pk: int, payload: LetterPatch):
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    if not can_write(request.user, letter):
        raise PermissionDenied("只有甲方可以修改责任书")
    return _letter_out(actions.edit_letter(request.user, letter, **payload.dict(exclude_unset=True)))


@router.post("/letters/{int:pk}/versions", response={201: LetterOut, **E}, auth=AUTH,
             operation_id="letters_revise")
def letters_revise(request: HttpRequest, pk: int, payload: LetterPatch):
    _require_write_scope(request)
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    if not can_write(request.user, letter):
        raise PermissionDenied("只有甲方可以发布新版本")
    return 201, _letter_out(actions.revise_letter(request.user, letter, **payload.dict(exclude_unset=True)))


@router.post("/letters/{int:pk}/signature", response={201: SignatureOut, **E}, auth=AUTH,
             operation_id="letters_sign")
def letters_sign(request: HttpRequest, pk: int):
    letter = get_visible_or_404(Letter, request.user, pk=pk)
    return 201, actions.sign_letter(request.user, letter)


@router.get("/unassigned-matters", response=list[MatterOut], auth=AUTH, operation_id="matters_list")
def matters_list(request: HttpRequest):
    return UnassignedMatter.objects.visible_to(request.user)[:500]


@router.post("/unassigned-matters", response={201: MatterOut, **E}, auth=AUTH, operation_id="matters_create")
def matters_create(request: HttpRequest, payload: MatterIn):
    unit = _visible_unit(request, payload.unit_id, "unit")
    return 201, actions.log_matter(request.user, unit, payload.title, payload.description)


@router.post("/unassigned-matters/{int:pk}/assign", response={200: MatterOut, **E}, auth=AUTH,
             operation_id="matters_assign")
def matters_assign(request: HttpRequest, pk: int, payload: AssignIn):
    matter = get_visible_or_404(UnassignedMatter.objects.select_related("unit"), request.user, pk=pk)
    owner = Person.objects.visible_to(request.user).filter(pk=payload.owner_id).first()
    if owner is None:
        raise ValidationError({"owner": [f"编号为 {payload.owner_id} 的人员不存在或不可见"]})
    return actions.assign_matter(request.user, matter, owner)


@router.get("/coverage/{int:unit_id}", response={200: ResponsibilityCoverageOut, 404: ErrorOut}, auth=AUTH,
            operation_id="coverage_get")
def coverage_get(request: HttpRequest, unit_id: int, year: Year | None = None):
    unit = get_visible_or_404(Unit, request.user, pk=unit_id)
    data = coverage(unit, year or timezone.localdate().year)
    return {"unit_id": unit.pk, "year": data["year"], "posts": data["posts"], "schools": data["schools"],
            "counts": data["counts"], "letters": data["letters"]}
