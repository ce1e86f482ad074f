"""Drills (应急演练): each school's annual plan, the drill records, the homeroom teachers' personal sign-ins
and the attempts that were refused. Rules: rules.md §1 D1–D7 and §3.4; defaults: design.md."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.files import StoredFileBase
from anxiao.core.models import AnxiaoModel, VoidableModel

DEFAULT_EVACUATION_TARGET = 120  # seconds: 演练指南(2014), low buildings (4 floors or fewer)


class DrillKind(models.TextChoices):
    """The same codes as obligations.ActivityKind, so a held drill counts for its quota."""

    DRILL = "drill", _("应急疏散演练")
    GUARD_DRILL = "guard_drill", _("保安应急演练")
    BUS_DRILL = "bus_drill", _("校车演练")


class Theme(models.TextChoices):
    FIRE = "fire", _("消防疏散")
    EARTHQUAKE = "earthquake", _("地震避险")
    ANTI_VIOLENCE = "anti_violence", _("防暴反恐")
    SCHOOL_BUS = "school_bus", _("校车突发事件")
    CROWD_CRUSH = "crowd_crush", _("防踩踏")
    FLOOD = "flood", _("防汛防台")
    GAS_LEAK = "gas_leak", _("燃气泄漏")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    OTHER = "other", _("其他")


class Frequency(models.TextChoices):
    MONTH = "month", _("每月至少一次")
    QUARTER = "quarter", _("每季度至少一次")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("进行中")
    HELD = "held", _("已举行")
    CLOSED = "closed", _("已结束")


class Evaluation(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class DrillSettings(AnxiaoModel):
    """Drill parameters of a bureau, or of one school (a school's own row wins over its bureau's)."""

    unit = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="drill_settings",
                                verbose_name=_("教育局或学校"))
    evacuation_target_seconds = models.PositiveIntegerField(
        _("疏散用时目标（秒）"), default=DEFAULT_EVACUATION_TARGET,
        help_text=_("演练指南(2014)：楼层较低（4层以下）的学校原则上 2 分钟（120 秒）内"))
    school_frequency = models.CharField(_("中小学演练频次"), max_length=10, choices=Frequency.choices,
                                        default=Frequency.MONTH)
    kindergarten_frequency = models.CharField(_("幼儿园演练频次"), max_length=10, choices=Frequency.choices,
                                              default=Frequency.QUARTER)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["unit_id"]
        verbose_name = _("演练设置")
        verbose_name_plural = _("演练设置")

    def __str__(self) -> str:
        return f"{self.unit} 演练设置"


class DrillPlan(VoidableModel):
    """演练年度计划: themes per month, drafted by the safety office and approved by the principal (S002 四(四))."""

    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="drill_plans",
                               verbose_name=_("学校"), limit_choices_to={"kind": "school"})
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    note = models.TextField(_("说明"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("制定人"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("批准人"))
    approved_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("批准人岗位"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    activity = models.ForeignKey("obligations.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("履职记录"))

    scope_unit_fields = ("school",)

    class Meta:
        ordering = ["-year", "school_id"]
        verbose_name = _("演练年度计划")
        verbose_name_plural = _("演练年度计划")
        constraints = [models.UniqueConstraint(fields=["school", "year"], condition=Q(voided_at__isnull=True),
                                               name="drill_plan_one_per_school_year")]

    def __str__(self) -> str:
        return f"{self.school.name} {self.year} 年演练计划"


class DrillPlanItem(AnxiaoModel):
    plan = models.ForeignKey(DrillPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("计划"))
    month = models.PositiveSmallIntegerField(_("月份"))
    kind = models.CharField(_("演练类别"), max_length=20, choices=DrillKind.choices, default=DrillKind.DRILL)
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices)

    scope_unit_fields = ("plan__school",)

    class Meta:
        ordering = ["plan_id", "month", "kind", "id"]
        verbose_name = _("计划演练")
        verbose_name_plural = _("计划演练")
        constraints = [models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="drill_item_month_1_12")]

    def __str__(self) -> str:
        return f"{self.month}月 {self.get_kind_display()} {self.get_theme_display()}"


def _token() -> str:
    return uuid.uuid4().hex


class Drill(VoidableModel):
    """One drill: scenario plan before it starts, evaluation before it closes (S002 四(四))."""

    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="drills", verbose_name=_("学校"),
                               limit_choices_to={"kind": "school"})
    kind = models.CharField(_("演练类别"), max_length=20, choices=DrillKind.choices, default=DrillKind.DRILL)
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("名称"), max_length=120, blank=True)
    plan_item = models.ForeignKey(DrillPlanItem, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="drills", verbose_name=_("计划项"))
    planned_on = models.DateField(_("计划日期"))
    # The drill's own time; sign-in is open from ``signin_margin_minutes`` before it to as long after it.
    window_start = models.DateTimeField(_("演练开始时间"))
    window_end = models.DateTimeField(_("演练结束时间"))
    signin_margin_minutes = models.PositiveSmallIntegerField(
        _("签到提前/延后（分钟）"), default=15, help_text=_("演练开始前、结束后多少分钟内仍可签到"))
    classes = models.ManyToManyField("org.Post", blank=True, related_name="drills", verbose_name=_("参演班级"))
    status = models.CharField(_("状态"), max_length=12, choices=DrillStatus.choices, default=DrillStatus.PLANNED,
                              db_index=True)
    held_on = models.DateField(_("举行日期"), null=True, blank=True)
    participants_count = models.PositiveIntegerField(_("参演人数"), null=True, blank=True)
    evacuation_seconds = models.PositiveIntegerField(_("疏散用时（秒）"), null=True, blank=True)
    problems = models.TextField(_("发现的问题"), blank=True)
    evaluation_result = models.CharField(_("评定结果"), max_length=10, choices=Evaluation.choices, blank=True)
    evaluation = models.TextField(_("评估意见"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    activity = models.ForeignKey("obligations.Activity", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("履职记录"))

    scope_unit_fields = ("school",)
    audit_exclude = (*AnxiaoModel.audit_exclude, "token")

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("演练")
        verbose_name_plural = _("演练")
        indexes = [models.Index(fields=["school", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.school.name} {self.planned_on} {self.title or self.get_theme_display()}"

    @property
    def scenario(self) -> DrillFile | None:
        return next((f for f in self.files.all() if f.role == FileRole.SCENARIO), None)

    @property
    def signin_opens(self) -> datetime.datetime:
        return self.window_start - datetime.timedelta(minutes=self.signin_margin_minutes)

    @property
    def signin_closes(self) -> datetime.datetime:
        return self.window_end + datetime.timedelta(minutes=self.signin_margin_minutes)

    def window_open(self, at: datetime.datetime) -> bool:
        """Sign-in is open during the drill itself, with the margin on either side."""
        return self.signin_opens <= at <= self.signin_closes


class FileRole(models.TextChoices):
    SCENARIO = "scenario", _("演练预案/脚本")
    RECORD = "record", _("过程记录")


class DrillFile(StoredFileBase):
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="files", verbose_name=_("演练"))
    role = models.CharField(_("用途"), max_length=10, choices=FileRole.choices, default=FileRole.SCENARIO)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上传人"))

    scope_unit_fields = ("drill__school",)

    class Meta:
        ordering = ["drill_id", "-created_at"]
        verbose_name = _("演练附件")
        verbose_name_plural = _("演练附件")


class DrillEvent(AnxiaoModel):
    """Every transition of a drill, with who did it."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="events", verbose_name=_("演练"))
    action = models.CharField(_("操作"), max_length=20)
    label = models.CharField(_("说明"), max_length=40)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    note = models.TextField(_("备注"), blank=True)

    scope_unit_fields = ("drill__school",)

    class Meta:
        ordering = ["drill_id", "at", "id"]
        verbose_name = _("演练记录")
        verbose_name_plural = _("演练记录")


class Finding(AnxiaoModel):
    """A problem found in a drill; it can become a hazard in one step."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="findings", verbose_name=_("演练"))
    description = models.TextField(_("问题描述"))
    location = models.CharField(_("部位"), max_length=120)
    category = models.CharField(_("隐患类别"), max_length=4, default="GL")
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("隐患"))

    scope_unit_fields = ("drill__school",)

    class Meta:
        ordering = ["drill_id", "id"]
        verbose_name = _("演练发现的问题")
        verbose_name_plural = _("演练发现的问题")

    def __str__(self) -> str:
        return self.description[:40]


class SignIn(AnxiaoModel):
    """班主任签到: one row per participating class, signed by the person who heads it, with their own account."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="signins", verbose_name=_("演练"))
    post = models.ForeignKey("org.Post", on_delete=models.PROTECT, related_name="+", verbose_name=_("班级"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("班主任"))
    # Always the signing user for sign-ins made here; empty only for history imported from paper sheets.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("账号"))
    at = models.DateTimeField(_("签到时间"))
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    via = models.CharField(_("途径"), max_length=10, blank=True)

    scope_unit_fields = ("drill__school",)

    class Meta:
        ordering = ["drill_id", "at", "id"]
        verbose_name = _("演练签到")
        verbose_name_plural = _("演练签到")
        constraints = [models.UniqueConstraint(fields=["drill", "post"], name="drill_signin_once_per_class")]

    def __str__(self) -> str:
        return f"{self.post.class_name} {self.person.name} {self.at:%Y-%m-%d %H:%M}"


class AttemptReason(models.TextChoices):
    OTHER_PERSON = "other_person", _("试图为他人签到")
    OTHER_CLASS = "other_class", _("试图为非本人所带班级签到")
    NOT_HOMEROOM = "not_homeroom", _("本人不是参演班级班主任")
    NO_PERSON = "no_person", _("账号未关联人员")
    ALREADY_SIGNED = "already_signed", _("重复签到")
    OUTSIDE_WINDOW = "outside_window", _("不在签到时间内")
    NOT_OPEN = "not_open", _("演练不在可签到状态")


class SignInAttempt(AnxiaoModel):
    """A refused sign-in: who, when, from where, what was tried. Shown to the school's safety office."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("演练"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("账号"))
    user_repr = models.CharField(_("账号"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    via = models.CharField(_("途径"), max_length=10, blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=AttemptReason.choices)
    detail = models.CharField(_("尝试内容"), max_length=300, blank=True)

    scope_unit_fields = ("drill__school",)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("签到异常尝试")
        verbose_name_plural = _("签到异常尝试")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_repr} {self.get_reason_display()}"
