"""Checklists (the national library plus a bureau's own), inspections, item results, patrol points."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import Scope
from anxiao.core.files import StoredFileBase
from anxiao.core.models import AnxiaoModel, VoidableModel


class ItemGrade(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")
    MAJOR_IF = "major_if", _("特定条件下重大")


class Frequency(models.TextChoices):
    DAY = "day", _("每日")
    WEEK = "week", _("每周")
    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    TERM = "term", _("每学期")
    YEAR = "year", _("每年")
    EVENT = "event", _("事件触发")


def _bureaus_q(scope: Scope, prefix: str) -> Q:
    """Records of a bureau: visible inside the bureau's scope and to the schools it supervises."""
    from anxiao.org.models import Unit

    return scope.unit_q(f"{prefix}bureau__") | Q(**{
        f"{prefix}bureau__in": Unit.objects.filter(scope.unit_q()).values("supervising_unit")
    })


class Checklist(AnxiaoModel):
    """检查表: a versioned list of items. ``bureau`` empty = the built-in national library."""

    code = models.CharField(_("编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    title = models.CharField(_("名称"), max_length=120)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    bureau = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="checklists", verbose_name=_("教育局"))
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        constraints = [models.UniqueConstraint(fields=["code", "version", "bureau"], name="checklist_version_once"),
                       models.UniqueConstraint(fields=["code", "version"], condition=Q(bureau__isnull=True),
                                               name="national_checklist_version_once")]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        if write:
            return scope.unit_q("bureau__")
        return Q(bureau__isnull=True) | _bureaus_q(scope, "")

    def audit_unit(self) -> Any:
        return self.bureau


class ChecklistItem(AnxiaoModel):
    """检查项, with a stable code (e.g. ``XF-06``) shared across versions."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="items", verbose_name=_("检查表"))
    code = models.CharField(_("编码"), max_length=20)
    category = models.CharField(_("类别"), max_length=4)
    category_name = models.CharField(_("类别名称"), max_length=40)
    text = models.TextField(_("检查内容"))
    grade = models.CharField(_("默认隐患等级"), max_length=10, choices=ItemGrade.choices, default=ItemGrade.GENERAL)
    major_basis = models.CharField(_("重大隐患依据/条件"), max_length=300, blank=True)
    basis_verified = models.BooleanField(_("依据已核对"), default=True)
    frequency = models.CharField(_("建议频次"), max_length=12, choices=Frequency.choices, default=Frequency.MONTH)
    stages_exclude = models.JSONField(_("不适用学段"), default=list, blank=True)
    boarding_only = models.BooleanField(_("仅寄宿制"), default=False)
    school_bus_only = models.BooleanField(_("仅有校车"), default=False)
    lab_only = models.BooleanField(_("仅有实验室"), default=False)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    # A required item must be answered before the inspection can be completed.
    required = models.BooleanField(_("必查项"), default=True)
    allow_na = models.BooleanField(_("可选“不适用”"), default=True)
    # Points a pass earns; a checklist with points scores each section and the whole inspection.
    points = models.PositiveSmallIntegerField(_("分值"), default=0)

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        if write:
            return scope.unit_q("checklist__bureau__")
        return Q(checklist__bureau__isnull=True) | _bureaus_q(scope, "checklist__")

    class Meta:
        ordering = ["checklist_id", "order", "code"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def applies_to(self, unit: Any) -> bool:
        if unit.stage and unit.stage in (self.stages_exclude or []):
            return False
        return not (self.boarding_only and not unit.boarding)


class InspectionKind(models.TextChoices):
    DAILY_PATROL = "daily_patrol", _("日常巡查")
    HALF_MONTHLY = "half_monthly", _("半月集中排查")
    MONTHLY_LEADERSHIP = "monthly_leadership", _("月度领导带队检查")
    SPECIAL = "special", _("专项检查")
    BUREAU_SUPERVISION = "bureau_supervision", _("上级督查")
    CROSS = "cross", _("交叉互检")
    UNANNOUNCED = "unannounced", _("明察暗访")
    EXPERT = "expert", _("专家检查")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class Inspection(VoidableModel):
    """一次检查/排查 of one unit."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="inspections",
                             verbose_name=_("受检单位"))
    inspecting_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="inspections_run", verbose_name=_("检查单位"))
    kind = models.CharField(_("检查类型"), max_length=20, choices=InspectionKind.choices)
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="inspections", verbose_name=_("检查表"))
    categories = models.JSONField(_("检查类别"), default=list, blank=True)
    # 双重预防: also check the controls of the inspected school's risks (one item per active risk).
    risk_controls = models.BooleanField(_("检查风险管控措施"), default=False)
    title = models.CharField(_("主题"), max_length=200, blank=True)
    planned_on = models.DateField(_("检查日期"))
    status = models.CharField(_("状态"), max_length=12, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED, db_index=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    leader = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspections_led", verbose_name=_("带队/检查人"))
    summary = models.TextField(_("检查结论"), blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("录入人"))

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        indexes = [models.Index(fields=["unit", "kind", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.planned_on} {self.get_kind_display()} {self.title}".strip()

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        # 明察暗访: the inspected school does not see the inspection until it is done.
        hidden = Q(kind=InspectionKind.UNANNOUNCED) & ~Q(status=InspectionStatus.DONE)
        own = scope.unit_q("unit__")
        if write:
            return scope.unit_q("inspecting_unit__") | (own & Q(inspecting_unit__isnull=True))
        return scope.unit_q("inspecting_unit__") | (own & ~hidden)

    def audit_unit(self) -> Any:
        return self.unit


class MemberRole(models.TextChoices):
    INSPECTOR = "inspector", _("检查人员")
    OFFICIAL = "official", _("监管干部")
    EXPERT = "expert", _("专家")


class InspectionMember(AnxiaoModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members",
                                   verbose_name=_("检查"))
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspection_memberships", verbose_name=_("人员"))
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=12, choices=MemberRole.choices, default=MemberRole.INSPECTOR)
    organisation = models.CharField(_("单位/专业"), max_length=100, blank=True)

    scope_unit_fields = ("inspection__unit", "inspection__inspecting_unit")

    class Meta:
        ordering = ["inspection_id", "role", "id"]
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class Outcome(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NA = "na", _("不适用")


class ItemResult(AnxiaoModel):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="results",
                                   verbose_name=_("检查"))
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="results",
                             verbose_name=_("检查项"))
    item_code = models.CharField(_("检查项编码"), max_length=20)
    # A risk-control check (code ``FX-<risk id>``) instead of a checklist item.
    risk = models.ForeignKey("risks.Risk", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="control_checks", verbose_name=_("管控风险"))
    outcome = models.CharField(_("结果"), max_length=4, choices=Outcome.choices)
    note = models.TextField(_("说明"), blank=True)
    location = models.CharField(_("部位"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("录入人"))

    class Meta:
        ordering = ["inspection_id", "item_code"]
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        constraints = [models.UniqueConstraint(fields=["inspection", "item_code"], name="item_result_once")]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_outcome_display()}"

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return Q(inspection__in=Inspection.objects.filter(Inspection.scope_q(scope, write)))

    def audit_unit(self) -> Any:
        return self.inspection.unit


class ResultPhoto(StoredFileBase):
    result = models.ForeignKey(ItemResult, on_delete=models.PROTECT, related_name="photos", verbose_name=_("检查结果"))

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return Q(result__inspection__in=Inspection.objects.filter(Inspection.scope_q(scope, write)))

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")


def new_secret() -> str:
    import secrets

    return secrets.token_urlsafe(12)


class PatrolPoint(AnxiaoModel):
    """巡查点: a key location a school patrols. Its printed QR code carries ``secret``: a check-in needs it, so
    only somebody standing at the point (with the camera) can check in; a leaked code is replaced by rotating it."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="patrol_points",
                             verbose_name=_("学校"))
    name = models.CharField(_("名称"), max_length=80)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    key_area = models.BooleanField(_("重点部位"), default=True)
    daily_minimum = models.PositiveSmallIntegerField(
        _("每日最少巡查次数"), default=5, help_text=_("GB/T 29315-2022：重点部位每日不少于 5 次"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    secret_rotated_at = models.DateTimeField(_("二维码更换时间"), null=True, blank=True)
    min_interval_minutes = models.PositiveSmallIntegerField(
        _("打卡间隔（分钟）"), default=30, help_text=_("同一巡查点两次打卡之间至少相隔的分钟数"))
    is_active = models.BooleanField(_("在用"), default=True)
    # The school gate: its code is scanned by the rostered gate-duty person to sign in (chiefs.actions.check_in),
    # with the same proof of presence as a patrol check-in (actions.prove_presence).
    gate = models.BooleanField(_("校门（护学岗扫码签到）"), default=False,
                               help_text=_("校门的二维码供护学岗值守人员在排班时段内扫码签到"))

    scope_unit_fields = ("unit",)
    audit_exclude = (*AnxiaoModel.audit_exclude, "secret")

    class Meta:
        ordering = ["unit_id", "name"]
        verbose_name = _("巡查点")
        verbose_name_plural = _("巡查点")

    def __str__(self) -> str:
        return f"{self.unit.short_name or self.unit.name} {self.name}"


class PatrolCheckIn(AnxiaoModel):
    """One scan of a patrol point's QR code."""

    point = models.ForeignKey(PatrolPoint, on_delete=models.PROTECT, related_name="checkins",
                              verbose_name=_("巡查点"))
    at = models.DateTimeField(_("时间"), db_index=True)
    on = models.DateField(_("日期"), db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("巡查人"))
    normal = models.BooleanField(_("正常"), default=True)
    note = models.CharField(_("情况"), max_length=200, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    scope_unit_fields = ("point__unit",)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("巡查打卡")
        verbose_name_plural = _("巡查打卡")
        indexes = [models.Index(fields=["point", "on"])]

    def __str__(self) -> str:
        return f"{self.point} {self.at:%Y-%m-%d %H:%M}"


class SignerRole(models.TextChoices):
    INSPECTOR = "inspector", _("检查人")
    REPRESENTATIVE = "representative", _("受检单位代表")


def awaiting_signature_q(role: str) -> Q:
    """The one definition of "waits for ``role``'s signature" (the detail page's 未签名, the list's 待签名 filter,
    the principal's home): a completed, not void inspection that ``role`` has not signed."""
    return Q(status=InspectionStatus.DONE, voided_at__isnull=True) & ~Q(signatures__role=role)


class InspectionSignature(StoredFileBase):
    """A handwritten signature (drawn on the phone) on the inspection report: the inspector's and the
    inspected unit's representative's, one each."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="signatures",
                                   verbose_name=_("检查"))
    role = models.CharField(_("签名人身份"), max_length=16, choices=SignerRole.choices)
    signer_name = models.CharField(_("签名人"), max_length=50)
    signed_at = models.DateTimeField(_("签名时间"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("录入人"))

    class Meta:
        ordering = ["inspection_id", "role"]
        verbose_name = _("检查签名")
        verbose_name_plural = _("检查签名")
        constraints = [models.UniqueConstraint(fields=["inspection", "role"], name="inspection_signed_once_per_role")]

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return Q(inspection__in=Inspection.objects.filter(Inspection.scope_q(scope, write)))
