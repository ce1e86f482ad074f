from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, resolve_many, resolve_visible, roles_over_unit
from anxiao.core.choices import UnitKind
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.org.models import Unit

from . import actions, filters, forms
from .models import FollowUpAction, Incident, Status


def home_section(request: HttpRequest) -> dict[str, Any] | None:
    qs = Incident.objects.visible_to(request.user).filter(status=Status.OPEN, voided_at__isnull=True)
    open_incidents = list(qs.select_related("unit")[:5])
    if not open_incidents:
        return None
    return {"incidents": open_incidents, "late": qs.filter(filters.late_q()).count(), "open": qs.count()}


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    incident_filter = filters.IncidentFilter.parse(request.GET)
    qs = incident_filter.apply(Incident.objects.visible_to(request.user).select_related("unit"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    base = Incident.objects.visible_to(request.user).filter(voided_at__isnull=True)
    summary = {"open": base.filter(status=Status.OPEN).count(), "late": base.filter(filters.late_q()).count()}
    return render(request, "incidents/list.html", {"page": page, "params": request.GET, "summary": summary,
                                                    "filter_bar": incident_filter.bar(request.user),
                                                    "filter_errors": incident_filter.errors})


def _reporting_units(user: Any) -> Any:
    units = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    allowed = [u.pk for u in units[:500] if roles_over_unit(user, u) & actions.REPORTERS]
    return Unit.objects.filter(pk__in=allowed).order_by("name")


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    units = _reporting_units(request.user)
    if not units.exists():
        raise PermissionDenied("您没有可登记事件的单位")
    form = forms.IncidentForm(request.POST or None, units=units, teams=forms.team_queryset(request.user))
    incident = run_form(request, form, lambda d: actions.record(
        request.user, d["unit"], teams=d["teams"], **{k: v for k, v in d.items() if k not in ("unit", "teams")}),
        "事件已登记，请在时限内完成电话和书面报告。")
    if incident is not REFUSED:
        return redirect("incidents:incident_detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form, "title": "登记事故/突发事件"})


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    roles = roles_over_unit(request.user, incident.unit)
    return render(request, "incidents/detail.html", {
        "incident": incident,
        "clocks": [incident.clock("phone"), incident.clock("written")],
        "reports": incident.reports.select_related("made_by__person"),
        "actions": incident.actions.select_related("responsible"),
        "events": incident.events.select_related("actor__person"),
        "can_report": bool(roles & actions.REPORTERS) and incident.status == Status.OPEN,
        "can_manage": bool(roles & actions.MANAGERS) and incident.status == Status.OPEN,
        "report_form": forms.ReportForm(), "action_form": forms.ActionForm(),
    })


@login_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    form = forms.ReportForm(request.POST or None)
    entry = run_form(request, form, lambda d: actions.report(
        request.user, incident, **{k: v for k, v in d.items() if v not in (None, "")}))
    if entry is not REFUSED:
        messages.success(request, f"已记录{entry.get_kind_display()}" + ("（迟报）" if entry.late else ""))
        return redirect("incidents:incident_detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form, "title": f"报告：{incident.title}"})


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    form = forms.ActionForm(request.POST or None)
    if run_form(request, form, lambda d: actions.add_action(request.user, incident, **d)) is not REFUSED:
        return redirect("incidents:incident_detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form, "title": f"后续措施：{incident.title}"})


@login_required
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(FollowUpAction.objects.select_related("incident__unit"), request.user, pk=pk)
    form = forms.CompleteForm(request.POST or None)
    if run_form(request, form, lambda d: actions.complete_action(request.user, action, d["done_note"])) is not REFUSED:
        return redirect("incidents:incident_detail", action.incident_id)
    return render(request, "incidents/form.html", {"form": form, "title": f"完成：{action.description}"})


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_visible_or_404(Incident, request.user, pk=pk)
    run_and_flash(request, lambda: actions.close(request.user, incident), "事件已结案")
    return redirect("incidents:incident_detail", incident.pk)


@login_required
def team_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_visible_or_404(Unit, request.user, pk=unit_id, kind=UnitKind.SCHOOL)
    can_manage = bool(roles_over_unit(request.user, unit) & actions.MANAGERS)
    if can_manage:
        teams = actions.ensure_teams(request.user, unit)
    else:
        teams = list(unit.emergency_teams.select_related("leader__holder").prefetch_related("members__holder"))
    return render(request, "incidents/teams.html", {"unit": unit, "teams": teams, "can_manage": can_manage})


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from anxiao.org.models import Post

    from .models import EmergencyTeam

    team = get_visible_or_404(EmergencyTeam.objects.select_related("unit"), request.user, pk=pk)
    posts = Post.objects.filter(unit__path__startswith=team.unit.path, is_active=True).select_related("holder", "unit")
    if request.method == "POST":
        def save() -> Any:
            # ids through the one resolver, among the posts the page offers: an unknown id is refused, not dropped
            leader = resolve_visible(posts, None, request.POST.get("leader"), "leader", "岗位")
            members = resolve_many(posts, None, [i for i in request.POST.getlist("members") if i], "members", "岗位")
            return actions.save_team(request.user, team, leader=leader, members=members,
                                     duties=request.POST.get("duties", ""))

        if run_and_flash(request, save, "应急小组已保存") is not REFUSED:
            return redirect("incidents:team_list", team.unit_id)
    members = set(team.members.values_list("pk", flat=True))
    return render(request, "incidents/team_form.html", {"team": team, "posts": posts, "members": members})
