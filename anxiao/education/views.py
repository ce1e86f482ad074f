from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, user_scope
from anxiao.core.choices import PostKind, UnitKind
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.obligations.models import ActivityKind
from anxiao.org.models import Post, Unit

from . import actions, coverage, filters, forms, safedays
from .models import EDUCATION_KINDS, MODULE_SHORT, EducationRecord, Module

KIND_LABELS = {k.value: k.label for k in EDUCATION_KINDS}


def visible_schools(user: Any) -> Any:
    return Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("region_path", "name")


def _day(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _record_kinds(user: Any, school: Unit) -> list[tuple[str, str]]:
    """The kinds this user may record at this school (a homeroom teacher: their own class's lesson and meeting)."""
    if user_scope(user, write=True).covers_unit(school):
        return [(k.value, str(k.label)) for k in EDUCATION_KINDS]
    person_id = getattr(user, "person_id", None)
    if person_id and actions.class_posts(school).filter(holder_id=person_id).exists():
        return [(k.value, str(k.label)) for k in actions.CLASS_KINDS]
    return []


@login_required
def rollup(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = coverage.rollup(visible_schools(request.user), today)
    short = [r for r in rows if r.shortfalls]
    term = coverage.term_of(rows[0].school, today) if rows else None
    return render(request, "education/rollup.html", {"rows": rows, "short": short, "term": term, "today": today})


@login_required
def school(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(visible_schools(request.user), request.user, pk=pk)
    today = timezone.localdate()
    cov = coverage.school_coverage(unit, _day(request.GET.get("on"), today), today)
    person_id = getattr(request.user, "person_id", None)
    mine = [c for c in cov.classes if person_id and c.post.holder_id == person_id]
    return render(request, "education/school.html", {
        "cov": cov, "school": unit, "modules": [MODULE_SHORT[Module(m)] for m in Module.values],
        "module_titles": [str(label) for _v, label in Module.choices], "mine": mine,
        "kinds": _record_kinds(request.user, unit), "kind_labels": KIND_LABELS, "K": ActivityKind,
        "prev_term": cov.term.start - datetime.timedelta(days=1), "next_term": cov.term.end + datetime.timedelta(days=1),
    })


@login_required
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(visible_schools(request.user), request.user, pk=pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        raise Http404("年份超出范围")
    rows = safety_day_rows(unit, year, today)
    return render(request, "education/calendar.html", {"school": unit, "year": year, "rows": rows,
                                                       "can_record": bool(_record_kinds(request.user, unit))})


def safety_day_rows(unit: Unit, year: int, today: datetime.date) -> list[coverage.SafetyDayRow]:
    window = datetime.timedelta(days=safedays.WINDOW_DAYS)
    records = list(EducationRecord.objects.filter(
        school=unit, kind=ActivityKind.SAFETY_DAY_EDUCATION, voided_at__isnull=True,
        occurred_on__gte=datetime.date(year, 1, 1) - window, occurred_on__lte=datetime.date(year, 12, 31) + window))
    out = []
    for day, on in safedays.days_in(year):
        mine = [r for r in records if r.safety_day == day.code and safedays.node_for(r.safety_day, r.occurred_on) == on]
        out.append(coverage.SafetyDayRow(day, on, mine, today))
    return out


@login_required
def record_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    unit = get_visible_or_404(visible_schools(request.user), request.user, pk=pk)
    if kind not in KIND_LABELS:
        raise Http404("没有这种安全教育记录")
    if kind not in dict(_record_kinds(request.user, unit)):
        raise PermissionDenied("您没有在该学校记录此类安全教育的权限")
    initial: dict[str, Any] = {}
    if request.GET.get("class"):
        initial["class_post"] = request.GET["class"]
    if request.GET.get("safety_day") in safedays.CODES:
        initial["safety_day"] = request.GET["safety_day"]
    form = forms.RecordForm(request.POST or None, school=unit, kind=kind, initial=initial)
    if not user_scope(request.user, write=True).covers_unit(unit) and "class_post" in form.fields:
        # A homeroom teacher records for their own class only.
        field: Any = form.fields["class_post"]
        field.queryset = field.queryset.filter(holder_id=request.user.person_id)  # type: ignore[union-attr]
    rec = run_form(request, form, lambda d: actions.record(request.user, **form.action_data()), denied=actions.NO_RIGHT)
    if rec is not REFUSED:
        counted = sum(link.activity.occurrences.count() for link in rec.links.select_related("activity"))
        messages.success(request, f"已记录：{rec.get_kind_display()}，计入 {counted} 项应办事项" if counted
                         else f"已记录：{rec.get_kind_display()}")
        if kind == ActivityKind.SAFETY_LESSON:
            return redirect(f"/education/schools/{unit.pk}/#classes")
        return redirect("education:record_detail", rec.pk)
    return render(request, "education/record_form.html", {"form": form, "school": unit, "kind": kind,
                                                          "kind_label": KIND_LABELS[kind]})


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    record_filter = filters.RecordFilter.parse(request.GET)
    qs = record_filter.apply(EducationRecord.objects.visible_to(request.user).select_related("school", "class_post"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "education/record_list.html", {
        "page": page, "params": request.GET, "query": params.urlencode(),
        "filter_bar": record_filter.bar(request.user), "filter_errors": record_filter.errors})


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_visible_or_404(EducationRecord.objects.select_related("school", "class_post__holder", "speaker_post"),
                             request.user, pk=pk)
    sheet = list(rec.attendance.select_related("person"))
    present = sum(1 for a in sheet if a.present)
    links = list(rec.links.select_related("activity"))
    counted = [(link, list(link.activity.occurrences.select_related("rule"))) for link in links]
    return render(request, "education/record_detail.html", {
        "rec": rec, "sheet": sheet, "present": present, "can_sign": can_write(request.user, rec) and not rec.is_voided, "rate": round(100 * present / len(sheet)) if sheet else None,
        "guards": rec.guards.select_related("profile"), "counted": counted, "can_void": can_write(request.user, rec),
        "safety_day": safedays.BY_CODE.get(rec.safety_day), "module": Module(rec.module).label if rec.module else "",
        "void_form": forms.VoidForm()})


@login_required
@require_POST
def record_void(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_visible_or_404(EducationRecord.objects.select_related("school"), request.user, pk=pk)
    if not can_write(request.user, rec):
        raise PermissionDenied("您只能查看该记录，不能作废")
    run_and_flash(request, lambda: actions.void(request.user, rec, request.POST.get("reason", "")),
                  "记录已作废，相关应办事项已重新计算")
    return redirect("education:record_detail", rec.pk)


@login_required
@require_POST
def record_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """A row of the sign-in sheet marked present or absent (education.actions.set_attendance)."""
    rec = get_visible_or_404(EducationRecord.objects.select_related("school"), request.user, pk=pk)
    if not can_write(request.user, rec):
        raise PermissionDenied("您只能查看该记录，不能修改签到")
    present = request.POST.get("present") == "1"
    run_and_flash(request, lambda: actions.set_attendance(request.user, rec, request.POST.get("person"), present),
                  "签到已更新，相关应办事项已重新计算")
    return redirect("education:record_detail", rec.pk)


@login_required
def my_classes(request: HttpRequest) -> HttpResponse:
    """A homeroom teacher's shortcut: the school of their class, or the roll-up for everybody else."""
    person_id = getattr(request.user, "person_id", None)
    post = (Post.objects.filter(holder_id=person_id, kind=PostKind.HOMEROOM_TEACHER, is_active=True)
            .exclude(class_name="").select_related("unit").first() if person_id else None)
    if post is None:
        return redirect("education:rollup")
    unit = post.unit if post.unit.kind == UnitKind.SCHOOL else post.unit.parent
    return redirect("education:school", unit.pk)  # type: ignore[union-attr]
