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
from .models import Indicator, Method, Scheme


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
