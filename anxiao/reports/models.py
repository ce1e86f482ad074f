"""Monthly hazard ledger report (《学校安全隐患排查整治台账》月报表, due by the 28th, seed 000 六.8).

A report is drafted from live data; the deputy prepares it, the principal approves and submits it; the
submitted content is frozen in ``snapshot``. A correction or a returned report is a new version.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import Scope
from anxiao.core.files import StoredFileBase
from anxiao.core.models import AnxiaoModel


class LedgerStatus(models.TextChoices):
    PREPARED = "prepared", _("待校长审核")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    SUPERSEDED = "superseded", _("已被新版本替代")


class Submission(AnxiaoModel):
    """What a school prepares, its principal submits and the bureau may return (monthly ledger, quarterly summary)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("学校"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=LedgerStatus.choices, default=LedgerStatus.PREPARED,
                              db_index=True)
    remarks = models.TextField(_("学校说明"), blank=True)
    correction_reason = models.TextField(_("更正原因"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("填报人"))
    prepared_at = models.DateTimeField(_("填报时间"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("审核人（校长）"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    due_on = models.DateField(_("报送期限"))
    late = models.BooleanField(_("迟报"), default=False)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("退回人"))
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    snapshot = models.JSONField(_("报表内容"), default=dict)

    scope_unit_fields = ("unit",)
    period_field = ""  # "month" or "quarter"

    class Meta:
        abstract = True

    @property
    def frozen(self) -> bool:
        return self.status in (LedgerStatus.SUBMITTED, LedgerStatus.SUPERSEDED)

    @property
    def period_value(self) -> Any:
        return getattr(self, self.period_field)


class MonthlyLedger(Submission):
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="monthly_ledgers",
                             verbose_name=_("学校"))
    month = models.DateField(_("报告月份"), help_text=_("该月 1 日"))

    period_field = "month"

    class Meta:
        ordering = ["-month", "unit_id", "-version"]
        verbose_name = _("台账月报")
        verbose_name_plural = _("台账月报")
        constraints = [models.UniqueConstraint(fields=["unit", "month", "version"], name="ledger_version_once")]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y年%m月} 台账月报（第{self.version}版）"


class QuarterlySummary(Submission):
    """季度总结, due by the 28th of the quarter's last month (seed 000 六.8)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="quarterly_summaries",
                             verbose_name=_("学校"))
    quarter = models.DateField(_("季度"), help_text=_("季度第一天"))
    problems = models.TextField(_("典型问题"), blank=True)
    next_plan = models.TextField(_("下季度计划"), blank=True)

    period_field = "quarter"

    class Meta:
        ordering = ["-quarter", "unit_id", "-version"]
        verbose_name = _("季度总结")
        verbose_name_plural = _("季度总结")
        constraints = [models.UniqueConstraint(fields=["unit", "quarter", "version"], name="summary_version_once")]

    def __str__(self) -> str:
        return f"{self.unit} {self.quarter.year}年第{(self.quarter.month - 1) // 3 + 1}季度安全工作总结（第{self.version}版）"


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    BULLETIN = "bulletin", _("通报")


class Notice(AnxiaoModel):
    """A bureau's notice or bulletin to a selection of units; each recipient unit confirms reading."""

    issuer = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="notices_issued",
                               verbose_name=_("发文单位"))
    kind = models.CharField(_("类型"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=150)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送范围"), max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("发布人"))
    issued_at = models.DateTimeField(_("发布时间"))
    # The Word template (version) current when it was issued, as for letters; empty = the built-in template.
    template = models.ForeignKey("documents.DocumentTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("公文模板"))

    scope_unit_fields = ("issuer",)

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        """The issuing bureau sees and changes it; the recipient units see it."""
        return _issued_or_received(scope, write, "")

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("通知通报")
        verbose_name_plural = _("通知通报")

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(AnxiaoModel):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("通知"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="notices_received",
                             verbose_name=_("接收单位"))
    read_at = models.DateTimeField(_("确认阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("确认人"))

    scope_unit_fields = ("unit", "notice__issuer")

    class Meta:
        ordering = ["notice_id", "unit_id"]
        verbose_name = _("通知接收")
        constraints = [models.UniqueConstraint(fields=["notice", "unit"], name="notice_recipient_once")]

    def __str__(self) -> str:
        return f"{self.notice} → {self.unit}"


def _issued_or_received(scope: Scope, write: bool, prefix: str) -> Q:
    issued = scope.unit_q(f"{prefix}issuer__")
    if write:
        return issued
    received = NoticeRecipient.objects.filter(scope.unit_q("unit__")).values("notice_id")
    return issued | Q(**{f"{prefix.removesuffix('__') or 'pk'}__in": received})


class NoticeAttachment(StoredFileBase):
    """A file attached to a notice: downloaded only by the issuing bureau's users and the recipient units."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("通知"))

    scope_unit_fields = ("notice__issuer",)

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return _issued_or_received(scope, write, "notice__")

    class Meta:
        ordering = ["notice_id", "id"]
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")


class Tally(models.Model):
    """Dashboard figures pre-counted per town (the schools' region path) for scopes too large to count on
    every page view (a city, a province); rebuilt by the worker (``dashboard.refresh_tallies``)."""

    region_path = models.CharField(max_length=255, db_index=True)
    figure = models.CharField(max_length=20)
    key = models.CharField(max_length=200, blank=True)
    n = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    day = models.DateField()
    computed_at = models.DateTimeField(db_index=True)  # MAX(computed_at) on every tally read: no scan

    class Meta:
        verbose_name = _("看板汇总")
        verbose_name_plural = _("看板汇总")

    def __str__(self) -> str:
        return f"{self.region_path} {self.figure} {self.key}: {self.n}"
