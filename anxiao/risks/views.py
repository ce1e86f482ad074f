from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from anxiao.core.access import may_manage, user_scope
from anxiao.core.choices import UnitKind
from anxiao.core.crud import Crud
from anxiao.core.flash import REFUSED, run_form
from anxiao.org.models import Unit

from . import actions, excel, filters, forms
from .grading import COLOUR_NAMES, LEVEL_ORDER, Level
from .models import Risk, RiskAssessment, RiskSettings
from .selectors import distribution
from .starter import starter_risks


def _colour(risk: Risk) -> str:
    return f"{COLOUR_NAMES[Level(risk.level)]} · {risk.get_level_display()}"


def _risk_context(request: HttpRequest, risk: Risk) -> dict[str, Any]:
    from anxiao.hazards.models import Hazard
    from anxiao.inspections.models import ItemResult

    return {"assessments": RiskAssessment.objects.visible_to(request.user).filter(risk=risk)
            .select_related("assessed_by"),
            # 双重预防: hazards found where this risk's controls failed, and the inspections that checked them.
            "hazards": Hazard.objects.visible_to(request.user).filter(risk=risk).order_by("-found_at", "-id")[:100],
            "control_checks": ItemResult.objects.visible_to(request.user).filter(risk=risk)
            .select_related("inspection").order_by("-inspection__planned_on", "-id")[:50]}


RISKS = Crud(
    name="risk", app="risks", model=Risk, title="风险清单", form=forms.RiskForm, save=actions.save_risk,
    columns=[("区域/活动", lambda r: r.area), ("学校", lambda r: r.school), ("类别", lambda r: r.get_category_display()),
             ("风险值", lambda r: f"{r.score.normalize():f}"), ("等级", _colour),
             ("管控层级", lambda r: r.get_control_level_display()), ("复查日期", lambda r: r.review_date)],
    filters=filters.RiskFilter, select_related=("school",),
    detail_fields=[("学校", lambda r: r.school), ("清单编号", lambda r: r.code), ("类别", lambda r: r.get_category_display()),
                   ("区域/活动", lambda r: r.area), ("危险因素", lambda r: r.hazard_factors),
                   ("可能后果", lambda r: r.consequences), ("现有管控措施", lambda r: r.existing_controls),
                   ("评价方法", lambda r: r.get_method_display()), ("评分", lambda r: r.scores_text),
                   ("风险值", lambda r: f"{r.score.normalize():f}"), ("风险等级", _colour),
                   ("管控层级", lambda r: r.get_control_level_display()
                    + ("（人工调整）" if r.control_level_overridden else "")),
                   ("报教育局", lambda r: "是" if r.reported_to_bureau else "否"),
                   ("管控岗位", lambda r: r.control_post), ("复查日期", lambda r: r.review_date),
                   ("状态", lambda r: "在用" if r.is_active else "停用")],
    detail_template="risks/risk_detail.html", detail_context=_risk_context,
    extra_actions=[("四色分布", "risks:distribution"), ("采用内置清单", "risks:adopt"), ("导出 Excel", "risks:export")],
)

SETTINGS = Crud(
    name="settings", app="risks", model=RiskSettings, title="风险分级设置", form=forms.SettingsForm,
    save=actions.save_settings, needs=may_manage,
    columns=[("教育局", lambda s: s.bureau), ("LEC 红/橙/黄", lambda s: f"{s.lec_red:g}/{s.lec_orange:g}/{s.lec_yellow:g}"),
             ("LS 红/橙/黄", lambda s: f"{s.ls_red}/{s.ls_orange}/{s.ls_yellow}")],
    filters=filters.RiskSettingsFilter, select_related=("bureau",),
    detail_fields=[("教育局", lambda s: s.bureau), ("LEC 红色下限", lambda s: s.lec_red),
                   ("LEC 橙色下限", lambda s: s.lec_orange), ("LEC 黄色下限", lambda s: s.lec_yellow),
                   ("LS 红色下限", lambda s: s.ls_red), ("LS 橙色下限", lambda s: s.ls_orange),
                   ("LS 黄色下限", lambda s: s.ls_yellow)],
)


@login_required
def risk_export(request: HttpRequest) -> HttpResponse:
    qs = filters.RiskFilter.parse(request.GET).apply(Risk.objects.visible_to(request.user))
    from anxiao.documents.tables import Signoff

    return excel.response(qs.select_related("school", "control_post__unit", "control_post__holder"),
                          signoff=Signoff.by(request.user))


@login_required
def risk_distribution(request: HttpRequest) -> HttpResponse:
    data = distribution(Risk.objects.visible_to(request.user))
    levels = [(level.value, COLOUR_NAMES[level], level.label) for level in LEVEL_ORDER]
    return render(request, "risks/distribution.html", {"data": data, "levels": levels})


@login_required
def risk_adopt(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有采用风险清单的权限")
    schools = Unit.objects.writable_by(request.user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")
    form = forms.AdoptForm(request.POST or None, schools=schools, starter=starter_risks())
    created = run_form(request, form, lambda d: actions.adopt_starter(request.user, d["school"], d["codes"] or None))
    if created is not REFUSED:
        messages.success(request, f"已采用 {len(created)} 项风险，请逐项核对评分")
        return redirect(f"{RISKS.url_list}?school={form.cleaned_data['school'].pk}")
    return render(request, "risks/adopt.html", {"form": form, "starter": starter_risks()})
