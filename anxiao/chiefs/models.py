"""The three-level 安全总校(园)长制 (seed 004): member agencies, chiefs' meetings, tasks routed to the
agencies, and school-gate duty (护学岗). Chief posts themselves are org Posts (kinds chief_*) in
government Units; this app adds what the chain of responsibility does with them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import Scope
from anxiao.core.choices import PostKind
from anxiao.core.models import AnxiaoModel, VoidableModel

CHIEF_KINDS = (PostKind.CHIEF_DISTRICT, PostKind.CHIEF_TOWN, PostKind.CHIEF_VILLAGE)
AGENCY_POST_KINDS = (PostKind.AGENCY_MEMBER, PostKind.AGENCY_LIAISON)


class MemberAgency(AnxiaoModel):
    """成员单位: a member_agency Unit in the district's chief-meeting system, with its duty list."""

    unit = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="member_agency",
                                verbose_name=_("单位"))
    district = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="member_agencies",
                                 verbose_name=_("所属区级政府"))
    # Key of the duty list in the s004 pack, e.g. "s004.agency.police".
    duty_list = models.CharField(_("职责清单"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_unit_fields = ("unit", "district")

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        q = super().scope_q(scope, write)
        if write:
            return q
        # The district's agencies are a directory for every town and village in it: whoever sees a region
        # below the district sees who the agencies are and what they must do.
        for path in scope.region_paths:
            parts = [p for p in path.strip("/").split("/") if p]
            ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
            if ancestors:
                q |= Q(district__region_path__in=ancestors)
        return q

    class Meta:
        ordering = ["district_id", "order", "id"]
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")

    def __str__(self) -> str:
        return self.unit.name


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("全体成员单位会议")
    TOPIC = "topic", _("专题会议")
    TOWN_MONTHLY = "town_monthly", _("镇级总校(园)长例会")


class ChiefMeeting(VoidableModel):
    """总校(园)长会议: minutes, attendance and decisions."""

    government = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="chief_meetings",
                                   verbose_name=_("召开政府"))
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    title = models.CharField(_("会议主题"), max_length=200)
    chair = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("主持人"))
    minutes = models.TextField(_("会议纪要"), blank=True)
    decisions = models.TextField(_("议定事项"), blank=True, help_text=_("每行一项"))
    agencies = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("参会成员单位"))
    attendees = models.ManyToManyField("org.Person", blank=True, related_name="+", verbose_name=_("参会人员"))
    # The obligations app's Activity this meeting was recorded as (plain id: no hard dependency).
    activity_id = models.BigIntegerField(null=True, blank=True, editable=False)

    scope_unit_fields = ("government",)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("总校(园)长会议")
        verbose_name_plural = _("总校(园)长会议")
        indexes = [models.Index(fields=["government", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class TaskSource(models.TextChoices):
    MEETING = "meeting", _("会议议定事项")
    HAZARD = "hazard", _("校园周边隐患")
    SCHOOL_REQUEST = "school_request", _("学校请求协调")
    OTHER = "other", _("其他")


class OffCampusHazard(models.TextChoices):
    TRAFFIC = "traffic", _("校门口交通秩序")
    POND = "pond", _("危险水域（坑塘）")
    STALLS = "stalls", _("无证摊贩")
    INTERNET_CAFE = "internet_cafe", _("学校周边200米内网吧")
    OTHER = "other", _("其他周边隐患")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    ACCEPTED = "accepted", _("已签收")
    DONE = "done", _("已办结待核验")
    VERIFIED = "verified", _("已核验")
    RETURNED = "returned", _("已退回")


# Still with the agency: these can run late and escalate.
WORKING = (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.RETURNED)
OPEN = (*WORKING, TaskStatus.DONE)


class AgencyTask(AnxiaoModel):
    """成员单位任务: routed by a chief (or the chief's office) to a member agency, with a deadline."""

    government = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="routed_tasks",
                                   verbose_name=_("交办政府"))
    agency = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="agency_tasks",
                               verbose_name=_("承办成员单位"))
    school = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="chief_tasks", verbose_name=_("涉及学校"))
    source = models.CharField(_("任务来源"), max_length=20, choices=TaskSource.choices, default=TaskSource.OTHER)
    meeting = models.ForeignKey(ChiefMeeting, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="tasks", verbose_name=_("来源会议"))
    hazard_kind = models.CharField(_("周边隐患类型"), max_length=20, choices=OffCampusHazard.choices, blank=True)
    # The hazards app's Hazard this task came from (plain id, so the two apps migrate independently).
    hazard_id = models.BigIntegerField(_("来源隐患"), null=True, blank=True, db_index=True, editable=False)
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("具体要求"), blank=True)
    deadline = models.DateField(_("完成期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    evidence = models.TextField(_("办结情况"), blank=True)
    evidence_note = models.TextField(_("佐证说明"), blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("逾期提请督办时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("交办人"))

    scope_unit_fields = ("government", "agency", "school")

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("成员单位任务")
        verbose_name_plural = _("成员单位任务")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        # A school sees what was asked about it; only the government and the agency sides change a task.
        if write:
            return scope.unit_q("government__") | scope.unit_q("agency__")
        return super().scope_q(scope, write)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status in WORKING and self.deadline < (today or timezone.localdate())


class TaskEvent(AnxiaoModel):
    """One step of a task: created, accepted, done, verified, returned, escalated."""

    task = models.ForeignKey(AgencyTask, on_delete=models.PROTECT, related_name="events", verbose_name=_("任务"))
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    actor_repr = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_unit_fields = ("task__government", "task__agency", "task__school")

    ACTION_LABELS = {"created": "交办", "accepted": "签收", "done": "办结", "verified": "核验通过",
                     "returned": "退回", "escalated": "逾期提请总校(园)长督办"}

    class Meta:
        ordering = ["task_id", "created_at", "id"]
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")

    def __str__(self) -> str:
        return f"{self.task_id} {self.action_label}"

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)


def _task_upload_to(instance: Any, filename: str) -> str:
    return f"chief_tasks/{instance.task_id}/{filename}"


class TaskAttachment(AnxiaoModel):
    task = models.ForeignKey(AgencyTask, on_delete=models.PROTECT, related_name="attachments",
                             verbose_name=_("任务"))
    file = models.FileField(_("附件"), upload_to=_task_upload_to)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)

    scope_unit_fields = ("task__government", "task__agency", "task__school")

    class Meta:
        verbose_name = _("任务附件")
        verbose_name_plural = _("任务附件")

    def __str__(self) -> str:
        return self.name


class DutyRole(models.TextChoices):
    POLICE = "police", _("民警/辅警")
    VILLAGE = "village", _("村（社区）工作人员")
    SCHOOL = "school", _("学校教职工/保安")
    VOLUNTEER = "volunteer", _("志愿者/家长")


WEEKDAYS = [(0, "周一"), (1, "周二"), (2, "周三"), (3, "周四"), (4, "周五"), (5, "周六"), (6, "周日")]


class GateDuty(AnxiaoModel):
    """护学岗/高峰勤务: one person at one school's gate in one weekly slot."""

    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="gate_duties",
                               verbose_name=_("学校"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="gate_duties",
                               verbose_name=_("值守人员"))
    role = models.CharField(_("身份"), max_length=20, choices=DutyRole.choices, default=DutyRole.POLICE)
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    place = models.CharField(_("岗位地点"), max_length=100, blank=True, default="校门口")
    is_active = models.BooleanField(_("在用"), default=True)

    scope_unit_fields = ("school", "person__unit")

    class Meta:
        ordering = ["school_id", "weekday", "starts_at"]
        verbose_name = _("护学岗排班")
        verbose_name_plural = _("护学岗排班")
        indexes = [models.Index(fields=["school", "weekday"])]

    def __str__(self) -> str:
        return f"{self.school.name} {self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M} {self.person.name}"


class GateCheckIn(AnxiaoModel):
    duty = models.ForeignKey(GateDuty, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("排班"))
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("签到人"))
    at = models.DateTimeField(_("签到时间"))
    on = models.DateField(_("日期"), db_index=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_unit_fields = ("duty__school", "duty__person__unit")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("护学岗签到")
        verbose_name_plural = _("护学岗签到")
        constraints = [models.UniqueConstraint(fields=["duty", "on"], name="gate_checkin_once_a_day")]

    def __str__(self) -> str:
        return f"{self.person} {self.at:%Y-%m-%d %H:%M}"
