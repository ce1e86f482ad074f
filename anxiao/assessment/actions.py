"""Assessment operations: build a scheme, publish it (weights total 100), score, compute results and rank."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import Role, UnitKind
from anxiao.org.models import Unit

from .models import (
    AssessorScore,
    Indicator,
    Level,
    Method,
    Result,
    Scheme,
    SchemeStatus,
    VetoEffect,
    VetoRule,
)
from .registry import INDICATORS, VETOES

OWNERS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}
ASSESSORS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}  # a read-only grant scores nothing
TWO = Decimal("0.01")

# A starting point for a school scheme (seed 000 六.5, 002 五(三)(四), 003 四(一)); a bureau edits it.
DEFAULT_SCHOOL_INDICATORS = [
    ("履职任务完成率", 30, Method.COMPUTED, "obligation_compliance", "得分 = 分值 × 按期完成的履职任务占比"),
    ("隐患按期整改率", 20, Method.COMPUTED, "hazard_closure_on_time", "得分 = 分值 × 按期销号隐患占比"),
    ("台账按时报送率", 10, Method.COMPUTED, "report_timeliness", "得分 = 分值 × 按时报送月报占比"),
    ("演练开展与签到", 10, Method.COMPUTED, "drill_coverage", "得分 = 分值 × 演练完成率"),
    ("责任书签订率", 10, Method.COMPUTED, "letter_signing", "得分 = 分值 × 已签责任书占比"),
    ("事故按时报告率", 10, Method.COMPUTED, "incident_report_timeliness", "无事故得满分"),
    ("现场检查评分", 10, Method.ASSESSED, "", "考核组现场检查评分，须写明依据"),
]
DEFAULT_VETOES = [
    ("major_hazard_overdue", VetoEffect.DISQUALIFY, "《安全生产法》第四十一条：重大事故隐患治理督办；seed 002 五(三)"),
    ("major_accident_with_responsibility", VetoEffect.ZERO, "seed 003 四(一)：发生重大安全责任事故的一票否决"),
    ("late_accident_report", VetoEffect.DISQUALIFY, "seed 001 七(十)：30分钟电话、2小时书面报告"),
    ("accountability_veto", VetoEffect.ZERO, "seed 000 六.5：年度考核实行一票否决"),
]


def _require(actor: Any, bureau: Unit, roles: set[str] = OWNERS) -> None:
    if actor is not None and not (roles_over_unit(actor, bureau) & roles):
        raise PermissionDenied("只有教育局可以管理考核方案")


def create_scheme(actor: Any, bureau: Unit, *, year: int, name: str, level: str = Level.SCHOOLS,
                  with_defaults: bool = True) -> Scheme:
    _require(actor, bureau)
    errors: dict[str, list[str]] = {}
    if bureau.kind != UnitKind.BUREAU:
        errors["bureau"] = ["考核方案由教育局制定"]
    if year > timezone.localdate().year + 1:
        errors["year"] = ["年度过远"]
    if Scheme.objects.filter(bureau=bureau, year=year, level=level).exists():
        errors["year"] = [f"{year} 年度已有此类考核方案"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scheme = Scheme.objects.create(bureau=bureau, year=year, level=level, name=name or f"{year}年度学校安全工作考核")
        if with_defaults and level == Level.SCHOOLS:
            # Indicators whose evidence this installation does not hold are left out; their points go to the
            # on-site score, so the scheme still totals 100.
            chosen = [d for d in DEFAULT_SCHOOL_INDICATORS if d[2] != Method.COMPUTED or d[3] in INDICATORS]
            spare = 100 - sum(d[1] for d in chosen)
            for order, (iname, weight, method, source, rule) in enumerate(chosen):
                if method == Method.ASSESSED:
                    weight += spare
                Indicator.objects.create(scheme=scheme, name=iname, weight=Decimal(weight), method=method,
                                         source=source, rule=rule, order=order)
            for kind, effect, source in DEFAULT_VETOES:
                if kind in VETOES:
                    VetoRule.objects.create(scheme=scheme, kind=kind, effect=effect, source=source)
    return scheme


def add_indicator(actor: Any, scheme: Scheme, *, name: str, weight: Decimal, method: str, source: str = "",
                  rule: str = "") -> Indicator:
    _require(actor, scheme.bureau)
    errors: dict[str, list[str]] = {}
    if scheme.status != SchemeStatus.DRAFT:
        errors["name"] = ["方案已发布，不能再修改指标"]
    if weight is None or Decimal(weight) <= 0:
        errors["weight"] = ["分值必须大于 0"]
    if method == Method.COMPUTED and source not in INDICATORS:
        errors["source"] = [f"未知的数据来源，可选：{'、'.join(s.label for s in INDICATORS.values())}"]
    if errors:
        raise ValidationError(errors)
    return Indicator.objects.create(scheme=scheme, name=name, weight=Decimal(weight), method=method, source=source,
                                    rule=rule, order=scheme.indicators.count())


def add_veto(actor: Any, scheme: Scheme, *, kind: str, effect: str, source: str) -> VetoRule:
    _require(actor, scheme.bureau)
    if kind not in VETOES:
        raise ValidationError({"kind": [f"未知的否决情形，可选：{'、'.join(s.label for s in VETOES.values())}"]})
    if not source.strip():
        raise ValidationError({"source": ["请写明否决规则的依据条款"]})
    if scheme.veto_rules.filter(kind=kind).exists():
        raise ValidationError({"kind": ["该否决情形已在方案中"]})
    return VetoRule.objects.create(scheme=scheme, kind=kind, effect=effect, source=source)


def publish(actor: Any, scheme: Scheme) -> Scheme:
    _require(actor, scheme.bureau)
    total = scheme.weight_total
    if total != Decimal("100"):
        raise ValidationError({"weight": [f"指标分值合计应为 100，当前为 {total.normalize():f}"]})
    Scheme.objects.filter(pk=scheme.pk).update(status=SchemeStatus.PUBLISHED, updated_at=timezone.now())
    scheme.refresh_from_db()
    return scheme


def score(actor: Any, indicator: Indicator, unit: Unit, value: Decimal, evidence: str) -> AssessorScore:
    scheme = indicator.scheme
    _require(actor, scheme.bureau, ASSESSORS)
    errors: dict[str, list[str]] = {}
    own = getattr(getattr(actor, "person", None), "unit", None)
    if own is not None and (own.path.startswith(unit.path) or unit.path.startswith(own.path)):
        errors["unit"] = ["考核人不能考核本人所在单位"]
    if indicator.method != Method.ASSESSED:
        errors["indicator"] = ["该指标由系统计算，不能人工评分"]
    if value is None or not (Decimal(0) <= Decimal(value) <= indicator.weight):
        errors["score"] = [f"得分应在 0 到 {indicator.weight} 之间"]
    if not evidence or not evidence.strip():
        errors["evidence"] = ["请写明评分依据"]
    if scheme.status == SchemeStatus.COMPLETED:
        errors["score"] = ["考核已完成，不能再评分"]
    if errors:
        raise ValidationError(errors)
    row, _created = AssessorScore.objects.update_or_create(
        indicator=indicator, unit=unit, assessor=actor, defaults={"score": Decimal(value), "evidence": evidence})
    return row


def units_of(scheme: Scheme) -> Any:
    if scheme.level == Level.SCHOOLS:
        return Unit.objects.filter(kind=UnitKind.SCHOOL, supervising_unit=scheme.bureau, is_active=True)
    return Unit.objects.filter(parent=scheme.bureau, kind=UnitKind.BUREAU_DEPARTMENT, is_active=True)


def _indicator_score(indicator: Indicator, unit: Unit, year: int) -> tuple[Decimal, str]:
    if indicator.method == Method.COMPUTED:
        ratio = INDICATORS[indicator.source].fn(unit, year) if indicator.source in INDICATORS else None
        if ratio is None:
            return indicator.weight, "无适用事项，得满分"
        ratio = max(0.0, min(1.0, float(ratio)))
        return (indicator.weight * Decimal(str(ratio))).quantize(TWO, ROUND_HALF_UP), f"完成率 {ratio:.0%}"
    scores = [s.score for s in indicator.scores.filter(unit=unit)]
    if not scores:
        return Decimal("0"), "未评分"
    average = sum(scores, Decimal("0")) / Decimal(len(scores))
    return average.quantize(TWO, ROUND_HALF_UP), f"{len(scores)} 名考核人评分平均"


def compute(actor: Any, scheme: Scheme) -> list[Result]:
    """Score every unit, apply the veto rules, rank, and mark the scheme completed."""
    _require(actor, scheme.bureau)
    if scheme.status == SchemeStatus.DRAFT:
        raise ValidationError({"status": ["请先发布考核方案（指标分值合计须为 100）"]})
    indicators = list(scheme.indicators.all())
    rules = list(scheme.veto_rules.all())
    rows = []
    for unit in units_of(scheme):
        breakdown, total = [], Decimal("0")
        for ind in indicators:
            value, note = _indicator_score(ind, unit, scheme.year)
            breakdown.append({"indicator": ind.name, "weight": str(ind.weight), "score": str(value), "note": note})
            total += value
        vetoes, final = [], total
        for rule in rules:
            reasons = VETOES[rule.kind].fn(unit, scheme.year) if rule.kind in VETOES else []
            if reasons:
                vetoes.append({"kind": rule.kind, "label": VETOES[rule.kind].label, "effect": rule.effect,
                               "source": rule.source, "reasons": reasons})
                if rule.effect == VetoEffect.ZERO:
                    final = Decimal("0")
        rows.append((unit, final, total, breakdown, vetoes))
    rows.sort(key=lambda r: (bool(r[4]), -r[1], r[0].name))
    with transaction.atomic():
        Result.objects.filter(scheme=scheme).delete()
        results = [Result(scheme=scheme, unit=u, score=f, raw_score=t, breakdown=b, vetoes=v, vetoed=bool(v),
                          rank=i + 1) for i, (u, f, t, b, v) in enumerate(rows)]
        Result.objects.bulk_create(results)
        Scheme.objects.filter(pk=scheme.pk).update(status=SchemeStatus.COMPLETED, computed_at=timezone.now(),
                                                   updated_at=timezone.now())
    scheme.refresh_from_db()
    return results
