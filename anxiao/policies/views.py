from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anxiao.core.access import can_write, get_visible_or_404, user_scope
from anxiao.core.flash import REFUSED, run_and_flash, run_form

from . import actions
from .forms import AdoptForm, DutyForm
from .loader import available_packs
from .models import DutyList, DutyTemplate, Policy


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = Policy.objects.visible_to(request.user).filter(bureau__isnull=False).select_related("bureau")
    return render(request, "policies/policy_list.html", {
        "policies": policies, "packs": available_packs(),
        "can_adopt": not user_scope(request.user, write=True).empty,
    })


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_visible_or_404(Policy, request.user, pk=pk)
    lists = list(policy.duty_lists.order_by("order"))
    duties: dict[int, list[Any]] = {dl.pk: [] for dl in lists}
    for d in DutyTemplate.objects.filter(duty_list__policy=policy, is_current=True).order_by("order"):
        duties[d.duty_list_id].append(d)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "clauses": policy.clauses.filter(is_current=True).order_by("order"),
        "lists": [(dl, duties[dl.pk]) for dl in lists],
        "obligations": policy.obligation_templates.order_by("order"),
        "can_edit": not policy.is_builtin and can_write(request.user, policy),
        "old_versions": DutyTemplate.objects.filter(duty_list__policy=policy, is_current=False).count(),
    })


@login_required
def policy_adopt(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有采用规则包的权限")
    form = AdoptForm(request.POST or None, user=request.user)
    policy = run_form(request, form, lambda d: actions.adopt(request.user, d["bureau"], d["code"]))
    if policy is not REFUSED:
        return redirect("policies:policy_mapping", policy.pk)
    return render(request, "policies/form.html", {"form": form, "title": "采用规则包"})


@login_required
def policy_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Who each list of an adopted policy is for: proposed by meaning, corrected and confirmed by the bureau."""
    from .mapping import proposal

    policy = get_visible_or_404(Policy.objects.filter(bureau__isnull=False).select_related("bureau"), request.user,
                                pk=pk)
    editable = can_write(request.user, policy)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您只能查看该制度的映射，不能确认")
        applies = {}
        for m in proposal(policy):
            for c in m.candidates:
                applies[(m.duty_list.pk, c.unit.pk)] = f"m-{m.duty_list.pk}-{c.unit.pk}" in request.POST
        if run_and_flash(request, lambda: actions.confirm_mapping(request.user, policy, applies)) is not REFUSED:
            return redirect("policies:policy_coverage", policy.pk)
    return render(request, "policies/mapping.html", {  # a refusal: flashed on the page shown again
        "policy": policy, "mappings": proposal(policy), "editable": editable,
    })


@login_required
def policy_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """After confirmation: every post kind of the bureau with its list (and from which documents), or why none."""
    from .mapping import coverage

    policy = get_visible_or_404(Policy.objects.filter(bureau__isnull=False).select_related("bureau"), request.user,
                                pk=pk)
    assert policy.bureau is not None
    from anxiao.obligations.models import holder_gaps

    return render(request, "policies/coverage.html", {"policy": policy, "rows": coverage(policy.bureau),
                                                       "gaps": holder_gaps(policy.bureau)})


def _duty_form_page(request: HttpRequest, title: str, form: DutyForm, policy: Policy) -> HttpResponse:
    return render(request, "policies/form.html", {"form": form, "title": title, "policy": policy})


@login_required
def duty_edit(request: HttpRequest, pk: int) -> HttpResponse:
    duty = get_visible_or_404(DutyTemplate.objects.select_related("duty_list__policy"), request.user, pk=pk)
    if not can_write(request.user, duty):
        raise PermissionDenied("您只能查看该职责，不能修改")
    policy = duty.duty_list.policy
    initial = {"clause_ref": duty.clause_ref, "category": duty.category, "topic": duty.topic, "text": duty.text}
    form = DutyForm(request.POST or None, initial=initial)
    if run_form(request, form, lambda d: actions.retire_duty(request.user, duty) if d["retire"] else actions.edit_duty(
            request.user, duty, **{k: v for k, v in d.items() if k != "retire"})) is not REFUSED:
        return redirect("policies:policy_detail", policy.pk)
    return _duty_form_page(request, f"修改职责（{duty.duty_list.holder}，第 {duty.version} 版）", form, policy)


@login_required
def duty_add(request: HttpRequest, pk: int) -> HttpResponse:
    duty_list = get_visible_or_404(DutyList.objects.select_related("policy"), request.user, pk=pk)
    if not can_write(request.user, duty_list):
        raise PermissionDenied("您只能查看该清单，不能修改")
    form = DutyForm(request.POST or None)
    del form.fields["retire"]
    if run_form(request, form, lambda d: actions.add_duty(request.user, duty_list, **d)) is not REFUSED:
        return redirect("policies:policy_detail", duty_list.policy_id)
    return _duty_form_page(request, f"新增职责（{duty_list.holder}）", form, duty_list.policy)
