"""Annual assessment (年度考核): a scheme of weighted indicators, veto rules, assessors' scores, results."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel


class Level(models.TextChoices):
    SCHOOLS = "schools", _("教育局考核学校")
    DEPARTMENTS = "departments", _("教育局考核股室和领导")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    PUBLISHED = "published", _("已发布")
    COMPLETED = "completed", _("已完成")


class Scheme(AnxiaoModel):
    bureau = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assessment_schemes",
                               verbose_name=_("教育局"))
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("考核对象"), max_length=20, choices=Level.choices, default=Level.SCHOOLS)
    name = models.CharField(_("名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # The Word template (version) of the result bulletin current when the results were computed (issued), as for
    # notices and letters; empty = the built-in template. Until then the bulletin previews the current one.
    bulletin_template = models.ForeignKey("documents.DocumentTemplate", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+", verbose_name=_("通报模板"))

    scope_unit_fields = ("bureau",)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["bureau", "year", "level"], name="one_scheme_per_year_level")]

    def __str__(self) -> str:
        return self.name

    @property
    def weight_total(self) -> Decimal:
        return sum((i.weight for i in self.indicators.all()), Decimal("0"))


class Method(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    ASSESSED = "assessed", _("考核人评分")


class Indicator(AnxiaoModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("方案"))
    name = models.CharField(_("指标"), max_length=100)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(_("评分方式"), max_length=10, choices=Method.choices)
    source = models.CharField(_("数据来源"), max_length=40, blank=True)
    rule = models.CharField(_("评分规则"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    scope_unit_fields = ("scheme__bureau",)

    class Meta:
        ordering = ["scheme_id", "order", "id"]
        verbose_name = _("考核指标")

    def __str__(self) -> str:
        return f"{self.name}（{self.weight} 分）"


class VetoEffect(models.TextChoices):
    ZERO = "zero", _("总分记零")
    DISQUALIFY = "disqualify", _("取消评优资格，定为不合格")


class VetoRule(AnxiaoModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="veto_rules", verbose_name=_("方案"))
    kind = models.CharField(_("否决情形"), max_length=40)
    effect = models.CharField(_("后果"), max_length=12, choices=VetoEffect.choices, default=VetoEffect.DISQUALIFY)
    source = models.CharField(_("依据"), max_length=120)

    scope_unit_fields = ("scheme__bureau",)

    class Meta:
        verbose_name = _("一票否决规则")
        constraints = [models.UniqueConstraint(fields=["scheme", "kind"], name="veto_kind_once")]

    def __str__(self) -> str:
        return f"{self.kind}（{self.source}）"


class AssessorScore(AnxiaoModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("指标"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被考核单位"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("考核人"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    evidence = models.TextField(_("评分依据"))

    scope_unit_fields = ("unit", "indicator__scheme__bureau")

    class Meta:
        verbose_name = _("考核评分")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "assessor"], name="one_score_per_assessor")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.unit}：{self.score}"


class Result(AnxiaoModel):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="results", verbose_name=_("方案"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assessment_results",
                             verbose_name=_("单位"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    raw_score = models.DecimalField(_("否决前得分"), max_digits=6, decimal_places=2)
    breakdown = models.JSONField(_("明细"), default=list)
    vetoes = models.JSONField(_("否决情形"), default=list)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    rank = models.PositiveIntegerField(_("排名"))

    scope_unit_fields = ("unit", "scheme__bureau")

    class Meta:
        ordering = ["scheme_id", "rank"]
        verbose_name = _("考核结果")
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="one_result_per_unit")]

    def __str__(self) -> str:
        return f"{self.scheme.year} {self.unit}：{self.score}"


class LicenceSubject(models.TextChoices):
    """What seed 001 一(十四) licenses with the safety standard as a precondition."""

    PRIVATE = "private", _("民办教育机构办学许可")
    SCHOOL_BUS = "school_bus", _("校车使用许可")


class LicenceResult(models.TextChoices):
    PASSED = "passed", _("通过")
    RECTIFY = "rectify", _("责令限时整改")
    REFUSED = "refused", _("不予通过/不予年检（安全标准一票否决）")
    REVOKED = "revoked", _("取缔")


class LicenceReview(AnxiaoModel):
    """许可审批/年检 of a private school or a school's bus use (seed 001 一(十四)): the safety standard is the
    precondition; below it the licence is vetoed (一票否决), or put right by a deadline, or refused its 年检 when
    not put right, up to 取缔. Each review is a row (nothing is overwritten); the year's last one counts."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="licence_reviews",
                             verbose_name=_("单位"))
    subject = models.CharField(_("许可事项"), max_length=12, choices=LicenceSubject.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    safety_standard_met = models.BooleanField(_("达到安全标准"))
    findings = models.TextField(_("存在问题"), blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    result = models.CharField(_("结论"), max_length=10, choices=LicenceResult.choices)
    reviewed_on = models.DateField(_("审查日期"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("审查人"))

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["-year", "unit_id", "subject", "-reviewed_on", "-id"]
        verbose_name = _("许可审批/年检")
        verbose_name_plural = _("许可审批/年检")

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.get_subject_display()}：{self.get_result_display()}"
