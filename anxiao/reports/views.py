from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import ancestor_ids, get_visible_or_404, home_region, roles_over_unit, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.core.paging import page_of
from anxiao.org.models import Unit

from . import actions, exports, figures, ledger
from .models import MonthlyLedger

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(request: HttpRequest) -> datetime.date:
    return _parse_month(request.GET.get("month") or request.POST.get("month") or "")


def _parse_month(raw: str) -> datetime.date:
    """The month asked for, else the month that is due (the most recent month whose deadline has passed)."""
    if not raw:
        return figures.due_month()
    try:
        month = datetime.date.fromisoformat(f"{raw}-01" if len(raw) == 7 else raw).replace(day=1)
    except ValueError:
        raise Http404
    return month


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _schools(request: HttpRequest) -> Any:
    """The schools in the user's scope, narrowed to ``?region=`` (a region the user sees)."""
    schools = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL, is_active=True)
    region = _region(request)
    if region is not None:
        schools = schools.filter(region_path__startswith=region.path)
    return schools.select_related("region").order_by("region__name", "name")


def _region(request: HttpRequest) -> Any:
    from anxiao.org.models import Region

    raw = request.GET.get("region") or ""
    return get_visible_or_404(Region, request.user, pk=raw) if raw else None


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    """The monthly reports of the user's schools, drilled down a region level at a time (issue 18): a bureau
    opens on a row per region one level below its own, a town (or a small scope) on its schools, a page at a
    time; every count is worked out in the database (``figures.state_annotated``). The full table per school
    is the export."""
    from anxiao.org.models import Region

    month = _month(request)
    asked = _region(request)
    focus = asked or home_region(request.user)
    schools = _schools(request)
    children = list(Region.objects.filter(parent=focus).order_by("path")) \
        if focus is not None and focus.level != "town" else []
    state = request.GET.get("state", "")
    state = state if state in figures.STATES else ""
    totals = figures.grouped_state_counts(schools, month, None).get(None, dict.fromkeys(figures.STATES, 0))
    stages = exports.stage_labels()
    by_stage = {stages.get(k, k): v for k, v in figures.grouped_state_counts(schools, month, "stage").items()}
    rows: list[Any] = []
    by_region: list[dict[str, Any]] = []
    if children:
        counted = figures.grouped_state_counts(
            schools, month, "region_path",
            key=lambda path: next((c.path for c in children if path.startswith(c.path)), None))
        by_region = [{"region": c, "counts": counted[c.path]} for c in children if c.path in counted]
        page, query = page_of(request, by_region)
    else:
        listed = figures.state_annotated(schools, month)
        if state:
            listed = listed.filter(state=state)
        page, query = page_of(request, listed.only("id", "name", "stage", "region__name"))
        rows = actions.month_status(list(page.object_list), month)
    parents = list(Region.objects.visible_to(request.user).filter(pk__in=ancestor_ids(focus.path))
                   .order_by("path")) if focus is not None else []
    return render(request, "reports/list.html", {
        "month": month, "rows": rows, "counts": totals, "labels": figures.STATES, "page": page, "query": query,
        "by_region": bool(children), "regions": by_region, "focus": focus, "parents": parents,
        "by_stage": by_stage, "stages": stages, "state": state, **_month_context(request, month),
    })


def _month_context(request: HttpRequest, month: datetime.date) -> dict[str, Any]:
    """What a report page says about its month: every month to pick, and whether it opened on the due month."""
    today = timezone.localdate()
    return {"months": figures.month_choices(today), "due_month": figures.due_month(today),
            "due_on": figures.due_on(month), "period": figures.period(month),
            "opened_on_due": not (request.GET.get("month") or request.POST.get("month")),
            "early_warning": figures.early_warning(month, today)}


@login_required
def ledger_school(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_visible_or_404(Unit, request.user, pk=unit_id, kind=UnitKind.SCHOOL)
    month = _month(request)
    if month > figures.first_of_month(timezone.localdate()):
        messages.error(request, "不能填报未来月份的台账")
        month = figures.first_of_month(timezone.localdate())
    report = actions.current(unit, month)
    roles = roles_over_unit(request.user, unit)
    snapshot = report.snapshot if report is not None else ledger.draft(unit, month)
    return render(request, "reports/school.html", {
        "unit": unit, "month": month, "report": report, "snap": snapshot, "columns": ledger.COLUMNS,
        "summary_lines": exports.summary_lines(snapshot["summary"]),
        "versions": MonthlyLedger.objects.filter(unit=unit, month=month).order_by("-version"),
        "can_prepare": bool(roles & actions.SCHOOL_EDITORS), "can_approve": actions._is_principal(request.user, unit)
        and report is not None and report.status == "prepared", "can_return": bool(roles & actions.BUREAU),
        **_month_context(request, month),
    })


@login_required
@require_POST
def ledger_prepare(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_visible_or_404(Unit, request.user, pk=unit_id, kind=UnitKind.SCHOOL)
    month = _month(request)
    run_and_flash(request, lambda: actions.prepare(request.user, unit, month, remarks=request.POST.get("remarks", ""),
                                          correction_reason=request.POST.get("correction_reason", "")),
         "台账已生成，待校长审核报送")
    _warn_early(request, month)
    return redirect(f"/reports/schools/{unit.pk}/?month={month:%Y-%m}")


def _warn_early(request: HttpRequest, month: datetime.date) -> None:
    warning = figures.early_warning(month)
    if warning:
        messages.warning(request, warning)


@login_required
@require_POST
def ledger_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(MonthlyLedger.objects.select_related("unit"), request.user, pk=pk)
    run_and_flash(request, lambda: actions.approve(request.user, report), "台账已审核并报送教育局")
    _warn_early(request, report.month)
    return redirect(f"/reports/schools/{report.unit_id}/?month={report.month:%Y-%m}")


@login_required
@require_POST
def ledger_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(MonthlyLedger.objects.select_related("unit"), request.user, pk=pk)
    run_and_flash(request, lambda: actions.return_report(request.user, report, request.POST.get("reason", "")), "已退回学校")
    return redirect(f"/reports/schools/{report.unit_id}/?month={report.month:%Y-%m}")


@login_required
def ledger_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_visible_or_404(MonthlyLedger.objects.select_related("unit", "prepared_by", "approved_by"),
                                request.user, pk=pk)
    name = f"{report.unit.name}_{report.month:%Y年%m月}台账_v{report.version}"
    if fmt == "pdf":
        return _download(exports.ledger_pdf(report), f"{name}.pdf", "application/pdf")
    return _download(exports.ledger_xlsx(report), f"{name}.xlsx", XLSX)


@login_required
def rollup_export(request: HttpRequest, fmt: str) -> HttpResponse | FileResponse:
    month = _month(request)
    rows = actions.month_status_stream(_schools(request), month)  # a chunk of schools at a time
    title = f"学校安全隐患排查整治台账汇总（{month:%Y年%m月}）"
    from anxiao.documents.tables import Signoff

    if fmt == "pdf":
        return _download(exports.rollup_pdf(title, rows, Signoff.by(request.user)), f"{title}.pdf", "application/pdf")
    if fmt == "zip":
        ids = [r["report"].pk for r in rows if r["report"] is not None and r["report"].status != "prepared"]
        reports = (MonthlyLedger.objects.filter(pk__in=ids).select_related("unit", "prepared_by", "approved_by")
                   .order_by("unit__name").iterator(chunk_size=50))
        return FileResponse(exports.zip_file(reports), as_attachment=True, filename=f"{title}.zip",
                            content_type="application/zip")
    return FileResponse(exports.rollup_file(title, rows, Signoff.by(request.user)), as_attachment=True,
                        filename=f"{title}.xlsx", content_type=XLSX)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    from .charts import share_bar_svg
    from .dashboard import dashboard

    d = dashboard(request.user, region=_region(request))
    return render(request, "reports/dashboard.html", {
        "d": d, "labels": figures.STATES, "risk_bar": share_bar_svg(d["risks"]["levels"], d["risks"]["unassessed"])})


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count, Q

    from .models import Notice, NoticeRecipient

    issued = Notice.objects.filter(user_scope(request.user).unit_q("issuer__")).annotate(
        total=Count("recipients"), read=Count("recipients", filter=Q(recipients__read_at__isnull=False)))
    received = NoticeRecipient.objects.visible_to(request.user).filter(
        unit__kind=UnitKind.SCHOOL).select_related("notice", "unit")[:100]
    bureaus = Unit.objects.writable_by(request.user).filter(kind=UnitKind.BUREAU)
    return render(request, "reports/notices.html", {"issued": issued[:100], "received": received,
                                                     "can_issue": bureaus.exists()})


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    from anxiao.org.models import Region

    from . import notices
    from .forms import NoticeForm

    bureaus = list(Unit.objects.writable_by(request.user).filter(kind=UnitKind.BUREAU))
    if not bureaus:
        raise PermissionDenied("只有教育局可以发布通知通报")
    towns = Region.objects.visible_to(request.user).filter(level="town")
    initial: dict[str, Any] = {"kind": "notice"}
    if request.GET.get("bulletin"):
        month = _parse_month(request.GET["bulletin"])
        initial["kind"] = "bulletin"
        initial["title"], initial["body"] = notices.bulletin_text(bureaus[0], month)
    form = NoticeForm(request.POST or None, request.FILES or None, initial=initial,
                      bureaus=Unit.objects.filter(pk__in=[b.pk for b in bureaus]), towns=towns)
    notice = run_form(request, form, lambda d: notices.issue(
        request.user, d["bureau"], title=d["title"], body=d["body"], kind=d["kind"],
        document_number=d["document_number"], region=d["region"], stage=d["stage"], attachments=d["attachments"]))
    if notice is not REFUSED:
        messages.success(request, f"已发送至{notice.audience}")
        return redirect("reports:notice_detail", notice.pk)
    return render(request, "reports/notice_form.html", {"form": form})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import Notice, NoticeRecipient

    notice = get_visible_or_404(Notice.objects.select_related("issuer"), request.user, pk=pk)
    recipients = NoticeRecipient.objects.filter(notice=notice).select_related("unit", "read_by").order_by(
        "read_at", "unit__name")
    from . import notices

    issuer_roles = roles_over_unit(request.user, notice.issuer)
    if not issuer_roles:  # a recipient school sees its own receipt, not who else has read it
        recipients = recipients.filter(unit__in=Unit.objects.visible_to(request.user))
    return render(request, "reports/notice_detail.html", {
        "notice": notice, "recipients": recipients, "unread": sum(1 for r in recipients if r.read_at is None),
        "attachments": notice.attachments.all(), "can_attach": bool(issuer_roles & notices.ISSUERS),
        "max_attachments": notices.MAX_ATTACHMENTS, "attachment_mb": notices.ATTACHMENT_MB})


@login_required
def notice_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The notice or bulletin as a 公文: Word from the template version recorded when it was issued (the bureau's,
    or the built-in one), or PDF in the built-in layout."""
    from anxiao.documents.contexts import notice_context
    from anxiao.documents.pdf import notice_pdf
    from anxiao.documents.render import render, template_bytes

    from .models import Notice

    notice = get_visible_or_404(Notice.objects.select_related("issuer", "template"), request.user, pk=pk)
    context = notice_context(notice)
    if fmt == "pdf":
        return _download(notice_pdf(context), f"{notice.title}.pdf", "application/pdf")
    return _download(render(template_bytes(notice.template, notice.kind), context), f"{notice.title}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@login_required
@require_POST
def notice_attach(request: HttpRequest, pk: int) -> HttpResponse:
    from . import notices
    from .models import Notice

    notice = get_visible_or_404(Notice.objects.select_related("issuer"), request.user, pk=pk)
    run_and_flash(request, lambda: notices.attach(request.user, notice, request.FILES.getlist("attachments")),
                  "附件已上传")
    return redirect("reports:notice_detail", notice.pk)


@login_required
def notice_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Download: only the issuing bureau's users and the recipient units (everyone else: 404)."""
    from anxiao.core.files import file_response

    from .models import NoticeAttachment

    return file_response(get_visible_or_404(NoticeAttachment, request.user, pk=pk))


@login_required
@require_POST
def notice_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from . import notices
    from .models import NoticeRecipient

    recipient = get_visible_or_404(NoticeRecipient.objects.select_related("unit"), request.user, pk=pk)
    run_and_flash(request, lambda: notices.confirm_read(request.user, recipient), "已确认阅读")
    return redirect("reports:notice_list")


def _quarter(request: HttpRequest) -> datetime.date:
    from . import quarterly

    return quarterly.quarter_start(_parse_month(request.GET.get("quarter") or request.POST.get("quarter") or ""))


@login_required
def summary_list(request: HttpRequest) -> HttpResponse:
    from .models import QuarterlySummary

    quarter = _quarter(request)
    rows = actions.month_status(list(_schools(request)), quarter, model=QuarterlySummary)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["state"]] += 1
    return render(request, "reports/summaries.html", {"quarter": quarter, "rows": rows, "counts": dict(counts),
                                                       "labels": figures.STATES})


@login_required
def summary_school(request: HttpRequest, unit_id: int) -> HttpResponse:
    from .models import QuarterlySummary
    from .quarterly import draft

    unit = get_visible_or_404(Unit, request.user, pk=unit_id, kind=UnitKind.SCHOOL)
    quarter = _quarter(request)
    report = QuarterlySummary.objects.filter(unit=unit, quarter=quarter).order_by("-version").first()
    roles = roles_over_unit(request.user, unit)
    if request.method == "POST":
        if not roles & actions.SCHOOL_EDITORS:
            raise PermissionDenied("您不能为该学校填报")
        run_and_flash(request, lambda: actions.prepare_summary(
            request.user, unit, quarter, problems=request.POST.get("problems", ""),
            next_plan=request.POST.get("next_plan", ""), correction_reason=request.POST.get("correction_reason", "")),
            "季度总结已生成，待校长审核报送")
        return redirect(f"/reports/summaries/schools/{unit.pk}/?quarter={quarter:%Y-%m}")
    return render(request, "reports/summary_school.html", {
        "unit": unit, "quarter": quarter, "report": report,
        "snap": report.snapshot if report else draft(unit, quarter),
        "can_prepare": bool(roles & actions.SCHOOL_EDITORS),
        "can_approve": report is not None and report.status == "prepared" and actions._is_principal(request.user, unit),
        "can_return": bool(roles & actions.BUREAU) and report is not None and report.status == "submitted"})


@login_required
@require_POST
def summary_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    from .models import QuarterlySummary

    report = get_visible_or_404(QuarterlySummary.objects.select_related("unit"), request.user, pk=pk)
    if step == "approve":
        run_and_flash(request, lambda: actions.approve(request.user, report), "季度总结已报送")
    else:
        run_and_flash(request, lambda: actions.return_report(request.user, report, request.POST.get("reason", "")), "已退回")
    return redirect(f"/reports/summaries/schools/{report.unit_id}/?quarter={report.quarter:%Y-%m}")
