"""School profiles (学校基本情况, per campus), guards (保安员) and each bureau's choice of standard."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel

from .rules import GuardStandard, Rounding


class StaffingSettings(AnxiaoModel):
    """A bureau's choice of guard standard and rounding (defaults: seed 002, round up)."""

    bureau = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="staffing_settings",
                                  verbose_name=_("教育局"))
    guard_standard = models.CharField(_("保安配备标准"), max_length=20, choices=GuardStandard.CHOICES,
                                      default=GuardStandard.S002)
    rounding = models.CharField(_("零头取整"), max_length=10, choices=Rounding.CHOICES, default=Rounding.UP)
    # GB/T 29315-2012 said 30 days; the 2022 figure is unconfirmed (待核), so it is a parameter.
    video_retention_days = models.PositiveSmallIntegerField(_("视频存储天数下限"), default=30)

    scope_unit_fields = ("bureau",)

    class Meta:
        ordering = ["bureau_id"]
        verbose_name = _("保安配备设置")
        verbose_name_plural = _("保安配备设置")

    def __str__(self) -> str:
        return f"{self.bureau} {self.get_guard_standard_display()}"


class SchoolProfile(AnxiaoModel):
    """学校基本情况, one per campus: head counts, safety office, security facilities."""

    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="staffing_profiles",
                               verbose_name=_("学校"), limit_choices_to={"kind": "school"})
    campus = models.CharField(_("校区"), max_length=60, default="主校区")
    students = models.PositiveIntegerField(_("学生人数"), default=0)
    staff = models.PositiveIntegerField(_("教职工人数"), default=0)
    boarders = models.PositiveIntegerField(_("寄宿生人数"), default=0)
    buildings = models.PositiveSmallIntegerField(_("校舍栋数"), default=0)
    safety_office_size = models.PositiveSmallIntegerField(_("安全办人数（含主任）"), default=0)
    has_safety_office_director = models.BooleanField(_("配备安全办主任"), default=False)
    has_safety_department = models.BooleanField(_("已设安全科"), default=False)
    alarm_linked = models.BooleanField(_("一键报警与公安联网"), default=False)
    video_linked = models.BooleanField(_("视频监控与公安联网"), default=False)
    video_retention_days = models.PositiveSmallIntegerField(_("视频存储天数"), default=0)
    closed_perimeter = models.BooleanField(_("封闭化管理"), default=False)
    anti_ramming = models.BooleanField(_("硬质防冲撞设施"), default=False)
    security_room = models.BooleanField(_("安全保卫室"), default=False)
    gate_duty_24h = models.BooleanField(_("门卫24小时值守"), default=False)

    scope_unit_fields = ("school",)

    class Meta:
        ordering = ["school_id", "campus"]
        verbose_name = _("学校基本情况")
        verbose_name_plural = _("学校基本情况")
        constraints = [
            models.UniqueConstraint(fields=["school", "campus"], name="staffing_profile_campus_once"),
            models.CheckConstraint(condition=Q(boarders__lte=models.F("students")), name="staffing_boarders_le_students",
                                   violation_error_message=_("寄宿生人数不能超过学生人数")),
        ]

    def __str__(self) -> str:
        return f"{self.school}（{self.campus}）"


class Guard(AnxiaoModel):
    """保安员 on one campus."""

    profile = models.ForeignKey(SchoolProfile, on_delete=models.PROTECT, related_name="guards", verbose_name=_("校区"))
    name = models.CharField(_("姓名"), max_length=50)
    from_security_company = models.BooleanField(_("保安公司选派"), default=True,
                                                help_text=_("否：学校自聘的社会人员"))
    company = models.CharField(_("保安公司"), max_length=100, blank=True)
    licence_no = models.CharField(_("保安员证号"), max_length=40, blank=True)
    birth_date = models.DateField(_("出生日期"))
    equipment = models.JSONField(_("装备"), default=list, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    scope_unit_fields = ("profile__school",)

    class Meta:
        ordering = ["profile_id", "name"]
        verbose_name = _("保安员")
        verbose_name_plural = _("保安员")

    def __str__(self) -> str:
        return f"{self.name}（{self.profile}）"
