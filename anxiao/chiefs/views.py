from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404
from anxiao.core.choices import UnitKind
from anxiao.core.crud import Crud
from anxiao.core.files import field_file_response
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.core.links import absolute_url
from anxiao.org.models import Post, Unit

from . import actions, filters, forms
from .duties import duty_list
from .models import (
    CHIEF_KINDS,
    OPEN,
    AgencyTask,
    ChiefMeeting,
    GateCheckIn,
    GateDuty,
    MemberAgency,
    TaskAttachment,
    TaskSource,
    TaskStatus,
)
from .summary import chief_context, coverage, visible_hazards, week_start

# --- chiefs and agencies ----------------------------------------------------------------------


@login_required
def chief_list(request: HttpRequest) -> HttpResponse:
    posts = (Post.objects.visible_to(request.user).filter(kind__in=CHIEF_KINDS, is_active=True)
             .select_related("unit__region", "holder").order_by("unit__region_path", "kind"))
    mine = list(actions.chief_posts_of(request.user))
    return render(request, "chiefs/chief_list.html", {"posts": posts, "mine": mine})


@login_required
def chief_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Post.objects.filter(kind__in=CHIEF_KINDS).select_related("unit__region", "holder")
    post = get_visible_or_404(qs, request.user, pk=pk)
    ctx = chief_context(request.user, post)
    ctx["may_route"] = actions.may_route(request.user, post.unit)
    return render(request, "chiefs/chief_detail.html", ctx)


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = filters.AgencyFilter.parse(request.GET).apply(
        MemberAgency.objects.visible_to(request.user).select_related("unit", "district"))
    rows = [(a, duty_list(a.duty_list, a.unit)) for a in agencies]
    return render(request, "chiefs/agency_list.html", {"rows": rows})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_visible_or_404(MemberAgency.objects.select_related("unit", "district"), request.user, pk=pk)
    posts = Post.objects.filter(unit=agency.unit, is_active=True).select_related("holder").order_by("kind")
    tasks = (AgencyTask.objects.visible_to(request.user).filter(agency=agency.unit, status__in=OPEN)
             .select_related("school", "government"))
    return render(request, "chiefs/agency_detail.html", {
        "agency": agency, "posts": posts, "duties": duty_list(agency.duty_list, agency.unit), "tasks": tasks,
        "today": timezone.localdate(),
    })


# --- meetings (simple record pages) --------------------------------------------------------------

def _meeting_context(request: HttpRequest, meeting: ChiefMeeting) -> dict[str, Any]:
    return {"decisions": meeting.decision_lines(),
            "tasks": meeting.tasks.visible_to(request.user).select_related("agency"),
            "may_void": not meeting.is_voided and actions.may_route(request.user, meeting.government)}


MEETINGS = Crud(
    name="meeting", app="chiefs", model=ChiefMeeting, title="总校(园)长会议", form=forms.MeetingForm,
    save=actions.save_meeting,
    columns=[("会议", lambda m: m.title), ("类型", lambda m: m.get_kind_display()), ("日期", lambda m: m.held_on),
             ("召开政府", lambda m: m.government), ("主持人", lambda m: m.chair.holder if m.chair and m.chair.holder else "")],
    filters=filters.MeetingFilter, select_related=("government", "chair__holder"),
    detail_fields=[("会议主题", lambda m: m.title), ("会议类型", lambda m: m.get_kind_display()),
                   ("日期", lambda m: m.held_on), ("召开政府", lambda m: m.government), ("主持人", lambda m: m.chair),
                   ("参会成员单位", lambda m: "、".join(a.name for a in m.agencies.all()) or "—"),
                   ("参会人员", lambda m: "、".join(p.name for p in m.attendees.all()) or "—"),
                   ("会议纪要", lambda m: m.minutes)],
    detail_template="chiefs/meeting_detail.html",
    detail_context=lambda request, m: _meeting_context(request, m),
    )

@login_required
@require_POST
def meeting_void(request: HttpRequest, pk: int) -> HttpResponse:
    if not actions.may_route_somewhere(request.user):
        raise PermissionDenied(actions.NO_RIGHT)
    meeting = get_visible_or_404(ChiefMeeting.objects.select_related("government"), request.user, pk=pk)
    if not actions.may_route(request.user, meeting.government):
        raise PermissionDenied(actions.NO_RIGHT)
    run_and_flash(request, lambda: actions.void_meeting(request.user, meeting, request.POST.get("void_reason", "")))
    return redirect(MEETINGS.url("detail", meeting.pk))


DUTIES = Crud(
    name="duty", app="chiefs", model=GateDuty, title="护学岗排班", form=forms.DutyForm, save=actions.save_duty,
    columns=[("学校", lambda d: d.school), ("星期", lambda d: d.get_weekday_display()),
             ("时段", lambda d: f"{d.starts_at:%H:%M}–{d.ends_at:%H:%M}"), ("值守人员", lambda d: d.person),
             ("身份", lambda d: d.get_role_display()), ("地点", lambda d: d.place)],
    filters=filters.DutyFilter, select_related=("school", "person"),
    detail_fields=[("学校", lambda d: d.school), ("星期", lambda d: d.get_weekday_display()),
                   ("时段", lambda d: f"{d.starts_at:%H:%M}–{d.ends_at:%H:%M}"), ("值守人员", lambda d: d.person),
                   ("身份", lambda d: d.get_role_display()), ("地点", lambda d: d.place),
                   ("状态", lambda d: "在用" if d.is_active else "停用")],
    detail_template="chiefs/duty_detail.html",
    detail_context=lambda request, d: {
        "check_ins": d.check_ins.all()[:20],
        "is_mine": bool(getattr(request.user, "person_id", None)) and request.user.person_id == d.person_id,  # type: ignore[union-attr]
        "can_print": can_write(request.user, d.school),
    },
    extra_actions=[("本周覆盖率", "chiefs:duty_coverage")],
)


@login_required
@require_POST
def duty_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_visible_or_404(GateDuty.objects.select_related("school", "person"), request.user, pk=pk)
    actions.require_rostered(request.user, duty)  # another's slot: a 403 page
    run_and_flash(request, lambda: actions.check_in(request.user, duty, note=request.POST.get("note", ""),
                                                    code=request.POST.get("code", "")))
    return redirect(DUTIES.url("detail", duty.pk))


def _gate_school(request: HttpRequest, school_id: int) -> tuple[Unit, list[GateDuty]]:
    """The school behind a gate QR code, and the scanning person's own active slots there.

    A rostered officer from outside the school's tree (police, village) may open it through their own slot;
    anybody else needs to see the school.
    """
    person_id = getattr(request.user, "person_id", None)
    mine = list(GateDuty.objects.filter(school_id=school_id, person_id=person_id, is_active=True)
                .select_related("school", "person").order_by("weekday", "starts_at")) if person_id else []
    if mine:
        return mine[0].school, mine
    school = get_visible_or_404(Unit.objects.filter(kind=UnitKind.SCHOOL), request.user, pk=school_id)
    return school, []


@login_required
def gate_scan(request: HttpRequest, school_id: int) -> HttpResponse:
    """扫码签到: the page a gate QR code opens on the officer's phone; signs in to the slot running now."""
    school, mine = _gate_school(request, school_id)
    now = timezone.localtime()
    today = [d for d in mine if d.weekday == now.weekday()]
    code = request.POST.get("code", "") if request.method == "POST" else request.GET.get("k", "")
    if request.method == "POST":  # a refusal is flashed on the page shown again
        duty = next((d for d in mine if str(d.pk) == request.POST.get("duty")), None)
        if duty is None:
            messages.error(request, "请选择您本人在本校的排班")
        elif run_and_flash(request, lambda: actions.check_in(request.user, duty, note=request.POST.get("note", ""),
                                                             code=code)) is not REFUSED:
            return redirect(reverse("chiefs:gate_scan", args=[school.pk]) + "?ok=1")
    signed = set(GateCheckIn.objects.filter(duty__in=today, on=now.date()).values_list("duty_id", flat=True))
    return render(request, "chiefs/gate_scan.html", {
        "school": school, "today": today, "signed": signed, "others": [d for d in mine if d not in today],
        "ok": request.GET.get("ok") == "1", "now": now, "code": code,
    })


@login_required
def gate_qr(request: HttpRequest, school_id: int) -> HttpResponse:
    """A4 sheet with the school's gate QR code, to post at the gate."""
    from anxiao.inspections import actions as inspections
    from anxiao.inspections import qr

    school = get_visible_or_404(Unit.objects.filter(kind=UnitKind.SCHOOL), request.user, pk=school_id)
    # The code is the proof of presence at the gate: only the school's managers print it (as patrol points).
    if not can_write(request.user, school):
        raise PermissionDenied("只有本校管理员可以打印校门二维码：二维码是到岗的凭证，应张贴在校门现场")
    url = absolute_url(inspections.checkin_path(inspections.gate_point(request.user, school)), request)
    pdf = qr.posters_pdf([qr.Poster(heading=school.name, name="护学岗扫码签到", place="校门", url=url,
                                    lines=("值守人员在排班时段内用本人账号扫码签到，他人不能代签",))])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gate-{school.pk}.pdf"'
    return response


@login_required
def duty_coverage(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        start = week_start(datetime.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        start = week_start(today)
    schools = Unit.objects.visible_to(request.user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by(
        "region_path", "name")
    page = Paginator(schools, 100).get_page(request.GET.get("page"))
    rows = coverage(page.object_list, start, today)
    return render(request, "chiefs/duty_coverage.html", {
        "rows": rows, "page": page, "week": start, "prev": start - datetime.timedelta(days=7),
        "next": start + datetime.timedelta(days=7) if start + datetime.timedelta(days=7) <= today else None,
    })


# --- agency tasks -----------------------------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    task_filter = filters.TaskFilter.parse(request.GET)
    qs = task_filter.apply(AgencyTask.objects.visible_to(request.user).select_related("agency", "school", "government"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "chiefs/task_list.html", {
        "page": page, "params": request.GET, "query": params.urlencode(), "today": timezone.localdate(),
        "filter_bar": task_filter.bar(request.user), "filter_errors": task_filter.errors,
        "can_create": actions.may_route_somewhere(request.user),
    })


def _hazard(request: HttpRequest) -> Any:
    """The hazard a task is created from (?hazard=<pk>), through the access-checked path."""
    pk = request.POST.get("hazard") or request.GET.get("hazard")
    hazards = visible_hazards(request.user)
    if not pk or hazards is None:
        return None
    return get_visible_or_404(hazards.select_related("unit"), request.user, pk=pk)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    if not actions.may_route_somewhere(request.user):
        raise PermissionDenied("只有总校(园)长或总校(园)长制办公室可以交办任务")
    hazard = _hazard(request)
    initial: dict[str, Any] = {k: request.GET[k] for k in ("government", "school", "source", "hazard_kind", "meeting",
                                                           "title") if k in request.GET}
    if hazard is not None:
        school = actions.hazard_school(hazard)
        initial.update(source=TaskSource.HAZARD, school=school.pk if school else None,
                       title=f"{hazard.unit.name}{hazard.location}：{hazard.description[:80]}",
                       description=f"{hazard.upward_note or hazard.description}（隐患编号 {hazard.number}）")
    form = forms.TaskForm(request.POST or None, initial=initial, user=request.user)
    task = run_form(request, form, lambda d: actions.create_task(
        request.user, hazard=hazard, **{k: v for k, v in d.items() if v is not None}))
    if task is not REFUSED:
        return redirect("chiefs:task_detail", task.pk)
    return render(request, "chiefs/task_form.html", {"form": form, "hazard": hazard})


def _task(request: HttpRequest, pk: int) -> AgencyTask:
    task: AgencyTask = get_visible_or_404(
        AgencyTask.objects.select_related("agency", "school", "government__region", "meeting", "created_by"),
        request.user, pk=pk)
    return task


def _task_page(request: HttpRequest, task: AgencyTask, close_form: Any = None) -> HttpResponse:
    user = request.user
    return render(request, "chiefs/task_detail.html", {
        "task": task, "events": task.events.all(), "attachments": task.attachments.all(),
        "today": timezone.localdate(),
        "may_work": actions.may_work(user, task), "may_verify": actions.may_route(user, task.government),
        "close_form": close_form or forms.CloseForm(), "statuses": TaskStatus,
    })


@login_required
def task_attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Task evidence is served only through the task's access check (never from a public URL)."""
    attachment = get_visible_or_404(TaskAttachment, request.user, pk=pk)
    return field_file_response(attachment.file, attachment.name)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _task(request, pk))


def _transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = _task(request, pk)
    note = request.POST.get("note", "")
    work = action in ("accept", "close")  # the agency's steps; verify and return are the chief's office's
    if not (actions.may_work(request.user, task) if work else actions.may_route(request.user, task.government)):
        raise PermissionDenied(actions.NO_RIGHT)  # a task the user sees but may not move: a 403 page
    if action == "close":  # a form page: the refusal lands on the close form, shown again with what was typed
        close_form = forms.CloseForm(request.POST)
        if run_and_flash(request, lambda: actions.close_task(
                request.user, task, evidence=request.POST.get("evidence", ""), note=note,
                files=request.FILES.getlist("attachments")), form=close_form) is REFUSED:
            return _task_page(request, task, close_form=close_form)
    else:  # a button: the refusal is flashed on the task's page
        steps: dict[str, Callable[..., AgencyTask]] = {
            "accept": actions.accept_task, "verify": actions.verify_task, "return": actions.return_task}
        run_and_flash(request, lambda: steps[action](request.user, task, note=note))
    return redirect(reverse("chiefs:task_detail", args=[task.pk]))


@login_required
@require_POST
def task_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "accept")


@login_required
@require_POST
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "close")


@login_required
@require_POST
def task_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "verify")


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "return")


