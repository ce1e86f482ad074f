"""The hazard ledger (隐患排查整治台账): hazards, every transition as an event, extensions, 督办."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import Scope, units_in_scope
from anxiao.core.files import StoredFileBase
from anxiao.core.models import AnxiaoModel, VoidableModel


class Category(models.TextChoices):
    """The 13 categories of the checklist library (rules.md §4); codes match ChecklistItem.category."""

    GL = "GL", _("安全管理基础")
    XF = "XF", _("消防安全")
    XS = "XS", _("校舍及设施设备")
    SP = "SP", _("食品卫生与公共卫生")
    SY = "SY", _("实验室与危化品")
    JT = "JT", _("交通与校车")
    NS = "NS", _("防溺水")
    AB = "AB", _("校园安保与技防物防")
    WL = "WL", _("网络与信息安全")
    ZB = "ZB", _("周边环境")
    SS = "SS", _("学生宿舍")
    HD = "HD", _("大型活动与集体外出")
    XL = "XL", _("心理健康、欺凌与学生保护")


class Source(models.TextChoices):
    INSPECTION = "inspection", _("检查排查")
    PATROL = "patrol", _("日常巡查")
    STAFF_REPORT = "staff_report", _("教职工报告")
    SUPERVISION = "supervision", _("上级督查")
    PUBLIC = "public", _("群众举报")


class Grade(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class RiskColour(models.TextChoices):
    RED = "red", _("红（重大风险）")
    ORANGE = "orange", _("橙（较大风险）")
    YELLOW = "yellow", _("黄（一般风险）")
    BLUE = "blue", _("蓝（低风险）")


class Status(models.TextChoices):
    REPORTED = "reported", _("已上报")
    REGISTERED = "registered", _("已登记")
    GRADED = "graded", _("已定级")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
    ACCEPTED = "accepted", _("验收通过")
    CLOSED = "closed", _("已销号")
    VOID = "void", _("已作废")


OPEN_STATUSES = (Status.REPORTED, Status.REGISTERED, Status.GRADED, Status.RECTIFYING, Status.AWAITING_ACCEPTANCE)
# These carry a rectification deadline (extensions apply); only the first two can run late: once
# rectified, waiting for acceptance is not the school's delay.
DEADLINE_STATUSES = (Status.GRADED, Status.RECTIFYING, Status.AWAITING_ACCEPTANCE)
OVERDUE_STATUSES = (Status.GRADED, Status.RECTIFYING)


class UpwardReason(models.TextChoices):
    FUNDS = "funds", _("资金不足")
    OUTSIDE_CAMPUS = "outside_campus", _("校园外部因素")
    OTHER = "other", _("其他需上级协调")


def overdue_q(today: datetime.date) -> Q:
    return Q(status__in=OVERDUE_STATUSES, deadline__lt=today)


class Hazard(VoidableModel):
    """隐患: one hazard of one unit, from discovery to 销号."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="hazards", verbose_name=_("单位"))
    location = models.CharField(_("隐患部位"), max_length=120)
    category = models.CharField(_("隐患类别"), max_length=4, choices=Category.choices)
    description = models.TextField(_("隐患描述"))
    source = models.CharField(_("排查方式"), max_length=16, choices=Source.choices, default=Source.INSPECTION)
    finder = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="hazards_found", verbose_name=_("发现人"))
    finder_name = models.CharField(_("发现人"), max_length=50, blank=True)
    found_at = models.DateTimeField(_("发现时间"), db_index=True)
    grade = models.CharField(_("隐患等级"), max_length=8, choices=Grade.choices, default=Grade.GENERAL)
    grade_basis = models.CharField(_("判定依据"), max_length=300, blank=True)
    risk_score = models.DecimalField(_("风险分值"), max_digits=8, decimal_places=1, null=True, blank=True)
    risk_colour = models.CharField(_("风险等级"), max_length=8, choices=RiskColour.choices, blank=True)
    item_code = models.CharField(_("检查项编码"), max_length=20, blank=True)
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="hazards", verbose_name=_("来源检查"))
    item_result = models.OneToOneField("inspections.ItemResult", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="hazard", verbose_name=_("来源检查结果"))
    # 双重预防: the risk (of the risk register) this hazard comes from, when known.
    risk = models.ForeignKey("risks.Risk", null=True, blank=True, on_delete=models.PROTECT, related_name="hazards",
                             verbose_name=_("关联风险"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    # 五落实: measures, responsibility, funds, deadline, contingency plan (+ temporary protection for major).
    measures = models.TextField(_("整改措施"), blank=True)
    responsible = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="hazards_responsible", verbose_name=_("整改责任人"))
    responsible_department = models.CharField(_("整改责任部门"), max_length=80, blank=True)
    funds = models.DecimalField(_("整改资金（万元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    funds_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    contingency_plan = models.TextField(_("应急预案"), blank=True)
    temporary_measures = models.TextField(_("临时防范措施"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("整改提交人"))
    rejection_count = models.PositiveSmallIntegerField(_("验收不通过次数"), default=0)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("验收人"))
    acceptance_note = models.TextField(_("验收结论"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # A school that cannot fix the hazard itself reports it upward (23号令).
    reported_up_at = models.DateTimeField(_("上报上级时间"), null=True, blank=True, db_index=True)
    upward_reason = models.CharField(_("需上级协调原因"), max_length=16, choices=UpwardReason.choices, blank=True)
    upward_note = models.TextField(_("需上级协调解决事项"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("逾期督促级别"), default=0)
    escalated_at = models.DateTimeField(_("最近督促时间"), null=True, blank=True)
    under_supervision = models.BooleanField(_("督办中"), default=False)
    listed = models.BooleanField(_("挂牌督办中"), default=False)
    void_requested_at = models.DateTimeField(_("申请作废时间"), null=True, blank=True)
    void_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("申请作废人"))
    void_request_reason = models.TextField(_("申请作废理由"), blank=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["deadline"]),
            # The overdue list (oldest deadline first): only the hazards that can run late, so it does not walk
            # the closed hazards that own nearly every old deadline (figures.overdue_list).
            models.Index(fields=["deadline", "id"], condition=Q(status__in=OVERDUE_STATUSES),
                         name="hazard_overdue_by_deadline"),
            # The same list for a small scope (a county of a province): its units' hazards that can run late,
            # then the few oldest sorted, rather than walking the whole province's deadlines for its 1 %.
            models.Index(fields=["unit", "deadline"], condition=Q(status__in=OVERDUE_STATUSES),
                         name="hazard_overdue_by_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.location} {self.description[:30]}"

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        """The hazards of the units in scope. Same rule as ``scope_unit_fields = ("unit",)``, written with
        ``units_in_scope`` (an id list) so PostgreSQL plans the ledger right."""
        return Q(unit__in=units_in_scope(scope))

    @property
    def number(self) -> str:
        """隐患编号: stable across months (year found + id)."""
        year = self.found_at.year if self.found_at else ""
        return f"YH{year}-{self.pk or 0:06d}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.status in OVERDUE_STATUSES and self.deadline is not None and self.deadline < today

    @property
    def is_closed(self) -> bool:
        return self.status in (Status.CLOSED, Status.VOID)


class HazardEvent(AnxiaoModel):
    """One transition (or escalation, extension, 督办 step) of one hazard: who, when, what."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events", verbose_name=_("隐患"))
    action = models.CharField(_("操作"), max_length=30)
    label = models.CharField(_("操作名称"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    scope_unit_fields = ("hazard__unit",)

    class Meta:
        ordering = ["hazard_id", "at", "id"]
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.label}"

    @property
    def to_status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else self.to_status


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")
    DOCUMENT = "document", _("附件")


class HazardPhoto(StoredFileBase):
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="photos", verbose_name=_("隐患"))
    event = models.ForeignKey(HazardEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="photos",
                              verbose_name=_("处理记录"))
    stage = models.CharField(_("类型"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.BEFORE)

    scope_unit_fields = ("hazard__unit",)

    class Meta:
        ordering = ["hazard_id", "id"]
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")


class Extension(AnxiaoModel):
    """延期申请, decided by the level above the hazard's unit."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("隐患"))
    old_deadline = models.DateField(_("原整改时限"), null=True, blank=True)
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("申请人"))
    status = models.CharField(_("状态"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    scope_unit_fields = ("hazard__unit",)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=Q(status="pending"),
                                               name="one_pending_extension_per_hazard")]

    def __str__(self) -> str:
        return f"{self.hazard.number} 延至 {self.new_deadline}（{self.get_status_display()}）"


class SupervisionKind(models.TextChoices):
    ORDER = "order", _("督办")
    LISTED = "listed", _("挂牌督办")


class SupervisionOrder(AnxiaoModel):
    """督办 / 挂牌督办 of a major hazard by the level above, with delivery and receipt."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="supervision_orders",
                               verbose_name=_("隐患"))
    kind = models.CharField(_("类型"), max_length=8, choices=SupervisionKind.choices, default=SupervisionKind.ORDER)
    issuing_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="supervision_orders_issued",
                                     verbose_name=_("督办单位"))
    document_number = models.CharField(_("文号"), max_length=60)
    issued_on = models.DateField(_("督办日期"))
    deadline = models.DateField(_("督办期限"))
    requirements = models.TextField(_("督办要求"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("签发人"))
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("签收人"))
    lifted_at = models.DateTimeField(_("摘牌/解除时间"), null=True, blank=True)

    scope_unit_fields = ("hazard__unit", "issuing_unit")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number}"

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return scope.unit_q("issuing_unit__") if write else super().scope_q(scope, write)
