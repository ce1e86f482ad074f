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
    LicenceResult,
    LicenceReview,
    LicenceSubject,
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
    ("licence_review", VetoEffect.DISQUALIFY,
     "seed 001 一(十四)：安全标准是民办教育机构和校车使用许可的前置条件，未达标一票否决，整改不到位不予年检"),
    ("lost_assessment_grounds", VetoEffect.DISQUALIFY,
     "seed 002 五(三)：不重视、推进不力、整改不到位、措施不实、敷衍塞责、弄虚作假的，取消本年度综合考核评估资格、取消绩效考核奖励"),
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
    """Score every unit, apply the veto rules, rank, and mark the scheme completed (the result bulletin is issued:
    its Word template version is recorded and it prints with that one from then on)."""
    from anxiao.documents.render import current_template

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
        Scheme.objects.filter(pk=scheme.pk).update(
            status=SchemeStatus.COMPLETED, computed_at=timezone.now(), updated_at=timezone.now(),
            bulletin_template=current_template(scheme.bureau, "assessment_bulletin"))
    scheme.refresh_from_db()
    return results


def applies(unit: Unit, subject: str) -> bool:
    """Whether the unit holds (or needs) that licence: a private school; a school that runs or hires a bus."""
    return (subject == LicenceSubject.PRIVATE and unit.is_private) or (
        subject == LicenceSubject.SCHOOL_BUS and unit.uses_bus)


def review_licence(actor: Any, unit: Unit, *, subject: str, year: int, safety_standard_met: bool,
                   findings: str = "", rectify_by: Any = None, revoke: bool = False,
                   reviewed_on: Any = None) -> LicenceReview:
    """Record a licence review or 年检 (seed 001 一(十四)). The result follows from the safety standard: met →
    passed; not met → vetoed (不予通过/不予年检), unless the bureau gives a deadline to put it right (责令限时整改);
    a unit still below the standard after an earlier deadline has passed is refused (整改不到位的不予年检);
    ``revoke`` (取缔) only after a refusal."""
    bureau = unit.supervising_unit or unit
    _require(actor, bureau)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    errors: dict[str, list[str]] = {}
    if subject not in LicenceSubject.values:
        errors["subject"] = ["请选择许可事项：" + "、".join(map(str, LicenceSubject.labels))]
    elif not applies(unit, subject):
        errors["subject"] = [f"{unit}不是民办学校" if subject == LicenceSubject.PRIVATE
                             else f"{unit}未登记自办或购买校车服务"]
    if not year or year > today.year + 1 or year < 2000:
        errors["year"] = ["年度无效"]
    if reviewed_on > today:
        errors["reviewed_on"] = ["审查日期不能晚于今天"]
    findings = (findings or "").strip()
    if not safety_standard_met and not findings:
        errors["findings"] = ["未达到安全标准的，请写明存在的问题"]
    earlier = (LicenceReview.objects.filter(unit=unit, subject=subject, year=year).order_by("-reviewed_on", "-id")
               .first())
    if rectify_by is not None and (safety_standard_met or rectify_by < reviewed_on):
        errors["rectify_by"] = ["整改期限只用于未达标的单位，且不能早于审查日期"]
    if revoke and (safety_standard_met or earlier is None or earlier.result != LicenceResult.REFUSED):
        errors["result"] = ["取缔须在不予通过/不予年检之后，且仍未达到安全标准"]
    if errors:
        raise ValidationError(errors)
    if safety_standard_met:
        result = LicenceResult.PASSED
    elif revoke:
        result = LicenceResult.REVOKED
    elif rectify_by is not None and not (earlier is not None and earlier.result == LicenceResult.RECTIFY):
        result = LicenceResult.RECTIFY
    else:
        result = LicenceResult.REFUSED
    return LicenceReview.objects.create(
        unit=unit, subject=subject, year=year, safety_standard_met=safety_standard_met, findings=findings,
        rectify_by=rectify_by, result=result, reviewed_on=reviewed_on,
        reviewed_by=actor if getattr(actor, "is_authenticated", False) else None)


def licence_failures(unit: Unit, year: int) -> list[str]:
    """The unit's licences that fail the year (seed 001 一(十四)): the year's last review refused, revoked, or
    ordered to rectify with the deadline passed; or no review of the year at all."""
    out = []
    today = timezone.localdate()
    for subject in LicenceSubject:
        if not applies(unit, subject):
            continue
        last = (LicenceReview.objects.filter(unit=unit, subject=subject, year=year)
                .order_by("-reviewed_on", "-id").first())
        if last is None:
            out.append(f"无{year}年度{subject.label}审批/年检记录（安全标准是许可的前置条件）")
        elif last.result in (LicenceResult.REFUSED, LicenceResult.REVOKED):
            out.append(f"{subject.label}{last.get_result_display()}（{last.reviewed_on}：{last.findings}）")
        elif last.result == LicenceResult.RECTIFY and last.rectify_by is not None and last.rectify_by < today:
            out.append(f"{subject.label}逾期未整改（期限 {last.rectify_by}：{last.findings}），不予年检")
    return out
