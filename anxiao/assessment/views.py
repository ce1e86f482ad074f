from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404
from anxiao.core.choices import UnitKind
from anxiao.core.flash import run_and_flash
from anxiao.org.models import Unit

from . import actions, exports
from .models import Indicator, LicenceReview, LicenceSubject, Method, Scheme


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = Scheme.objects.visible_to(request.user).select_related("bureau")
    bureaus = Unit.objects.writable_by(request.user).filter(kind=UnitKind.BUREAU)
    return render(request, "assessment/list.html", {"schemes": schemes, "bureaus": bureaus,
                                                     "year": timezone.localdate().year})


@login_required
@require_POST
def scheme_create(request: HttpRequest) -> HttpResponse:
    bureau = get_visible_or_404(Unit, request.user, pk=request.POST.get("bureau") or 0)
    try:
        scheme = actions.create_scheme(request.user, bureau, year=int(request.POST.get("year") or 0),
                                       name=request.POST.get("name", ""))
    except (ValidationError, PermissionDenied, ValueError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or "年度无效"))
        return redirect("assessment:scheme_list")
    return redirect("assessment:scheme_detail", scheme.pk)


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_visible_or_404(Scheme.objects.select_related("bureau"), request.user, pk=pk)
    results = list(scheme.results.select_related("unit").order_by("rank"))
    return render(request, "assessment/detail.html", {
        "scheme": scheme, "indicators": scheme.indicators.all(), "vetoes": scheme.veto_rules.all(),
        "results": results, "assessed": scheme.indicators.filter(method=Method.ASSESSED),
        "units": actions.units_of(scheme).order_by("name"),
    })


@login_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.publish, "方案已发布")


@login_required
@require_POST
def scheme_compute(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.compute, "考核结果已计算并排名")


def _step(request: HttpRequest, pk: int, step: object, done: str) -> HttpResponse:
    scheme = get_visible_or_404(Scheme, request.user, pk=pk)
    run_and_flash(request, lambda: step(request.user, scheme), done)  # type: ignore[operator]
    return redirect("assessment:scheme_detail", scheme.pk)


@login_required
@require_POST
def score_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_visible_or_404(Indicator.objects.select_related("scheme__bureau"), request.user, pk=pk)
    unit = get_visible_or_404(Unit, request.user, pk=request.POST.get("unit") or 0)
    run_and_flash(request, lambda: actions.score(request.user, indicator, unit,
                                                 request.POST.get("score") or None,  # type: ignore[arg-type]
                                                 request.POST.get("evidence", "")), "评分已保存")
    return redirect("assessment:scheme_detail", indicator.scheme_id)


@login_required
def bulletin(request: HttpRequest, pk: int, fmt: str = "xlsx") -> HttpResponse:
    scheme = get_visible_or_404(Scheme.objects.select_related("bureau"), request.user, pk=pk)
    if fmt == "pdf":
        response = HttpResponse(exports.bulletin_pdf(scheme), content_type="application/pdf")
    elif fmt == "docx":
        response = HttpResponse(exports.bulletin_docx(scheme), content_type="application/vnd.openxmlformats-"
                                "officedocument.wordprocessingml.document")
    else:
        response = HttpResponse(exports.bulletin_xlsx(scheme, request.user),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(scheme.name + '结果通报.' + fmt)}"
    return response


@login_required
def licences(request: HttpRequest) -> HttpResponse:
    """许可审批/年检 of private schools and schools with a bus (seed 001 一(十四)): the reviews in scope, and the
    units that need one this year without it."""
    year = timezone.localdate().year
    reviews = LicenceReview.objects.visible_to(request.user).select_related("unit", "reviewed_by")[:200]
    schools = Unit.objects.writable_by(request.user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")
    need = [(u, s) for u in schools for s in LicenceSubject if actions.applies(u, s)]
    done = set(LicenceReview.objects.filter(year=year, unit__in=[u for u, _s in need])
               .values_list("unit_id", "subject"))
    return render(request, "assessment/licences.html", {
        "reviews": reviews, "need": need, "missing": [(u, s) for u, s in need if (u.pk, s.value) not in done],
        "subjects": LicenceSubject.choices, "year": year})


@login_required
@require_POST
def licence_create(request: HttpRequest) -> HttpResponse:
    from anxiao.core.validation import parse_date

    unit = get_visible_or_404(Unit, request.user, pk=request.POST.get("unit") or 0)

    def act() -> object:
        return actions.review_licence(
            request.user, unit, subject=request.POST.get("subject", ""),
            year=int(request.POST.get("year") or 0) if (request.POST.get("year") or "0").isdigit() else 0,
            safety_standard_met=request.POST.get("safety_standard_met") == "1",
            findings=request.POST.get("findings", ""),
            rectify_by=parse_date(request.POST.get("rectify_by"), "rectify_by", "整改期限"),
            revoke=request.POST.get("revoke") == "1")

    run_and_flash(request, act, "审查结论已记录")
    return redirect("assessment:licences")
