from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, may_manage
from anxiao.core.crud import Crud
from anxiao.core.files import file_response
from anxiao.core.flash import REFUSED, run_and_flash
from anxiao.core.links import absolute_url
from anxiao.core.middleware import client_ip
from anxiao.obligations.crediting import credited_by

from . import actions, filters, forms
from .models import (
    Drill,
    DrillEvent,
    DrillFile,
    DrillKind,
    DrillPlan,
    DrillSettings,
    DrillStatus,
    FileRole,
    Finding,
    PlanStatus,
    SignInAttempt,
)


def _ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def _seconds(d: Drill) -> str:
    if d.evacuation_seconds is None:
        return "—"
    met = actions.target_met(d)
    return f"{d.evacuation_seconds} 秒（{'达标' if met else '超时'}）"


def _status(d: Drill) -> str:
    if d.is_voided:
        return "已作废"
    text = d.get_status_display()
    if d.status == DrillStatus.HELD and not d.evaluation_result:
        text += "·待评估"
    return text


def signin_url(request: HttpRequest, drill: Drill) -> str:
    return absolute_url(reverse("drills:signin", args=[drill.token]), request)


def _drill_context(request: HttpRequest, drill: Drill) -> dict[str, Any]:
    from . import qr

    config = actions.config_for(drill.school)
    writable = can_write(request.user, drill)
    url = signin_url(request, drill)
    return {
        "drill": drill, "config": config, "target_met": actions.target_met(drill, config),
        "repeats_last_month": actions.repeats_last_month(drill),
        "files": DrillFile.objects.visible_to(request.user).filter(drill=drill),
        "events": DrillEvent.objects.visible_to(request.user).filter(drill=drill).select_related("actor"),
        "findings": Finding.objects.visible_to(request.user).filter(drill=drill).select_related("hazard"),
        "cov": actions.coverage(drill), "allowed": actions.allowed_actions(request.user, drill),
        "credited": credited_by(request.user, f"drill:{drill.pk}"),
        "writable": writable, "signin_url": url, "qr_svg": qr.svg(url),
        "hold_form": forms.HoldForm(initial={"held_on": drill.planned_on,
                                             "participants_count": drill.participants_count,
                                             "evacuation_seconds": drill.evacuation_seconds,
                                             "problems": drill.problems}),
        "evaluate_form": forms.EvaluateForm(initial={"evaluation_result": drill.evaluation_result,
                                                     "evaluation": drill.evaluation}),
        "finding_form": forms.FindingForm(), "file_roles": FileRole.choices,
        "has_scenario": any(f.role == FileRole.SCENARIO for f in drill.files.all()),
        "my_classes": actions.my_classes(request.user, drill),
        "attempts": (SignInAttempt.objects.writable_by(request.user).filter(drill=drill)[:20] if writable else []),
    }


DRILLS = Crud(
    name="drill", app="drills", model=Drill, title="演练", form=forms.DrillForm, save=actions.save_drill,
    columns=[("计划日期", lambda d: d.planned_on), ("学校", lambda d: d.school), ("类别", lambda d: d.get_kind_display()),
             ("主题", lambda d: d.title or d.get_theme_display()), ("状态", _status), ("疏散用时", _seconds),
             ("评定", lambda d: d.get_evaluation_result_display() or "—")],
    filters=filters.DrillFilter, export="drills:drill_export", select_related=("school",),
    detail_fields=[("学校", lambda d: d.school), ("类别", lambda d: d.get_kind_display()),
                   ("主题", lambda d: d.get_theme_display()), ("名称", lambda d: d.title),
                   ("计划日期", lambda d: d.planned_on), ("签到时间", lambda d: f"{_local(d.window_start)} 至 {_local(d.window_end)}"),
                   ("状态", _status), ("举行日期", lambda d: d.held_on), ("参演人数", lambda d: d.participants_count),
                   ("疏散用时", _seconds), ("发现的问题", lambda d: d.problems),
                   ("评定结果", lambda d: d.get_evaluation_result_display()), ("评估意见", lambda d: d.evaluation),
                   ("履职记录", lambda d: f"已计入（{d.activity.occurred_on} {d.activity.get_kind_display()}）"
                    if d.activity_id and d.activity and not d.activity.is_voided else "—"),
                   ("作废原因", lambda d: d.void_reason if d.is_voided else None)],
    detail_template="drills/drill_detail.html", detail_context=_drill_context,
    extra_actions=[("年度计划", "drills:plan_list"), ("签到异常", "drills:attempt_list")],
)


def _local(value: Any) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def _plan_context(request: HttpRequest, plan: DrillPlan) -> dict[str, Any]:
    items = list(plan.items.all())
    rows = []
    for m in range(1, 13):
        month = [i for i in items if i.month == m]
        rows.append((m, [i for i in month if i.kind == DrillKind.DRILL], [i for i in month if i.kind != DrillKind.DRILL]))
    frequency = actions.frequency_for(plan.school)
    return {"rows": rows, "frequency": frequency, "gaps": actions.plan_gaps(plan.school, [
        {"month": i.month, "kind": i.kind} for i in items]),
        "repeats": actions.repeated_themes({"month": i.month, "kind": i.kind, "theme": i.theme} for i in items),
        "can_approve": (plan.status == PlanStatus.DRAFT and not plan.is_voided
                        and actions.principal_post(request.user, plan.school) is not None),
        "can_void": can_write(request.user, plan) and not plan.is_voided}


PLANS = Crud(
    name="plan", app="drills", model=DrillPlan, title="演练年度计划", form=forms.PlanForm, save=forms.save_plan_form,
    columns=[("年度", lambda p: p.year), ("学校", lambda p: p.school), ("状态", lambda p: p.get_status_display()),
             ("批准人", lambda p: p.approved_post.holder if p.approved_post and p.approved_post.holder else "—"),
             ("批准时间", lambda p: _local(p.approved_at) if p.approved_at else "—")],
    filters=filters.PlanFilter, select_related=("school", "approved_post__holder"),
    detail_fields=[("学校", lambda p: p.school), ("年度", lambda p: p.year), ("状态", lambda p: p.get_status_display()),
                   ("制定人", lambda p: p.drafted_by or "—"),
                   ("批准人", lambda p: p.approved_post.holder if p.approved_post and p.approved_post.holder else "—"),
                   ("批准时间", lambda p: _local(p.approved_at) if p.approved_at else "—"), ("说明", lambda p: p.note),
                   ("作废原因", lambda p: p.void_reason if p.is_voided else None)],
    detail_template="drills/plan_detail.html", detail_context=_plan_context, )

SETTINGS = Crud(
    name="settings", app="drills", model=DrillSettings, title="演练设置", form=forms.SettingsForm,
    save=actions.save_settings, needs=may_manage,
    columns=[("单位", lambda s: s.unit), ("疏散用时目标", lambda s: f"{s.evacuation_target_seconds} 秒"),
             ("中小学", lambda s: s.get_school_frequency_display()),
             ("幼儿园", lambda s: s.get_kindergarten_frequency_display())],
    filters=filters.DrillSettingsFilter, select_related=("unit",),
    detail_fields=[("单位", lambda s: s.unit), ("疏散用时目标（秒）", lambda s: s.evacuation_target_seconds),
                   ("中小学演练频次", lambda s: s.get_school_frequency_display()),
                   ("幼儿园演练频次", lambda s: s.get_kindergarten_frequency_display())],
    )


def _writable_drill(request: HttpRequest, pk: int) -> Drill:
    drill = get_visible_or_404(Drill.objects.select_related("school"), request.user, pk=pk)
    if not can_write(request.user, drill):
        raise PermissionDenied("您只能查看该演练，不能操作")
    return drill


@login_required
@require_POST
def drill_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    drill = _writable_drill(request, pk)
    label = actions.TRANSITIONS[action][0] if action in actions.TRANSITIONS else action
    run_and_flash(request, lambda: actions.transition(request.user, drill, action, request.POST.dict()), f"已{label}")
    return redirect(DRILLS.url("detail", drill.pk))


@login_required
@require_POST
def drill_upload(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _writable_drill(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
    else:
        run_and_flash(request, lambda: actions.attach_file(request.user, drill, upload,
                                                           request.POST.get("role") or FileRole.SCENARIO), "已上传")
    return redirect(DRILLS.url("detail", drill.pk))


@login_required
def drill_file(request: HttpRequest, pk: int) -> Any:
    stored = get_visible_or_404(DrillFile, request.user, pk=pk)
    return file_response(stored)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _writable_drill(request, pk)
    run_and_flash(request, lambda: actions.add_finding(
        request.user, drill, description=request.POST.get("description", ""),
        location=request.POST.get("location", ""), category=request.POST.get("category", "")), "已登记问题")
    return redirect(DRILLS.url("detail", drill.pk))


@login_required
@require_POST
def finding_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_visible_or_404(Finding.objects.select_related("drill__school"), request.user, pk=pk)
    if not can_write(request.user, finding.drill):
        raise PermissionDenied("您只能查看该演练，不能操作")
    hazard = run_and_flash(request, lambda: actions.finding_to_hazard(request.user, finding), "已登记为隐患")
    if hazard is not REFUSED:
        return redirect("hazards:hazard_detail", hazard.pk)
    return redirect(DRILLS.url("detail", finding.drill_id))


@login_required
def drill_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page with the drill's sign-in QR code (posted at the assembly point)."""
    from . import qr

    drill = get_visible_or_404(Drill.objects.select_related("school"), request.user, pk=pk)
    url = signin_url(request, drill)
    return render(request, "drills/qr.html", {"drill": drill, "url": url, "qr_svg": qr.svg(url, scale=8)})


@login_required
def drill_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_visible_or_404(Drill.objects.select_related("school"), request.user, pk=pk)
    return render(request, "drills/coverage.html", {"drill": drill, "cov": actions.coverage(drill)})


@login_required
def signin(request: HttpRequest, token: str) -> HttpResponse:
    """The page the QR code opens on a phone. No choice of person or class: it signs the user's own classes."""
    drill = get_visible_or_404(Drill.objects.select_related("school"), request.user, token=token)
    done = None
    if request.method == "POST":
        done = run_and_flash(request, lambda: actions.sign_in(
            request.user, drill, person_id=request.POST.get("person_id"),
            post_ids=request.POST.getlist("post_id") or None, ip=_ip(request), via="web"))
        if done is not REFUSED:
            messages.success(request, f"签到成功：{'、'.join(s.post.class_name for s in done)}")
            return redirect("drills:signin", token=drill.token)
    mine = actions.my_classes(request.user, drill)
    signed = {s.post_id: s for s in drill.signins.filter(post__in=mine)}
    from django.utils import timezone

    return render(request, "drills/signin.html", {
        "drill": drill, "mine": [(p, signed.get(p.pk)) for p in mine], "person": getattr(request.user, "person", None),
        "all_signed": bool(mine) and len(signed) == len(mine), "window_open": drill.window_open(timezone.now()),
        "open_status": drill.status in (DrillStatus.IN_PROGRESS, DrillStatus.HELD) and not drill.is_voided,
    })


@login_required
def attempt_list(request: HttpRequest) -> HttpResponse:
    """Refused sign-ins, for the school's safety office (writers of the school) only."""
    if not may_manage(request.user):  # the menu entry's check (drills.apps)
        raise PermissionDenied("签到异常记录只对学校安全管理人员开放")
    attempt_filter = filters.AttemptFilter.parse(request.GET)
    qs = attempt_filter.apply(SignInAttempt.objects.writable_by(request.user).select_related("drill__school", "user"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "drills/attempts.html", {"page": page, "params": request.GET,
                                                    "filter_bar": attempt_filter.bar(request.user),
                                                    "filter_errors": attempt_filter.errors})


def _writable_plan(request: HttpRequest, pk: int) -> DrillPlan:
    return get_visible_or_404(DrillPlan.objects.select_related("school"), request.user, pk=pk)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    if actions.principal_post(request.user, plan.school) is None:
        raise PermissionDenied(f"只有{plan.school.name}的校长（园长）本人才能批准年度演练计划")
    run_and_flash(request, lambda: actions.approve_plan(request.user, plan), "计划已批准")
    return redirect(PLANS.url("detail", plan.pk))


@login_required
@require_POST
def plan_void(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _writable_plan(request, pk)
    if not can_write(request.user, plan):
        raise PermissionDenied("您只能查看该计划，不能作废")
    run_and_flash(request, lambda: actions.void_plan(request.user, plan, request.POST.get("reason", "")), "计划已作废")
    return redirect(PLANS.url("detail", plan.pk))


