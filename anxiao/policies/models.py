"""Policies (制度/方案/清单): an adopted document, its clauses, duty lists and duty templates.

A built-in pack is loaded once as an *original* (``bureau`` empty) and never edited. A bureau
adopts a pack by getting its own copy; every edit of a clause or a duty template writes a new
row (``version`` + 1, ``replaces`` the old one) and marks the old row not current, so the
history of a clause stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.choices import UnitKind
from anxiao.core.models import AnxiaoModel


class DutyCategory(models.TextChoices):
    BUSINESS = "business", _("业务职责")
    SAFETY = "safety", _("安全职责")


class PolicyStatus(models.TextChoices):
    ACTIVE = "active", _("生效")
    RETIRED = "retired", _("已停用")


class Policy(AnxiaoModel):
    code = models.CharField(_("规则包代码"), max_length=40)
    bureau = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="policies",
        verbose_name=_("采用单位"), help_text=_("空表示内置原件"),
    )
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("内置原件"),
    )
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=200, blank=True)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    date = models.DateField(_("印发日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.ACTIVE)
    version = models.PositiveIntegerField(_("版本"), default=1)
    adopted_at = models.DateTimeField(_("采用时间"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("采用人"),
    )
    # A school's own plan applies to these schools only (ids); empty: the whole bureau.
    for_units = models.JSONField(_("仅适用学校"), default=list, blank=True)
    own_plan = models.BooleanField(_("学校自身方案"), default=False)
    # Adoption proposes who each list is for; nothing takes effect until the bureau confirms the mapping.
    mapping_confirmed_at = models.DateTimeField(_("映射确认时间"), null=True, blank=True)
    mapping_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("映射确认人"),
    )

    scope_unit_fields = ("bureau",)

    class Meta:
        ordering = ["bureau_id", "code"]
        verbose_name = _("制度")
        verbose_name_plural = _("制度")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(bureau__isnull=True), name="policy_one_original"),
            models.UniqueConstraint(fields=["bureau", "code"], condition=Q(bureau__isnull=False),
                                    name="policy_adopted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.bureau or '内置'}）"

    @property
    def is_builtin(self) -> bool:
        return self.bureau_id is None

    @property
    def in_effect(self) -> bool:
        return self.status == PolicyStatus.ACTIVE and self.mapping_confirmed_at is not None


class VersionedRow(AnxiaoModel):
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    retired = models.BooleanField(_("已废止"), default=False)
    policy_version = models.PositiveIntegerField(_("制度版本"), default=1)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        abstract = True


class Clause(VersionedRow):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("制度"))
    ref = models.CharField(_("条款号"), max_length=60)
    heading = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("要点"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("上一版本"))

    scope_unit_fields = ("policy__bureau",)

    class Meta:
        ordering = ["policy_id", "order", "-version"]
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        indexes = [models.Index(fields=["policy", "is_current"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.heading}"


class DutyList(AnxiaoModel):
    """One holder's list in a document (e.g. 三.4 基建财务股), matched to posts when lists are generated."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="duty_lists", verbose_name=_("制度"))
    key = models.CharField(_("清单代码"), max_length=80)
    holder = models.CharField(_("责任主体"), max_length=200)
    unit_kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices)
    post_kinds = models.JSONField(_("岗位类别"), default=list)
    department = models.CharField(_("股室/处室名称"), max_length=100, blank=True)
    functions = models.JSONField(_("股室/处室职能"), default=list, blank=True,
                                 help_text=_("按职能代码找股室/处室（如 finance），不按名称"))
    stages = models.JSONField(_("学段"), default=list, blank=True)
    to_be_completed = models.BooleanField(_("原文残缺待补"), default=False)
    condition = models.CharField(_("适用条件"), max_length=40, blank=True,
                                 help_text=_("school_bus 使用校车、boarding 寄宿制、private 民办：只适用于这样的学校"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    scope_unit_fields = ("policy__bureau",)

    class Meta:
        ordering = ["policy_id", "order"]
        verbose_name = _("职责清单模板")
        verbose_name_plural = _("职责清单模板")
        constraints = [models.UniqueConstraint(fields=["policy", "key"], name="duty_list_key_once")]

    def __str__(self) -> str:
        return self.holder

    @property
    def function_codes(self) -> list[str]:
        """The department functions the list is for: stated in the pack, or read from the department's name."""
        from anxiao.core.choices import functions_in_name

        if self.functions:
            return [str(f) for f in self.functions]
        return functions_in_name(self.department) if self.department else []


class DutyTemplate(VersionedRow):
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="duties",
                                  verbose_name=_("职责清单模板"))
    clause_ref = models.CharField(_("条款号"), max_length=60)
    category = models.CharField(_("类别"), max_length=10, choices=DutyCategory.choices, default=DutyCategory.SAFETY)
    topic = models.CharField(_("主题"), max_length=40, blank=True)
    text = models.TextField(_("职责内容"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("上一版本"))

    scope_unit_fields = ("duty_list__policy__bureau",)

    class Meta:
        ordering = ["duty_list_id", "order", "-version"]
        verbose_name = _("职责模板")
        verbose_name_plural = _("职责模板")
        indexes = [models.Index(fields=["duty_list", "is_current"])]

    def __str__(self) -> str:
        return f"{self.clause_ref} {self.text[:30]}"


class ObligationTemplate(AnxiaoModel):
    """A pack's ``obligations:`` entry, kept with its clause for the obligations app to expand."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="obligation_templates",
                               verbose_name=_("制度"))
    code = models.CharField(_("代码"), max_length=100)
    clause_ref = models.CharField(_("条款号"), max_length=60)
    title = models.CharField(_("名称"), max_length=200)
    activity_kind = models.CharField(_("活动类型"), max_length=40)
    subject = models.JSONField(_("适用对象"), default=dict)
    quota = models.PositiveIntegerField(_("每期次数"), default=1)
    period = models.CharField(_("周期"), max_length=20)
    due = models.JSONField(_("期限规则"), default=dict)
    grace_days = models.PositiveIntegerField(_("宽限天数"), default=0)
    heightened = models.BooleanField(_("加强要求"), default=False)
    enabled = models.BooleanField(_("启用"), default=True)
    note = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    scope_unit_fields = ("policy__bureau",)

    class Meta:
        ordering = ["policy_id", "order"]
        verbose_name = _("周期性义务模板")
        verbose_name_plural = _("周期性义务模板")
        constraints = [models.UniqueConstraint(fields=["policy", "code"], name="obligation_template_code_once")]

    def __str__(self) -> str:
        return self.title


class MappingCorrection(AnxiaoModel):
    """The bureau's correction of one proposed match: this duty list does (``include``) or does not apply to
    this unit, whatever the meaning-based match said."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("制度"))
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="corrections",
                                  verbose_name=_("职责清单模板"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    include = models.BooleanField(_("适用"))

    scope_unit_fields = ("policy__bureau",)

    class Meta:
        ordering = ["duty_list_id", "unit_id"]
        verbose_name = _("映射更正")
        verbose_name_plural = _("映射更正")
        constraints = [models.UniqueConstraint(fields=["duty_list", "unit"], name="mapping_correction_once")]

    def __str__(self) -> str:
        return f"{self.duty_list} {'适用' if self.include else '不适用'} {self.unit}"
