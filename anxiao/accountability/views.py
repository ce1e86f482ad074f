from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, roles_over_unit
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.org.models import Post

from . import actions, dossier
from .forms import CaseForm, DecisionForm
from .models import Case


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    qs = Case.objects.visible_to(request.user).filter(voided_at__isnull=True).select_related("unit")
    if request.GET.get("year", "").isdecimal():
        qs = qs.filter(year=int(request.GET["year"]))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accountability/list.html", {"page": page})


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"year": timezone.localdate().year}
    source = None
    if request.GET.get("incident"):
        from anxiao.incidents.models import Incident

        source = get_visible_or_404(Incident, request.user, pk=request.GET["incident"])
        initial.update(unit=source.unit, title=f"{source.title}责任追究", source_kind="incident",
                       year=source.learned_at.year,
                       posts=list(Post.objects.filter(unit=source.unit, kind__in=["principal", "safety_deputy"])))
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    case = run_form(request, form, lambda d: actions.open_case(
        request.user, d["unit"], title=d["title"], source_kind=d["source_kind"], year=d["year"],
        description=d["description"], posts=d["posts"], source=source))
    if case is not REFUSED:
        return redirect("accountability:case_detail", case.pk)
    return render(request, "accountability/form.html", {"form": form, "title": "立案"})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(Case.objects.select_related("unit"), request.user, pk=pk)
    decisions = {d.post_id: d for d in case.decisions.select_related("decided_by__person")}
    can_decide = bool(roles_over_unit(request.user, case.unit) & actions.DECIDERS)
    posts = []
    for post in case.posts.select_related("unit", "holder"):
        posts.append({"post": post, "dossier": dossier.assemble(post, case.year), "decision": decisions.get(post.pk),
                      "form": DecisionForm(prefix=f"p{post.pk}")})
    return render(request, "accountability/detail.html", {"case": case, "posts": posts, "can_decide": can_decide})


@login_required
@require_POST
def decision_create(request: HttpRequest, pk: int, post_id: int) -> HttpResponse:
    case = get_visible_or_404(Case, request.user, pk=pk)
    post = get_visible_or_404(Post, request.user, pk=post_id)
    form = DecisionForm(request.POST, prefix=f"p{post.pk}")
    form.is_valid()
    d = form.cleaned_data
    run_and_flash(request, lambda: actions.decide(
        request.user, case, post=post, finding=d.get("finding", ""), reasoning=d.get("reasoning", ""),
        measures=d.get("measures", []), decided_on=d.get("decided_on"), document_number=d.get("document_number", ""),
        grounds=d.get("grounds", [])),
        "决定已记录")
    return redirect("accountability:case_detail", case.pk)


@login_required
def measure_settings(request: HttpRequest) -> HttpResponse:
    from anxiao.core.choices import UnitKind
    from anxiao.org.models import Unit

    from .models import Measure, MeasureOption

    bureaus = list(Unit.objects.writable_by(request.user).filter(kind=UnitKind.BUREAU))
    if not bureaus:
        raise PermissionDenied("只有教育局可以设置追责措施")
    bureau = next((b for b in bureaus if str(b.pk) == request.GET.get("bureau")), bureaus[0])
    if request.method == "POST":
        run_and_flash(request, lambda: actions.configure_measure(
            request.user, bureau, request.POST.get("measure", ""), enabled=request.POST.get("enabled") == "on",
            label=request.POST.get("label", ""), source=request.POST.get("source", "")), "已保存")
        return redirect(f"{request.path}?bureau={bureau.pk}")
    options = {o.measure: o for o in MeasureOption.objects.filter(bureau=bureau)}
    enabled = set(actions.enabled_measures(bureau))
    rows = [{"code": m.value, "default": m.label, "option": options.get(m.value), "enabled": m.value in enabled}
            for m in Measure]
    return render(request, "accountability/measures.html", {"bureau": bureau, "bureaus": bureaus, "rows": rows})
