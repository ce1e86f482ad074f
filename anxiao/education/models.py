"""Safety education and training (安全教育与培训): the detail behind obligations Activities.

Every record is counted through ``obligations.actions.record_activity`` (so it satisfies the quotas of
rules.md §1F); this app keeps what the quota does not: the class and the outline module of a lesson, the
safety content of a parent meeting, who gave a lecture or the legal class, attendance of a staff training,
the guards and days of a guard training, and which national safety day an activity marked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel, VoidableModel
from anxiao.obligations.models import ActivityKind


class Module(models.TextChoices):
    """The six modules of 《中小学公共安全教育指导纲要》 (rules.md §3.3), in the outline's order."""

    SOCIAL = "social_safety", _("预防和应对社会安全类事故或事件")
    PUBLIC_HEALTH = "public_health", _("预防和应对公共卫生事故")
    ACCIDENTS = "accidents", _("预防和应对意外伤害事故")
    NETWORK = "network_information", _("预防和应对网络、信息安全事故")
    NATURAL = "natural_disasters", _("预防和应对自然灾害")
    OTHER = "other_events", _("预防和应对影响学生安全的其他事故或事件")


# Column headings of the coverage table (a phone has no room for the full titles).
MODULE_SHORT = {
    Module.SOCIAL: "社会安全", Module.PUBLIC_HEALTH: "公共卫生", Module.ACCIDENTS: "意外伤害",
    Module.NETWORK: "网络信息安全", Module.NATURAL: "自然灾害", Module.OTHER: "其他事件",
}

EDUCATION_KINDS = (
    ActivityKind.SAFETY_LESSON, ActivityKind.PARENT_MEETING, ActivityKind.LECTURE, ActivityKind.STAFF_TRAINING,
    ActivityKind.GUARD_TRAINING, ActivityKind.LEGAL_EDUCATION, ActivityKind.SAFETY_DAY_EDUCATION,
)
EDUCATION_KIND_CHOICES = [(k.value, k.label) for k in EDUCATION_KINDS]


class EducationRecord(VoidableModel):
    """One education or training event at a school; ``links`` are the Activities it was counted as."""

    kind = models.CharField(_("类型"), max_length=30, choices=EDUCATION_KIND_CHOICES)
    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="education_records",
                               verbose_name=_("学校"))
    occurred_on = models.DateField(_("日期"))
    # Guard training: consecutive days from occurred_on; one Activity per day (the quota counts days).
    days = models.PositiveSmallIntegerField(_("天数"), default=1)
    topic = models.CharField(_("主题"), max_length=200)
    class_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("班级"))
    module = models.CharField(_("纲要模块"), max_length=30, choices=Module.choices, blank=True)
    safety_content = models.TextField(_("安全教育内容"), blank=True)
    speaker_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("授课人岗位"))
    speaker_name = models.CharField(_("授课人"), max_length=50, blank=True)
    speaker_role = models.CharField(_("授课人身份"), max_length=100, blank=True)
    safety_day = models.CharField(_("安全教育节点"), max_length=40, blank=True)
    participant_count = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    notes = models.TextField(_("记录"), blank=True)
    guards = models.ManyToManyField("staffing.Guard", blank=True, related_name="training_records",
                                    verbose_name=_("参训保安员"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("录入人"))

    scope_unit_fields = ("school",)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("安全教育记录")
        verbose_name_plural = _("安全教育记录")
        indexes = [models.Index(fields=["school", "kind", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="education_days_positive",
                                   violation_error_message=_("天数必须大于 0")),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.topic}"

    @property
    def last_day(self):  # type: ignore[no-untyped-def]
        import datetime

        return self.occurred_on + datetime.timedelta(days=self.days - 1)


class RecordActivity(models.Model):
    """The Activity one day of a record was counted as (one per record except for multi-day guard training)."""

    record = models.ForeignKey(EducationRecord, on_delete=models.CASCADE, related_name="links")
    activity = models.OneToOneField("obligations.Activity", on_delete=models.PROTECT, related_name="education_link")
    day = models.DateField()

    class Meta:
        ordering = ["day"]
        indexes = [models.Index(fields=["day"])]


class Attendance(AnxiaoModel):
    """签到: whether one of the school's people was at a staff training."""

    record = models.ForeignKey(EducationRecord, on_delete=models.CASCADE, related_name="attendance",
                               verbose_name=_("培训"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    present = models.BooleanField(_("出席"), default=True)

    scope_unit_fields = ("record__school",)
    audited = False  # written with the record, which is audited

    class Meta:
        ordering = ["record_id", "-present", "person_id"]
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [models.UniqueConstraint(fields=["record", "person"], name="education_attendance_once")]

    def __str__(self) -> str:
        return f"{self.person} {'出席' if self.present else '缺席'}"
