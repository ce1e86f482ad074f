# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any, Optional

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from anxiao.core.access import get_visible_or_404
from anxiao.core.api import AUTH, ErrorOut, LimitOffsetPagination
from anxiao.core.choices import UnitKind
from anxiao.org.models import Unit

from . import actions, exports
from .models import MonthlyLedger, NoticeRecipient

router = Router()


class LedgerOut(Schema):
    id: int
    unit_id: int
    month: datetime.date
    version: int
    status: str
    late: bool
    due_on: datetime.date
    submitted_at: Optional[datetime.datetime]
    return_reason: str
    summary: dict[str, Any]

    @staticmethod
    def resolve_summary(obj: MonthlyLedger) -> dict[str, Any]:
        return obj.snapshot.get("summary", {})


class LedgerFilter(Schema):
    month: Optional[datetime.date] = None
    unit: Optional[int] = None
    status: Optional[str] = None


class PrepareIn(Schema):
    month: datetime.date
    remarks: str = ""
    correction_reason: str = ""


class ReturnIn(Schema):
    reason: str = ""


@router.get("/reports/ledgers", response=list[LedgerOut], auth=AUTH, operation_id="ledgers_list")
@paginate(LimitOffsetPagination)
def list_ledgers(request: HttpRequest, filters: Query[LedgerFilter]):  # type: ignore[no-untyped-def]
    qs = MonthlyLedger.objects.visible_to(request.user)
    f = filters.dict(exclude_none=True)
    if "month" in f:
        qs = qs.filter(month=f["month"].replace(day=1))
    if "unit" in f:
        qs = qs.filter(unit_id=f["unit"])
    if "status" in f:
        qs = qs.filter(status=f["status"])
    return qs


class ReportStatusOut(Schema):
    month: datetime.date
    due_on: datetime.date
    due_month: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    counts: dict[str, int]
    labels: dict[str, str]


@router.get("/reports/status", response={200: ReportStatusOut, 404: ErrorOut}, auth=AUTH, operation_id="reports_status")
def report_status(request: HttpRequest, month: Optional[datetime.date] = None,  # type: ignore[no-untyped-def]
                  region: Optional[int] = None):
    """How many schools in the caller's scope (or ``region``) have submitted, submitted late, not submitted, not
    yet due or been returned, for ``month`` (default: the month that is due, as the pages open on)."""
    from anxiao.org.models import Region

    from . import figures

    schools = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL, is_active=True)
    if region is not None:
        schools = schools.filter(region_path__startswith=get_visible_or_404(Region, request.user, pk=region).path)
    chosen = figures.first_of_month(month) if month else figures.due_month()
    start, end = figures.period(chosen)
    return {"month": chosen, "due_on": figures.due_on(chosen), "due_month": figures.due_month(),
            "period_start": start, "period_end": end, "counts": figures.state_counts(schools, chosen),
            "labels": figures.STATES}


@router.get("/reports/ledgers/{int:pk}", response={200: LedgerOut, 404: ErrorOut}, auth=AUTH,
            operation_id="ledgers_get")
def get_ledger(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return get_visible_or_404(MonthlyLedger, request.user, pk=pk)


@router.post("/reports/schools/{int:unit_id}/ledgers",
             response={201: LedgerOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}, auth=AUTH,
             operation_id="ledgers_prepare")
def prepare(request: HttpRequest, unit_id: int, payload: PrepareIn):  # type: ignore[no-untyped-def]
    unit = get_visible_or_404(Unit, request.user, pk=unit_id, kind=UnitKind.SCHOOL)
    return 201, actions.prepare(request.user, unit, payload.month, remarks=payload.remarks,
                                correction_reason=payload.correction_reason)


@router.post("/reports/ledgers/{int:pk}/submit", response={200: LedgerOut, 403: ErrorOut, 404: ErrorOut,
                                                            422: ErrorOut}, auth=AUTH, operation_id="ledgers_submit")
def submit(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return actions.approve(request.user, get_visible_or_404(MonthlyLedger, request.user, pk=pk))


@router.post("/reports/ledgers/{int:pk}/return", response={200: LedgerOut, 403: ErrorOut, 404: ErrorOut,
                                                            422: ErrorOut}, auth=AUTH, operation_id="ledgers_return")
def return_ledger(request: HttpRequest, pk: int, payload: ReturnIn):  # type: ignore[no-untyped-def]
    return actions.return_report(request.user, get_visible_or_404(MonthlyLedger, request.user, pk=pk),
                                 payload.reason)


@router.get("/reports/ledgers/{int:pk}/export", response={200: None, 404: ErrorOut, 422: ErrorOut}, auth=AUTH,
            operation_id="ledgers_export")
def export(request: HttpRequest, pk: int, format: str = "xlsx"):  # type: ignore[no-untyped-def]
    report = get_visible_or_404(MonthlyLedger.objects.select_related("unit"), request.user, pk=pk)
    if format == "pdf":
        return HttpResponse(exports.ledger_pdf(report), content_type="application/pdf")
    if format != "xlsx":
        from django.core.exceptions import ValidationError

        raise ValidationError({"format": ["格式应为 xlsx 或 pdf"]})
    return HttpResponse(exports.ledger_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return f"/api/v1/reports/notice-attachments/{obj.pk}"


class NoticeOut(Schema):
    id: int
    issuer_id: int
    kind: str
    title: str
    document_number: str
    body: str
    audience: str
    issued_at: datetime.datetime
    unread_unit_ids: list[int]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_unread_unit_ids(obj: Any) -> list[int]:
        return list(obj.recipients.filter(read_at__isnull=True).values_list("unit_id", flat=True))


class NoticeIn(Schema):
    bureau_id: int
    title: str
    body: str
    kind: str = "notice"
    document_number: str = ""
    region_id: Optional[int] = None
    stage: str = ""


@router.get("/reports/notices", response=list[NoticeOut], auth=AUTH, operation_id="notices_list")
def list_notices(request: HttpRequest):  # type: ignore[no-untyped-def]
    from .models import Notice

    received = Notice.objects.filter(recipients__in=NoticeRecipient.objects.visible_to(request.user))
    return (Notice.objects.visible_to(request.user) | received).distinct()[:200]


@router.post("/reports/notices", response={201: NoticeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
             auth=AUTH, operation_id="notices_issue")
def issue_notice(request: HttpRequest, payload: NoticeIn):  # type: ignore[no-untyped-def]
    from anxiao.org.models import Region

    from . import notices

    bureau = get_visible_or_404(Unit, request.user, pk=payload.bureau_id)
    region = get_visible_or_404(Region, request.user, pk=payload.region_id) if payload.region_id else None
    return 201, notices.issue(request.user, bureau, title=payload.title, body=payload.body, kind=payload.kind,
                              document_number=payload.document_number, region=region, stage=payload.stage)


@router.post("/reports/notices/{int:pk}/read", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=AUTH,
             operation_id="notices_confirm_read")
def confirm_read(request: HttpRequest, pk: int, unit_id: int):  # type: ignore[no-untyped-def]
    from . import notices

    recipient = get_visible_or_404(NoticeRecipient.objects.select_related("unit"), request.user, notice_id=pk,
                                   unit_id=unit_id)
    recipient = notices.confirm_read(request.user, recipient)
    return {"read_at": recipient.read_at}


@router.post("/reports/notices/{int:pk}/attachments", response={201: list[AttachmentOut], 403: ErrorOut, 404: ErrorOut,
                                                                 422: ErrorOut}, auth=AUTH,
             operation_id="notices_attach")
def attach(request: HttpRequest, pk: int, files: list[UploadedFile] = File(None)):  # type: ignore[no-untyped-def]  # noqa: B008
    from . import notices
    from .models import Notice

    notice = get_visible_or_404(Notice.objects.select_related("issuer"), request.user, pk=pk)
    return 201, notices.attach(request.user, notice, list(files or []))


@router.get("/reports/notice-attachments/{int:pk}", response={200: None, 404: ErrorOut}, auth=AUTH,
            operation_id="notices_attachment_download")
def download_attachment(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    from anxiao.core.files import file_response

    from .models import NoticeAttachment

    return file_response(get_visible_or_404(NoticeAttachment, request.user, pk=pk))
