"""Demo county: every school adopts the starter risks that fit it and grades them (LEC, some LS).

Written in bulk for speed; the grades come from the same pure functions the actions use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from anxiao.core.choices import Stage
from anxiao.core.demo import DemoContext

from .grading import CONTROL_FOR_LEVEL, LEC_L, Level, Method, grade_lec, grade_ls
from .models import Risk, RiskAssessment
from .starter import starter_risks

L_VALUES = sorted(LEC_L)


def _fits(entry: dict[str, Any], school: Any) -> bool:
    code = entry["code"]
    if code.startswith("SS-") and not school.boarding:
        return False
    if school.stage == Stage.KINDERGARTEN and (code.startswith("SY-") or code in ("HD-02", "JT-03", "XL-01")):
        return False
    return not (code.startswith("SY-") and school.stage == Stage.PRIMARY)


def _nudge(ctx: DemoContext, value: Any) -> Decimal:
    """The suggested L, or a neighbouring value: schools do not all grade alike."""
    i = L_VALUES.index(Decimal(str(value)))
    return L_VALUES[max(0, min(len(L_VALUES) - 1, i + ctx.rng.choice([-1, 0, 0, 0, 1])))]


def build(ctx: DemoContext) -> None:
    schools: list[dict[str, Any]] = ctx.data.get("schools", [])
    risks: list[Risk] = []
    for i, s in enumerate(schools):
        school = s["school"]
        review = ctx.today + datetime.timedelta(days=ctx.rng.randint(-20, 160))
        for entry in starter_risks():
            if not _fits(entry, school):
                continue
            risk = Risk(school=school, code=entry["code"], category=entry["category"], area=entry["area"],
                        hazard_factors=entry["hazard_factors"], consequences=entry["consequences"],
                        existing_controls=entry["existing_controls"], review_date=review)
            if i % 5 == 4 and entry["category"] in ("bullying", "events"):
                # A few schools grade the soft risks on the 5 × 5 matrix instead.
                risk.method, risk.ls_l, risk.ls_s = Method.LS, ctx.rng.randint(1, 4), ctx.rng.randint(2, 5)
                grade = grade_ls(risk.ls_l, risk.ls_s)
            else:
                lec_l, lec_e, lec_c = entry["lec"]
                risk.method = Method.LEC
                risk.lec_l, risk.lec_e, risk.lec_c = _nudge(ctx, lec_l), Decimal(str(lec_e)), Decimal(str(lec_c))
                grade = grade_lec(risk.lec_l, risk.lec_e, risk.lec_c)
            risk.score, risk.level = grade.score, grade.level
            risk.control_level = CONTROL_FOR_LEVEL[Level(grade.level)]
            holder = s.get("principal") if grade.level == Level.RED else s.get("safety_deputy")
            risk.control_post = holder if grade.level in (Level.RED, Level.ORANGE) else None
            risks.append(risk)
    Risk.objects.bulk_create(risks)
    RiskAssessment.objects.bulk_create([
        RiskAssessment(risk=r, method=r.method, lec_l=r.lec_l, lec_e=r.lec_e, lec_c=r.lec_c, ls_l=r.ls_l, ls_s=r.ls_s,
                       score=r.score, level=r.level, note="采用内置风险清单（建议分值）")
        for r in risks
    ])
    linked = _link_hazards(risks)
    ctx.say(f"风险分级管控：{len(schools)} 所学校，{len(risks)} 项风险，{linked} 条隐患关联到风险。")


def _link_hazards(risks: list[Risk]) -> int:
    """双重预防: each school's open hazards of a risk's category are linked to that risk (at most two per risk)."""
    from anxiao.hazards.models import OPEN_STATUSES, Hazard
    from anxiao.inspections.actions import RISK_TO_HAZARD_CATEGORY

    by_key: dict[tuple[int, str], list[Hazard]] = {}
    for h in Hazard.objects.filter(status__in=OPEN_STATUSES, risk__isnull=True).only("id", "unit_id", "category"):
        by_key.setdefault((h.unit_id, h.category), []).append(h)
    linked: list[Hazard] = []
    for risk in risks:
        for h in by_key.get((risk.school_id, RISK_TO_HAZARD_CATEGORY.get(risk.category, "")), [])[:2]:
            if h.risk_id is None:
                h.risk = risk
                linked.append(h)
    Hazard.objects.bulk_update(linked, ["risk"], batch_size=500)
    return len(linked)
