"""Checklists, inspections (with the offline-tolerant phone form), fail → hazard, patrol points and check-ins."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.files import file_response
from anxiao.org.models import Unit

from . import actions
from .models import (
    Checklist,
    Inspection,
    InspectionKind,
    InspectionStatus,
    ItemResult,
    Outcome,
    PatrolPoint,
    ResultPhoto,
)


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for errs in exc.message_dict.values():
        for e in errs:
            messages.error(request, e)


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    checklists = Checklist.objects.visible_to(request.user).select_related("bureau")
    return render(request, "inspections/checklist_list.html", {"checklists": checklists})


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_visible_or_404(Checklist, request.user, pk=pk)
    return render(request, "inspections/checklist_detail.html",
                  {"checklist": checklist, "items": checklist.items.all()})


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    qs = Inspection.objects.visible_to(request.user).select_related("unit", "inspecting_unit")
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {
        "page": page, "kinds": InspectionKind.choices, "statuses": InspectionStatus.choices, "params": request.GET,
        "can_create": not user_scope(request.user, write=True).empty})


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建检查的权限")
    units = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL).order_by("name")
    inspecting = Unit.objects.writable_by(request.user).filter(kind__in=(UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT,
                                                                        UnitKind.SCHOOL)).order_by("kind", "name")
    if request.method == "POST":
        p = request.POST
        unit = units.filter(pk=p["unit"]).first() if p.get("unit", "").isdigit() else None
        by = inspecting.filter(pk=p["inspecting_unit"]).first() if p.get("inspecting_unit", "").isdigit() else None
        try:
            if unit is None:
                raise ValidationError({"unit": ["请选择受检单位"]})
            planned = datetime.date.fromisoformat(p["planned_on"]) if p.get("planned_on") else None
            inspection = actions.start_inspection(request.user, unit=unit, kind=p.get("kind", ""), planned_on=planned,
                                                  inspecting_unit=by, title=p.get("title", ""),
                                                  client_uuid=p.get("client_uuid") or None)
        except ValidationError as exc:
            _messages(request, exc)
        except ValueError:
            messages.error(request, "检查日期格式应为 YYYY-MM-DD")
        else:
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(request, "inspections/inspection_create.html", {
        "units": units, "inspecting": inspecting, "kinds": InspectionKind.choices, "uuid": actions.new_uuid(),
        "today": timezone.localdate()})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.select_related("unit", "checklist", "inspecting_unit"),
                                    request.user, pk=pk)
    results = {r.item_code: r for r in inspection.results.select_related("hazard").prefetch_related("photos")}
    items = [(i, results.get(i.code)) for i in actions.applicable_items(inspection)]
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "items": items, "outcomes": Outcome.choices, "uuid": actions.new_uuid(),
        "members": inspection.members.all(), "can_edit": user_scope(request.user, write=True).covers_unit(
            inspection.inspecting_unit or inspection.unit) and inspection.status != InspectionStatus.DONE})


@login_required
@require_POST
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone form posts every answered item at once; posting the same form twice changes nothing more."""
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    results, photos = [], {}
    for key, outcome in request.POST.items():
        if key.startswith("outcome_") and outcome:
            code = key[len("outcome_"):]
            results.append({"item_code": code, "outcome": outcome, "note": request.POST.get(f"note_{code}", ""),
                            "location": request.POST.get(f"location_{code}", "")})
            files = request.FILES.getlist(f"photo_{code}")
            if files:
                photos[code] = files
    try:
        actions.record_results(request.user, inspection, results, photos=photos)
        if request.POST.get("complete"):
            actions.complete_inspection(request.user, inspection, request.POST.get("summary", ""))
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, f"已保存 {len(results)} 项检查结果")
    return redirect("inspections:inspection_detail", inspection.pk)


@login_required
@require_POST
def result_to_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_visible_or_404(ItemResult.objects.select_related("inspection__unit", "item"), request.user, pk=pk)
    try:
        hazard = actions.fail_to_hazard(request.user, result, location=request.POST.get("location", ""))
    except ValidationError as exc:
        _messages(request, exc)
        return redirect("inspections:inspection_detail", result.inspection_id)
    messages.success(request, f"已登记隐患 {hazard.number}")
    return redirect("hazards:hazard_detail", hazard.pk)


@login_required
def result_photo(request: HttpRequest, pk: int) -> Any:
    photo = get_visible_or_404(ResultPhoto, request.user, pk=pk)
    return file_response(photo, thumb=request.GET.get("thumb") == "1")


def _points(request: HttpRequest) -> Any:
    return PatrolPoint.objects.visible_to(request.user).select_related("unit").filter(is_active=True)


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    points = list(_points(request)[:500])
    today = timezone.localdate()
    counts = actions.daily_counts(points, today)
    rows = [(p, counts.get(p.pk, 0)) for p in points]
    return render(request, "inspections/point_list.html", {"rows": rows, "today": today,
                                                           "can_create": not user_scope(request.user, write=True).empty})


@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建巡查点的权限")
    units = Unit.objects.writable_by(request.user).filter(kind=UnitKind.SCHOOL).order_by("name")
    if request.method == "POST":
        p = request.POST
        unit = units.filter(pk=p["unit"]).first() if p.get("unit", "").isdigit() else None
        try:
            if unit is None:
                raise ValidationError({"unit": ["请选择学校"]})
            actions.save_point(request.user, None, unit=unit, name=p.get("name", ""), location=p.get("location", ""),
                               key_area=bool(p.get("key_area")))
        except ValidationError as exc:
            _messages(request, exc)
        else:
            return redirect("inspections:point_list")
    return render(request, "inspections/point_create.html", {"units": units})


@login_required
def point_print(request: HttpRequest) -> HttpResponse:
    """A printable sheet: one card per point with the check-in address (printed as a QR code by the browser)."""
    points = _points(request)
    if request.GET.get("unit", "").isdigit():
        points = points.filter(unit_id=request.GET["unit"])
    from django.urls import reverse

    from . import qr

    def url_for(point: PatrolPoint) -> str:
        return request.build_absolute_uri(reverse("inspections:point_checkin", args=[point.token]))

    if request.GET.get("format") == "pdf":
        from django.http import HttpResponse as Response

        pdf = qr.sheet_pdf(list(points[:300]), url_for)
        response = Response(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="patrol-points.pdf"'
        return response
    cards = [(p, url_for(p), qr.svg(url_for(p))) for p in points[:200]]
    return render(request, "inspections/point_print.html", {"cards": cards, "query": request.GET.urlencode()})


@login_required
def point_checkin(request: HttpRequest, token: str) -> HttpResponse:
    point = get_visible_or_404(PatrolPoint.objects.select_related("unit"), request.user, token=token)
    if request.method == "POST":
        try:
            actions.check_in(request.user, point, normal=request.POST.get("normal", "1") == "1",
                             note=request.POST.get("note", ""), client_uuid=request.POST.get("client_uuid") or None)
        except ValidationError as exc:
            _messages(request, exc)
        else:
            messages.success(request, f"{point.name} 已打卡")
            return redirect("inspections:point_checkin", point.token)
    today = timezone.localdate()
    return render(request, "inspections/point_checkin.html", {
        "point": point, "count": actions.daily_counts([point], today).get(point.pk, 0), "uuid": actions.new_uuid()})
