"""Accounts tied to people, scoped grants, API tokens and failed log-ins."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import NOTHING, Scope
from anxiao.core.choices import Role
from anxiao.core.models import AnxiaoModel


class User(AbstractUser):
    person = models.OneToOneField(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="account",
        verbose_name=_("人员"),
    )
    language = models.CharField(_("界面语言"), max_length=10, default="zh-hans", choices=[("zh-hans", "简体中文"), ("en", "English")])
    # Set when an administrator resets the password: every page leads to the password form until it is changed.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def get_full_name(self) -> str:
        if self.person_id and self.person:
            return self.person.name
        return super().get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name()


class Grant(AnxiaoModel):
    """A role over a region subtree or a unit subtree (system admins need neither)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grants", verbose_name=_("账号"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "org.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="grants", verbose_name=_("区划范围")
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="grants", verbose_name=_("单位范围")
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("授权人")
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="system_admin") | Q(region__isnull=False) | Q(unit__isnull=False),
                name="grant_has_scope",
                violation_error_message=_("请选择授权范围（区划或单位）"),
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(unit__isnull=True),
                name="grant_one_scope",
                violation_error_message=_("授权范围只能是区划或单位之一"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.region or self.unit or ''}"

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        q = scope.unit_q("unit__")
        for path in scope.region_paths:
            q |= Q(region__path__startswith=path)
        return q if q != NOTHING else NOTHING

    def audit_unit(self) -> Any:
        return self.unit


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        raw = "ax_" + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        token = cls.objects.create(user=user, name=name[:60], prefix=raw[:8], key_hash=cls.hash(raw),
                                   expires_at=expires)
        return token, raw


class LoginFailure(models.Model):
    """One failed log-in; recent rows for a name or an address lock further attempts."""

    # The account's user name when the typed identifier named one (any case, or its mobile), else what was typed.
    username = models.CharField(max_length=150, db_index=True)
    known = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
