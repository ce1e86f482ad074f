"""Checklists, inspections (with the offline-tolerant phone form), fail → hazard, patrol points and check-ins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, resolve_visible, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.files import file_response
from anxiao.core.flash import REFUSED, PageErrors, run_and_flash
from anxiao.core.links import absolute_url
from anxiao.core.validation import parse_date
from anxiao.obligations.crediting import credited_by
from anxiao.org.models import Person, Unit

from . import actions
from .filters import InspectionFilter
from .models import (
    Checklist,
    ChecklistItem,
    Frequency,
    Inspection,
    InspectionKind,
    InspectionMember,
    InspectionSignature,
    InspectionStatus,
    ItemGrade,
    ItemResult,
    MemberRole,
    Outcome,
    PatrolPoint,
    ResultPhoto,
    SignerRole,
)


def _bureaus(user: Any) -> Any:
    return Unit.objects.writable_by(user).filter(kind=UnitKind.BUREAU).order_by("name")


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    checklists = Checklist.objects.visible_to(request.user).select_related("bureau")
    if request.GET.get("all") != "1":
        checklists = checklists.filter(is_active=True)
    return render(request, "inspections/checklist_list.html", {
        "checklists": checklists, "can_create": _bureaus(request.user).exists(), "all": request.GET.get("all") == "1"})


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_visible_or_404(Checklist.objects.select_related("bureau"), request.user, pk=pk)
    can_edit = checklist.bureau_id is not None and checklist.is_active and \
        user_scope(request.user, write=True).covers_unit(checklist.bureau)
    versions = Checklist.objects.visible_to(request.user).filter(code=checklist.code, bureau=checklist.bureau) \
        .order_by("-version")
    return render(request, "inspections/checklist_detail.html", {
        "checklist": checklist, "items": checklist.items.all(), "can_edit": can_edit, "versions": versions,
        "used": checklist.inspections.exists()})


@login_required
def checklist_create(request: HttpRequest) -> HttpResponse:
    bureaus = _bureaus(request.user)
    if not bureaus.exists():
        raise PermissionDenied("只有教育局管理员可以新建本局检查表")
    sources = Checklist.objects.visible_to(request.user).filter(is_active=True).select_related("bureau")
    errors = PageErrors(request)
    if request.method == "POST":
        p = request.POST
        bureau = bureaus.filter(pk=p["bureau"]).first() if p.get("bureau", "").isdecimal() else None
        copy_from = sources.filter(pk=p["copy_from"]).first() if p.get("copy_from", "").isdecimal() else None
        checklist = run_and_flash(request, lambda: actions.create_checklist(
            request.user, bureau=bureau, code=p.get("code", ""), title=p.get("title", ""), source=p.get("source", ""),
            copy_from=copy_from), form=errors)
        if checklist is not REFUSED:
            messages.success(request, f"已新建检查表 {checklist}")
            return redirect("inspections:checklist_detail", checklist.pk)
    return render(request, "inspections/checklist_form.html", {
        "bureaus": bureaus, "sources": sources, "errors": errors, "data": request.POST})


def _item_data(post: Any) -> dict[str, Any]:
    keys = ("code", "category", "text", "grade", "major_basis", "frequency", "source", "points")
    data: dict[str, Any] = {k: post.get(k, "") for k in keys}
    data.update({k: bool(post.get(k)) for k in ("boarding_only", "lab_only", "school_bus_only", "required",
                                                 "allow_na")})
    return data


@login_required
def item_edit(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    """Add (no item_pk) or edit one item of a bureau's checklist; a checklist already used gets a new version."""
    checklist = get_visible_or_404(Checklist.objects.select_related("bureau"), request.user, pk=pk)
    item = get_visible_or_404(ChecklistItem, request.user, pk=item_pk, checklist=checklist) if item_pk else None
    if checklist.bureau_id is None or not user_scope(request.user, write=True).covers_unit(checklist.bureau):
        raise PermissionDenied("只有本局管理员可以修改本局检查表")
    errors = PageErrors(request)
    data: Any = request.POST if request.method == "POST" else (
        {k: getattr(item, k) for k in ("code", "category", "text", "grade", "major_basis", "frequency", "source",
                                       "boarding_only", "lab_only", "school_bus_only", "required", "allow_na",
                                       "points")} if item else {"required": True, "allow_na": True, "points": 0})
    if request.method == "POST":
        saved = run_and_flash(request, lambda: actions.save_item(request.user, checklist, item,
                                                                 **_item_data(request.POST)), form=errors)
        if saved is not REFUSED:
            version, _saved = saved
            if version.pk != checklist.pk:
                messages.success(request, f"该检查表已被检查使用，修改已保存为第 {version.version} 版")
            else:
                messages.success(request, "检查项已保存")
            return redirect("inspections:checklist_detail", version.pk)
    return render(request, "inspections/item_form.html", {
        "checklist": checklist, "item": item, "errors": errors, "data": data,
        "categories": list(actions.CATEGORY_NAMES.items()), "grades": ItemGrade.choices,
        "frequencies": Frequency.choices})


@login_required
@require_POST
def item_retire(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    checklist = get_visible_or_404(Checklist.objects.select_related("bureau"), request.user, pk=pk)
    item = get_visible_or_404(ChecklistItem, request.user, pk=item_pk, checklist=checklist)
    version = run_and_flash(request, lambda: actions.retire_item(request.user, checklist, item))
    if version is REFUSED:
        return redirect("inspections:checklist_detail", checklist.pk)
    messages.success(request, f"已停用检查项 {item.code}" + (
        f"（已保存为第 {version.version} 版）" if version.pk != checklist.pk else ""))
    return redirect("inspections:checklist_detail", version.pk)


@login_required
@require_POST
def checklist_retire(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = get_visible_or_404(Checklist.objects.select_related("bureau"), request.user, pk=pk)
    run_and_flash(request, lambda: actions.retire_checklist(request.user, checklist), f"已停用检查表 {checklist}")
    return redirect("inspections:checklist_detail", checklist.pk)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspection_filter = InspectionFilter.parse(request.GET)
    qs = inspection_filter.apply(Inspection.objects.visible_to(request.user).select_related("unit", "inspecting_unit"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {
        "page": page, "kinds": InspectionKind.choices, "statuses": InspectionStatus.choices, "params": request.GET,
        "filter_errors": inspection_filter.errors,
        "can_create": not user_scope(request.user, write=True).empty})


MEMBER_ROWS = 6


def _member_rows(post: Any, people: Any) -> list[dict[str, Any]]:
    """The team rows of the create form (person from the list, or a name for an outside expert)."""
    rows = []
    for n in range(MEMBER_ROWS):
        pid, name = post.get(f"member_person_{n}", ""), post.get(f"member_name_{n}", "").strip()
        person = resolve_visible(people, None, pid, "members", "人员")  # people: already the visible ones
        if person is None and not name:
            continue
        rows.append({"person": person, "name": name or (person.name if person else ""),
                     "role": post.get(f"member_role_{n}") or "inspector",
                     "organisation": post.get(f"member_org_{n}", "").strip()})
    return rows


def _people(user: Any) -> Any:
    return Person.objects.visible_to(user).filter(is_active=True).select_related("unit").order_by("unit__name", "name")


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建检查的权限")
    units = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL).order_by("name")
    inspecting = Unit.objects.writable_by(request.user).filter(kind__in=(UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT,
                                                                        UnitKind.SCHOOL)).order_by("kind", "name")
    checklists = Checklist.objects.visible_to(request.user).filter(is_active=True).select_related("bureau")
    people = _people(request.user)
    errors = PageErrors(request, shown={"members"})  # the page shows the team's errors at the team, the rest on top
    if request.method == "POST":
        p = request.POST

        def start() -> Inspection:
            # ids through the one resolver, within what the page offers: an unknown or hidden id is a field error
            unit = resolve_visible(units, None, p.get("unit"), "unit", "单位")
            by = resolve_visible(inspecting, None, p.get("inspecting_unit"), "inspecting_unit", "单位")
            checklist = resolve_visible(checklists, None, p.get("checklist"), "checklist", "检查表")
            if unit is None:
                raise ValidationError({"unit": ["请选择受检单位"]})
            planned = parse_date(p.get("planned_on"), "planned_on", "计划日期")
            return actions.start_inspection(request.user, unit=unit, kind=p.get("kind", ""), planned_on=planned,
                                            inspecting_unit=by, title=p.get("title", ""), checklist=checklist,
                                            members=_member_rows(p, people), risk_controls=bool(p.get("risk_controls")),
                                            client_uuid=p.get("client_uuid") or None)

        inspection = run_and_flash(request, start, form=errors)
        if inspection is not REFUSED:
            return redirect("inspections:inspection_detail", inspection.pk)
    return render(request, "inspections/inspection_create.html", {
        "units": units, "inspecting": inspecting, "kinds": InspectionKind.choices, "checklists": checklists,
        "uuid": request.POST.get("client_uuid") or actions.new_uuid(), "today": timezone.localdate(),
        "people": people[:500], "roles": MemberRole.choices, "rows": range(MEMBER_ROWS), "errors": errors,
        "data": request.POST})


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.select_related("unit", "inspecting_unit"), request.user, pk=pk)
    p = request.POST

    def add() -> InspectionMember:
        person = resolve_visible(_people(request.user), None, p.get("person"), "members", "人员")
        return actions.add_member(request.user, inspection, person=person, name=p.get("name", ""),
                                  role=p.get("role") or "inspector", organisation=p.get("organisation", ""))

    member = run_and_flash(request, add)
    if member is not REFUSED:
        messages.success(request, f"已将 {member.name} 加入检查组")
    return redirect("inspections:inspection_detail", inspection.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(InspectionMember.objects.select_related("inspection__unit"), request.user, pk=pk)
    run_and_flash(request, lambda: actions.remove_member(request.user, member), f"已将 {member.name} 移出检查组")
    return redirect("inspections:inspection_detail", member.inspection_id)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.select_related("unit", "checklist", "inspecting_unit"),
                                    request.user, pk=pk)
    results = {r.item_code: r for r in inspection.results.select_related("hazard").prefetch_related("photos")}
    progress = actions.progress(inspection, results)
    can_sign = user_scope(request.user, write=True).covers_unit(inspection.inspecting_unit or inspection.unit)
    items = [row for section in progress.sections for row in section.rows]
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "items": items, "progress": progress, "outcomes": Outcome.choices,
        "signatures": {s.role: s for s in inspection.signatures.all()}, "signer_roles": SignerRole.choices,
        "uuid": actions.new_uuid(),
        "members": inspection.members.all(), "people": _people(request.user)[:500], "roles": MemberRole.choices,
        "credited": credited_by(request.user, f"inspection:{inspection.pk}"),
        "sign_roles": [r for r in SignerRole.values if actions.may_sign(request.user, inspection, r)],
        "can_sign": can_sign, "can_edit": can_sign and inspection.status != InspectionStatus.DONE})


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
    back = reverse("inspections:inspection_detail", args=[inspection.pk])
    if run_and_flash(request, lambda: actions.record_results(request.user, inspection, results, photos=photos),
                     f"已保存 {len(results)} 项检查结果") is REFUSED:
        return redirect(back)
    # The phone drops what it kept offline once the server has it.
    back += "?" + urlencode({"saved": request.POST.get("submission", "")})
    if request.POST.get("complete"):
        run_and_flash(request, lambda: actions.complete_inspection(request.user, inspection,
                                                                   request.POST.get("summary", "")), "检查已完成")
    return redirect(back)


@login_required
def inspection_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF, to download or share."""
    inspection = get_visible_or_404(Inspection.objects.select_related("unit", "checklist", "inspecting_unit",
                                                                      "leader"), request.user, pk=pk)
    response = HttpResponse(actions.report_pdf(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-{inspection.pk}.pdf"'
    return response


@login_required
@require_POST
def inspection_sign(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.select_related("unit", "inspecting_unit"), request.user, pk=pk)
    signature = run_and_flash(request, lambda: actions.sign(
        request.user, inspection, role=request.POST.get("role", ""), name=request.POST.get("signer_name", ""),
        image=request.FILES.get("signature") or request.POST.get("signature", "")))
    if signature is not REFUSED:
        messages.success(request, f"{signature.get_role_display()} {signature.signer_name} 已签名")
    return redirect(reverse("inspections:inspection_detail", args=[inspection.pk]) + "#signatures")


@login_required
def signature_image(request: HttpRequest, pk: int) -> Any:
    signature = get_visible_or_404(InspectionSignature, request.user, pk=pk)
    return file_response(signature)


@login_required
@require_POST
def result_to_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_visible_or_404(ItemResult.objects.select_related("inspection__unit", "item"), request.user, pk=pk)
    hazard = run_and_flash(request, lambda: actions.fail_to_hazard(request.user, result,
                                                                   location=request.POST.get("location", "")))
    if hazard is REFUSED:
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
    """Points with today's counts, and today's round as a timeline. No link here checks in: that takes a scan."""
    points = list(_points(request)[:500])
    today = timezone.localdate()
    counts = actions.daily_counts(points, today)
    writable = {p.pk for p in PatrolPoint.objects.writable_by(request.user).filter(pk__in=[p.pk for p in points])}
    rows = [(p, counts.get(p.pk, 0), p.pk in writable) for p in points]
    return render(request, "inspections/point_list.html", {
        "rows": rows, "today": today, "round": actions.round_of(points, today),
        "can_create": not user_scope(request.user, write=True).empty})


@login_required
def point_scan(request: HttpRequest) -> HttpResponse:
    """巡查打卡: the phone's camera reads a point's QR code in the browser and opens its check-in."""
    return render(request, "inspections/point_scan.html")


@login_required
@require_POST
def point_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    point = get_visible_or_404(PatrolPoint.objects.select_related("unit"), request.user, pk=pk)
    actions.rotate_secret(request.user, point)
    messages.success(request, f"{point.name} 的二维码已更换：请打印新二维码替换现场张贴的旧码，旧码不能再打卡")
    return redirect(f"{reverse('inspections:point_print')}?point={point.pk}")


@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建巡查点的权限")
    units = Unit.objects.writable_by(request.user).filter(kind=UnitKind.SCHOOL).order_by("name")
    errors = PageErrors(request)
    if request.method == "POST":
        p = request.POST
        unit = units.filter(pk=p["unit"]).first() if p.get("unit", "").isdecimal() else None
        interval = p.get("min_interval_minutes", "30").strip() or "30"

        def save() -> PatrolPoint:
            if unit is None:
                raise ValidationError({"unit": ["请选择学校"]})
            if not interval.isdecimal() or not 0 < int(interval) <= 720:
                raise ValidationError({"min_interval_minutes": ["打卡间隔应为 1–720 分钟"]})
            return actions.save_point(request.user, None, unit=unit, name=p.get("name", ""),
                                      location=p.get("location", ""), key_area=bool(p.get("key_area")),
                                      min_interval_minutes=int(interval), gate=bool(p.get("gate")))

        if run_and_flash(request, save, form=errors) is not REFUSED:
            return redirect("inspections:point_list")
    return render(request, "inspections/point_create.html", {"units": units, "errors": errors,
                                                             "data": request.POST})


@login_required
def point_print(request: HttpRequest) -> HttpResponse:
    """A printable sheet: one card per point with its QR code (the check-in address with the point's secret).
    Only who manages the points prints them: the code is the proof of presence."""
    points = PatrolPoint.objects.writable_by(request.user).select_related("unit").filter(is_active=True)
    if request.GET.get("unit", "").isdecimal():
        points = points.filter(unit_id=request.GET["unit"])
    if request.GET.get("point", "").isdecimal():
        points = points.filter(pk=request.GET["point"])
    from . import qr

    def url_for(point: PatrolPoint) -> str:
        return absolute_url(actions.checkin_path(point), request)

    if request.GET.get("format") == "pdf":
        pdf = qr.sheet_pdf(list(points[:300]), url_for)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="patrol-points.pdf"'
        return response
    cards = [(p, url_for(p), qr.svg(url_for(p))) for p in points[:200]]
    return render(request, "inspections/point_print.html", {"cards": cards, "query": request.GET.urlencode()})


@login_required
def point_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Opened by scanning the point's QR code (which carries ``k``, the point's secret); without it, no check-in."""
    point = get_visible_or_404(PatrolPoint.objects.select_related("unit"), request.user, token=token)
    code = request.POST.get("code", "") if request.method == "POST" else request.GET.get("k", "")
    errors = PageErrors(request)
    if request.method == "POST" and run_and_flash(request, lambda: actions.check_in(
            request.user, point, code=code, normal=request.POST.get("normal", "1") == "1",
            note=request.POST.get("note", ""), client_uuid=request.POST.get("client_uuid") or None),
            f"{point.name} 已打卡", form=errors) is not REFUSED:
        return redirect("inspections:point_list")
    today = timezone.localdate()
    return render(request, "inspections/point_checkin.html", {
        "point": point, "count": actions.daily_counts([point], today).get(point.pk, 0), "uuid": actions.new_uuid(),
        "code": code, "errors": errors, "data": request.POST})
