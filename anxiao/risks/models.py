"""Risk register (双重预防 · 风险分级管控): risks per school, their grading history, a bureau's thresholds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel

from .grading import LS_MAPPING_A, ControlLevel, Level, Method, Thresholds


class Category(models.TextChoices):
    FIRE = "fire", _("消防安全")
    BUILDINGS = "buildings", _("校舍及设施设备")
    FOOD = "food", _("食品卫生")
    LAB = "lab", _("实验室与危化品")
    TRAFFIC = "traffic", _("交通与校车")
    DROWNING = "drowning", _("防溺水")
    SECURITY = "security", _("校园安保")
    DORMITORY = "dormitory", _("学生宿舍")
    EVENTS = "events", _("大型活动与集体外出")
    BULLYING = "bullying", _("欺凌与心理健康")
    OTHER = "other", _("其他")


class RiskSettings(AnxiaoModel):
    """A bureau's grading thresholds (minimum score of each colour). Defaults: design.md, LS mapping A."""

    bureau = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="risk_settings",
                                  verbose_name=_("教育局"))
    lec_red = models.DecimalField(_("LEC 红色下限"), max_digits=8, decimal_places=2, default=Decimal(320))
    lec_orange = models.DecimalField(_("LEC 橙色下限"), max_digits=8, decimal_places=2, default=Decimal(160))
    lec_yellow = models.DecimalField(_("LEC 黄色下限"), max_digits=8, decimal_places=2, default=Decimal(70))
    ls_red = models.PositiveSmallIntegerField(_("LS 红色下限"), default=LS_MAPPING_A[0])
    ls_orange = models.PositiveSmallIntegerField(_("LS 橙色下限"), default=LS_MAPPING_A[1],
                                                 help_text=_("映射A：15；映射B：10"))
    ls_yellow = models.PositiveSmallIntegerField(_("LS 黄色下限"), default=LS_MAPPING_A[2],
                                                 help_text=_("映射A：9；映射B：4"))

    scope_unit_fields = ("bureau",)

    class Meta:
        ordering = ["bureau_id"]
        verbose_name = _("风险分级设置")
        verbose_name_plural = _("风险分级设置")

    def __str__(self) -> str:
        return f"{self.bureau} 风险分级设置"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.lec_red, self.lec_orange, self.lec_yellow, self.ls_red, self.ls_orange, self.ls_yellow)


class Risk(AnxiaoModel):
    """One risk of a school (区域/活动 + 危险因素), graded by LEC or LS, with its control level."""

    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="risks", verbose_name=_("学校"),
                               limit_choices_to={"kind": "school"})
    code = models.CharField(_("清单编号"), max_length=20, blank=True, help_text=_("采用内置风险清单时的编号"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER)
    area = models.CharField(_("区域/活动"), max_length=120)
    hazard_factors = models.TextField(_("危险因素"), blank=True)
    consequences = models.TextField(_("可能后果"), blank=True)
    existing_controls = models.TextField(_("现有管控措施"), blank=True)
    method = models.CharField(_("评价方法"), max_length=5, choices=Method.choices, default=Method.LEC)
    lec_l = models.DecimalField(_("L（可能性）"), max_digits=4, decimal_places=1, null=True, blank=True)
    lec_e = models.DecimalField(_("E（暴露频率）"), max_digits=4, decimal_places=1, null=True, blank=True)
    lec_c = models.DecimalField(_("C（后果）"), max_digits=4, decimal_places=0, null=True, blank=True)
    ls_l = models.PositiveSmallIntegerField(_("L（可能性 1–5）"), null=True, blank=True)
    ls_s = models.PositiveSmallIntegerField(_("S（严重性 1–5）"), null=True, blank=True)
    score = models.DecimalField(_("风险值"), max_digits=8, decimal_places=2)
    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices, db_index=True)
    control_level = models.CharField(_("管控层级"), max_length=12, choices=ControlLevel.choices)
    control_level_overridden = models.BooleanField(_("管控层级已人工调整"), default=False)
    control_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="risks",
                                     verbose_name=_("管控岗位"))
    review_date = models.DateField(_("复查日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)

    scope_unit_fields = ("school",)
    audit_exclude = (*AnxiaoModel.audit_exclude, "score")

    class Meta:
        ordering = ["school_id", "category", "code", "id"]
        verbose_name = _("风险")
        verbose_name_plural = _("风险")
        indexes = [models.Index(fields=["school", "level"])]

    def __str__(self) -> str:
        return f"{self.school.name} · {self.area}"

    @property
    def reported_to_bureau(self) -> bool:
        """A red risk is controlled by the principal and reported to the bureau (rules.md §2.2)."""
        return self.level == Level.RED

    @property
    def scores_text(self) -> str:
        if self.method == Method.LEC:
            lv, ev, cv = (f"{v.normalize():f}" if v is not None else "—" for v in (self.lec_l, self.lec_e, self.lec_c))
            return f"L={lv} E={ev} C={cv}"
        return f"L={self.ls_l} S={self.ls_s}"


class RiskAssessment(AnxiaoModel):
    """One grading of a risk: kept for every change of scores, method or thresholds."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("风险"))
    method = models.CharField(_("评价方法"), max_length=5, choices=Method.choices)
    lec_l = models.DecimalField(_("L"), max_digits=4, decimal_places=1, null=True, blank=True)
    lec_e = models.DecimalField(_("E"), max_digits=4, decimal_places=1, null=True, blank=True)
    lec_c = models.DecimalField(_("C"), max_digits=4, decimal_places=0, null=True, blank=True)
    ls_l = models.PositiveSmallIntegerField(_("L"), null=True, blank=True)
    ls_s = models.PositiveSmallIntegerField(_("S"), null=True, blank=True)
    score = models.DecimalField(_("风险值"), max_digits=8, decimal_places=2)
    level = models.CharField(_("风险等级"), max_length=10, choices=Level.choices)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("评估人"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_unit_fields = ("risk__school",)

    class Meta:
        ordering = ["risk_id", "-created_at", "-id"]
        verbose_name = _("风险评估记录")
        verbose_name_plural = _("风险评估记录")

    def __str__(self) -> str:
        return f"{self.risk_id} {self.get_level_display()} {self.score}"
