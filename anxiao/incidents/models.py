"""Incidents (事故/突发事件) with reporting clocks, follow-up reports and actions, and emergency teams."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel, VoidableModel

from .grading import Level


class Category(models.TextChoices):
    NATURAL_DISASTER = "natural_disaster", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    SOCIAL_SECURITY = "social_security", _("社会安全事件")
    NETWORK = "network", _("网络与信息安全")
    EXAMINATION = "examination", _("考试安全")
    PUBLIC_OPINION = "public_opinion", _("教育舆情")


# Second-level kinds (教育部 2007 统计口径, rules.md §3.5), keyed by the first level.
SUBCATEGORIES: dict[str, list[tuple[str, str]]] = {
    Category.ACCIDENT: [("drowning", "溺水"), ("traffic", "交通事故"), ("crowd_crush", "拥挤踩踏"),
                        ("co_poisoning", "一氧化碳中毒"), ("building_collapse", "房屋倒塌"), ("fire", "火灾"),
                        ("accidental_injury", "意外伤害")],
    Category.SOCIAL_SECURITY: [("fight", "斗殴"), ("campus_violence", "校园伤害"), ("bullying", "欺凌"),
                               ("suicide", "自杀自伤"), ("intrusion", "不法侵害")],
    Category.NATURAL_DISASTER: [("flood", "洪水"), ("earthquake", "地震"), ("storm", "暴雨"), ("hail", "冰雹"),
                                ("landslide", "塌方"), ("tornado", "龙卷风")],
    Category.PUBLIC_HEALTH: [("food_poisoning", "食物中毒"), ("infectious_disease", "传染病")],
    Category.NETWORK: [("data_leak", "数据泄露"), ("attack", "网络攻击")],
    Category.EXAMINATION: [("paper_leak", "试题泄露"), ("exam_order", "考场秩序")],
    Category.PUBLIC_OPINION: [("online_opinion", "网络舆情")],
}
SUBCATEGORY_LABELS = {code: label for items in SUBCATEGORIES.values() for code, label in items}


class ReportingRule(AnxiaoModel):
    """A bureau's reporting deadlines; seed 001 七(十): phone within 30 minutes, written within 2 hours."""

    bureau = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="incident_rule",
                                  verbose_name=_("教育局"))
    phone_minutes = models.PositiveIntegerField(_("电话报告时限（分钟）"), default=30, validators=[MinValueValidator(1)])
    written_minutes = models.PositiveIntegerField(_("书面报告时限（分钟）"), default=120, validators=[MinValueValidator(1)])
    remind_before_minutes = models.PositiveIntegerField(_("提前提醒（分钟）"), default=10)
    source = models.CharField(_("依据"), max_length=120, default="seed 001 七(十)：30分钟内电话口头报告，2小时内简要书面报告")

    scope_unit_fields = ("bureau",)

    class Meta:
        verbose_name = _("事故报告时限")

    def __str__(self) -> str:
        return f"{self.bureau}：电话 {self.phone_minutes} 分钟，书面 {self.written_minutes} 分钟"


class TeamKind(models.TextChoices):
    # seed 001 七(三): the emergency leading group's seven teams
    COMMAND = "command", _("指挥组")
    SECURITY = "security", _("保卫组")
    ONSITE = "onsite", _("现场处置组")
    RESCUE = "rescue", _("现场救护组")
    COMMUNICATION = "communication", _("通讯联络组")
    LOGISTICS = "logistics", _("后勤保障组")
    INVESTIGATION = "investigation", _("事故调查组")


class EmergencyTeam(AnxiaoModel):
    """One of a school's seven emergency teams under its 应急领导小组."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="emergency_teams",
                             verbose_name=_("学校"))
    kind = models.CharField(_("小组"), max_length=20, choices=TeamKind.choices)
    leader = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("组长"))
    members = models.ManyToManyField("org.Post", blank=True, related_name="emergency_teams", verbose_name=_("成员"))
    duties = models.TextField(_("职责"), blank=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["unit_id", "kind"]
        verbose_name = _("应急小组")
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="one_team_kind_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class Status(models.TextChoices):
    OPEN = "open", _("处置中")
    CLOSED = "closed", _("已结案")


class Incident(VoidableModel):
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="incidents", verbose_name=_("单位"))
    title = models.CharField(_("事件名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    subcategory = models.CharField(_("细类"), max_length=30, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    learned_at = models.DateTimeField(_("学校获知时间"))
    place = models.CharField(_("地点"), max_length=200)
    people_involved = models.TextField(_("涉及人员"), blank=True)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    initial_measures = models.TextField(_("已采取措施"), blank=True)
    plan_activated = models.CharField(_("启动的预案"), max_length=200, blank=True)
    teams_activated = models.ManyToManyField(EmergencyTeam, blank=True, related_name="incidents",
                                             verbose_name=_("启动的应急小组"))
    level = models.CharField(_("事故等级"), max_length=20, choices=Level.choices, default=Level.GENERAL)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    # The two clocks, fixed when the incident is recorded (from the bureau's rule at that time).
    phone_due_at = models.DateTimeField(_("电话报告截止"), db_index=True)
    written_due_at = models.DateTimeField(_("书面报告截止"), db_index=True)
    phone_reported_at = models.DateTimeField(_("电话报告时间"), null=True, blank=True)
    written_reported_at = models.DateTimeField(_("书面报告时间"), null=True, blank=True)
    remind_before_minutes = models.PositiveIntegerField(default=10)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["-learned_at"]
        verbose_name = _("事故/突发事件")
        verbose_name_plural = _("事故/突发事件")
        constraints = [
            models.CheckConstraint(condition=models.Q(learned_at__gte=models.F("occurred_at")),
                                   name="incident_learned_after_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.learned_at:%Y-%m-%d} {self.unit} {self.title}"

    @property
    def subcategory_label(self) -> str:
        return SUBCATEGORY_LABELS.get(self.subcategory, self.subcategory)

    def clock(self, kind: str, now: datetime.datetime | None = None) -> dict[str, Any]:
        """State of one reporting clock: pending / on_time / late / overdue, with seconds left."""
        now = now or timezone.now()
        due = self.phone_due_at if kind == "phone" else self.written_due_at
        done = self.phone_reported_at if kind == "phone" else self.written_reported_at
        if done is not None:
            state = "on_time" if done <= due else "late"
        else:
            state = "pending" if now <= due else "overdue"
        return {"kind": kind, "due": due, "done": done, "state": state,
                "seconds_left": int((due - now).total_seconds()) if done is None else None}

    @property
    def reported_late(self) -> bool:
        return any(self.clock(k)["state"] in ("late", "overdue") for k in ("phone", "written"))


class ReportKind(models.TextChoices):
    PHONE = "phone", _("电话口头报告")
    WRITTEN = "written", _("简要书面报告")
    FOLLOW_UP = "follow_up", _("续报")
    FINAL = "final", _("终报")


class IncidentReport(AnxiaoModel):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports", verbose_name=_("事件"))
    kind = models.CharField(_("报告类型"), max_length=10, choices=ReportKind.choices)
    made_at = models.DateTimeField(_("报告时间"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("报告人"))
    recipient = models.CharField(_("报告对象"), max_length=100, default="县教育局安全办")
    content = models.TextField(_("报告内容"), blank=True)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    serious_injuries = models.PositiveIntegerField(_("重伤人数"), default=0)
    minor_injuries = models.PositiveIntegerField(_("轻伤人数"), default=0)
    missing = models.PositiveIntegerField(_("失踪人数"), default=0)
    direct_loss = models.DecimalField(_("直接经济损失（元）"), max_digits=14, decimal_places=2, default=Decimal("0"))
    late = models.BooleanField(_("迟报"), default=False)

    scope_unit_fields = ("incident__unit",)

    class Meta:
        ordering = ["made_at", "id"]
        verbose_name = _("事件报告")

    def __str__(self) -> str:
        return f"{self.incident.title} {self.get_kind_display()} {self.made_at:%m-%d %H:%M}"


class FollowUpAction(AnxiaoModel):
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions", verbose_name=_("事件"))
    description = models.CharField(_("后续措施"), max_length=300)
    responsible = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("负责人"))
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)

    scope_unit_fields = ("incident__unit",)

    class Meta:
        ordering = ["incident_id", "id"]
        verbose_name = _("后续措施")

    def __str__(self) -> str:
        return self.description


class IncidentEvent(models.Model):
    """What happened to an incident: recorded, reported, reminded, escalated, figures changed, closed."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(max_length=30)
    note = models.TextField(blank=True)
    # For reminders/escalations: one row per clock and stage, so the sweep never repeats itself.
    dedupe_key = models.CharField(max_length=60, null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "dedupe_key"], name="incident_event_once")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
