"""Writes the general audit log from model signals, for every AnxiaoModel subclass.

Field-level before/after comes from the snapshot taken when the record was loaded
(``AnxiaoModel.from_db``); a record created in this process has no snapshot and logs
its full state as "create".
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

from .context import audit_enabled, current_actor
from .models import AnxiaoModel, AuditAction, AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return value


def _concrete_fields(instance: AnxiaoModel) -> list[Any]:
    return [f for f in instance._meta.concrete_fields if f.name not in instance.audit_exclude]


def _changes(instance: AnxiaoModel, created: bool) -> dict[str, list[Any]]:
    loaded = getattr(instance, "_loaded_values", None)
    result: dict[str, list[Any]] = {}
    for f in _concrete_fields(instance):
        after = _plain(getattr(instance, f.attname))
        if created or loaded is None:
            if after not in (None, "", [], {}):
                result[f.name] = [None, after]
            continue
        if f.attname not in loaded:
            continue
        before = _plain(f.to_python(loaded[f.attname])) if loaded[f.attname] is not None else None
        if before != after:
            result[f.name] = [before, after]
    return result


def write_entry(instance: AnxiaoModel, action: str, changes: dict[str, Any]) -> AuditLog | None:
    return write_event(instance, action, changes, unit=instance.audit_unit())


def write_event(instance: Any, action: str, changes: dict[str, Any], unit: Any = None) -> AuditLog | None:
    """One audit row for any record (also those that are not AnxiaoModels: accounts, tokens, log-ins),
    placed under ``unit`` so the managers of that unit's scope see it."""
    if not audit_enabled():
        return None
    actor = current_actor()
    user = actor.user if actor.user is not None and getattr(actor.user, "pk", None) else None
    return AuditLog.objects.create(
        actor=user,
        actor_repr=(user.get_full_name() or user.get_username()) if user else "系统",
        ip=actor.ip,
        via=actor.via,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        unit_id=unit.pk if unit is not None else None,
        unit_path=getattr(unit, "path", "") or "",
        region_path=getattr(unit, "region_path", "") or "",
        changes=changes,
    )


def _on_save(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, AnxiaoModel) or not instance.audited or not audit_enabled():
        return
    changes = _changes(instance, created)
    if not created and not changes:
        return
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    if not created and "voided_at" in changes and changes["voided_at"][0] is None:
        action = AuditAction.VOID
    write_entry(instance, action, changes)
    # The saved state is the new baseline for a later save of the same instance.
    instance._loaded_values = {  # type: ignore[attr-defined]
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }


def _on_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, AnxiaoModel) and instance.audited and audit_enabled():
        write_entry(instance, AuditAction.DELETE, {})


post_save.connect(_on_save, dispatch_uid="anxiao-audit-save")
post_delete.connect(_on_delete, dispatch_uid="anxiao-audit-delete")
