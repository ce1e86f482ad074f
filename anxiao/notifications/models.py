"""Reminders and notices: the outbox the worker sends, the in-app inbox, and group-robot webhooks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxiao.core.models import AnxiaoModel


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("群机器人")
    # A self-service password reset: the row names the account (none when the login matched nobody, so the request
    # does the same work either way); the link or code is made by the worker when it sends (accounts.apps).
    RESET_EMAIL = "reset_mail", _("重设密码邮件")
    RESET_SMS = "reset_sms", _("重设密码短信")


class WebhookKind(models.TextChoices):
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")


class WebhookEndpoint(AnxiaoModel):
    """A DingTalk or WeCom group robot that receives a bureau's escalations."""

    bureau = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="webhooks",
                               verbose_name=_("教育局"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=WebhookKind.choices)
    url = models.URLField(_("地址"), max_length=500)
    # DingTalk's 加签: the robot's secret (SEC…); each message then carries timestamp and an HMAC-SHA256 sign.
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)

    scope_unit_fields = ("bureau",)
    audit_exclude = ("created_at", "updated_at", "url", "secret")  # the URL's token and the secret are passwords

    class Meta:
        ordering = ["bureau_id", "name"]
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return self.name


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Outbox(models.Model):
    """One message to deliver once, on one channel. The worker claims rows; see ``actions.claim``."""

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("接收人"))
    email = models.EmailField(_("邮箱"), blank=True)
    webhook = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="messages", verbose_name=_("群机器人"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Makes enqueueing idempotent: the same reminder for the same slot and recipient is queued once.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.title}"


class Notification(models.Model):
    """站内通知: what the bell counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("接收人"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class WorkerHeartbeat(models.Model):
    """One row per worker process, updated before each job and each delivery round (/readyz reads it)."""

    worker = models.CharField(_("进程"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"), db_index=True)
    job = models.CharField(_("当前任务"), max_length=100, blank=True)
    failures = models.PositiveIntegerField(_("失败任务数"), default=0)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")

    def __str__(self) -> str:
        return self.worker


class DailyRun(models.Model):
    """A job that runs once a day whatever the number of workers: the first to claim (name, day) runs it."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    worker = models.CharField(max_length=100)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="daily_run_once")]
        verbose_name = _("每日任务")
        verbose_name_plural = _("每日任务")

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
