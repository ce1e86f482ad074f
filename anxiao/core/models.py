"""Base classes shared by every domain app, and the general audit log."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .access import NOTHING, Scope, ScopedQuerySet, default_scope_q


@functools.cache
def choice_labels(field: Any, language: str | None) -> dict[Any, str]:
    """A field's choices as {value: label} in one language, made once (``AnxiaoModel._get_FIELD_display``)."""
    return {value: str(label) for value, label in field.flatchoices}


def assign(instance: Any, data: dict[str, Any]) -> None:
    """Set the given fields on a record (actions validate and save it afterwards)."""
    for key, value in data.items():
        setattr(instance, key, value)


class AnxiaoModel(models.Model):
    """Base for domain records: timestamps, the scoped manager, and a snapshot of loaded values.

    The snapshot (taken in ``from_db``) lets the audit log write field-level before/after
    without an extra query per save.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects: Any = ScopedQuerySet.as_manager()

    # Paths (``a__b``) to the Unit foreign keys that decide who may see a record; OR-ed.
    # An empty string means "this model is the Unit itself".
    scope_unit_fields: tuple[str, ...] = ()
    # Set False on a model that must not be written to the audit log (e.g. the log itself).
    audited = True
    # Fields not worth logging.
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at", "pinyin", "path")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance: Any = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        return default_scope_q(cls, scope)

    def _get_FIELD_display(self, field: Any) -> Any:  # noqa: N802 - Django's name (get_<field>_display)
        # Django rebuilds and hashes the field's whole list of lazy labels on every call (some 400 Python calls
        # for a status): a ledger page of 50 rows spent a third of its template time here (issue 18)
        value = getattr(self, field.attname)
        try:
            return choice_labels(field, get_language()).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field with choices)
            return super()._get_FIELD_display(field)  # type: ignore[misc]

    def audit_unit(self) -> Any:
        """The Unit a change of this record belongs to, for browsing the log per unit."""
        for field in self.scope_unit_fields:
            obj: Any = self
            if field == "":
                return self
            for part in field.split("__"):
                obj = getattr(obj, part, None)
                if obj is None:
                    break
            if obj is not None:
                return obj
        return None


class VoidableModel(AnxiaoModel):
    """A ledger record: never deleted, voided with a reason."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("作废人"),
    )
    void_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def void(self, actor: Any, reason: str, field: str = "void_reason") -> None:
        """Void this record once and for all: the row is locked, and a record already voided (by an earlier
        request, or a concurrent one that got the lock first) is a ValidationError "已作废" naming ``field``,
        its first reason kept. Callers do their own permission check first and may void dependants after."""
        from django.core.exceptions import ValidationError
        from django.db import transaction
        from django.utils import timezone

        reason = (reason or "").strip()
        label = self._meta.verbose_name
        if self.voided_at is not None:
            raise ValidationError({field: [f"该{label}已作废，不能再次作废"]})
        if not reason:
            raise ValidationError({field: ["请填写作废原因"]})
        with transaction.atomic():
            locked = type(self).objects.select_for_update().filter(pk=self.pk).values_list("voided_at", flat=True)
            if not locked or locked[0] is not None:
                raise ValidationError({field: [f"该{label}已作废，不能再次作废"]})
            self.voided_at = timezone.now()
            self.voided_by = actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
            self.void_reason = reason
            self.save()


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    VOID = "void", _("作废")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")


class AuditLog(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    actor_repr = models.CharField(_("操作人"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    via = models.CharField(_("途径"), max_length=20, blank=True)  # web, api, cli
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=300)
    # Denormalised location of the record, so the log can be browsed per unit subtree.
    unit_id = models.BigIntegerField(null=True, blank=True)
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(_("变更"), default=dict)

    objects: Any = ScopedQuerySet.as_manager()

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        q = NOTHING
        for path in scope.unit_paths:
            q |= Q(unit_path__startswith=path)
        for path in scope.region_paths:
            q |= Q(region_path__startswith=path)
        return q

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.get_action_display()} {self.object_repr}"
