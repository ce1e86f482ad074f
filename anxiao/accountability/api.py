# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any, Optional

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404, resolve_many
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination, Year
from anxiao.org.models import Post, Unit

from . import actions, dossier
from .models import Case

router = Router()


class CaseOut(Schema):
    id: int
    unit_id: int
    title: str
    source_kind: str
    year: Year
    status: str
    description: str
    post_ids: list[int]

    @staticmethod
    def resolve_post_ids(obj: Case) -> list[int]:
        return [p.pk for p in obj.posts.all()]


class CaseIn(Schema):
    unit_id: int
    title: str
    source_kind: str
    year: Optional[Year] = None
    description: str = ""
    post_ids: list[int]


class DecisionIn(Schema):
    post_id: int
    finding: str = ""
    reasoning: str = ""
    measures: list[str] = []
    grounds: list[str] = []
    decided_on: Optional[datetime.date] = None
    document_number: str = ""


class DecisionOut(Schema):
    id: int
    post_id: int
    finding: str
    reasoning: str
    measures: list[str]
    grounds: list[str]
    decided_on: datetime.date


class SectionOut(Schema):
    title: str
    summary: str
    items: list[dict[str, Any]]
    concerns: list[str]


@router.get("/accountability/cases", response=list[CaseOut], auth=AUTH, operation_id="cases_list")
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Case.objects.visible_to(request.user).filter(voided_at__isnull=True).prefetch_related("posts")


@router.get("/accountability/cases/{int:pk}", response={200: CaseOut, 404: ErrorOut}, auth=AUTH,
            operation_id="cases_get")
def get_case(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(Case, request.user, pk=pk)


@router.post("/accountability/cases", response={201: CaseOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="cases_create")
def create_case(request: HttpRequest, payload: CaseIn):  # type: ignore[no-untyped-def]
    unit = get_visible_or_404(Unit, request.user, pk=payload.unit_id)
    posts = resolve_many(Post, request.user, payload.post_ids, "post_ids", "岗位")
    return 201, actions.open_case(request.user, unit, title=payload.title, source_kind=payload.source_kind,
                                  year=payload.year, description=payload.description, posts=posts)


@router.post("/accountability/cases/{int:pk}/decisions",
             response={201: DecisionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="cases_decide")
def create_decision(request: HttpRequest, pk: int, payload: DecisionIn):  # type: ignore[no-untyped-def]
    case = get_visible_or_404(Case, request.user, pk=pk)
    post = get_visible_or_404(Post, request.user, pk=payload.post_id)
    return 201, actions.decide(request.user, case, post=post, finding=payload.finding, reasoning=payload.reasoning,
                               measures=payload.measures, decided_on=payload.decided_on,
                               document_number=payload.document_number, grounds=payload.grounds)


@router.get("/accountability/dossier/{int:post_id}", response={200: list[SectionOut], 404: ErrorOut}, auth=AUTH,
            operation_id="dossier_get")
def get_dossier(request: HttpRequest, post_id: int, year: Year):  # type: ignore[no-untyped-def]
    post = get_visible_or_404(Post, request.user, pk=post_id)
    return [{"title": s.title, "summary": s.summary, "concerns": s.concerns,
             "items": [{"when": i.when, "text": i.text, "badge": i.badge_text, "url": i.url} for i in s.items]}
            for s in dossier.assemble(post, year)]
