"""Writes the general audit log from model signals, for every AnxiaoModel subclass.

Field-level before/after comes from the snapshot taken when the record was loaded
(``AnxiaoModel.from_db``); a record created in this process has no snapshot and logs
its full state as "create".
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .context import audit_enabled, audit_suppressed, current_actor
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


def _is_audited(model: type) -> bool:
    return isinstance(model, type) and issubclass(model, AnxiaoModel) and model.audited


def audited_update(queryset: Any, values: dict[str, Any], run: Callable[[], int]) -> int:
    """Run a queryset ``update(**values)`` and log each record it changed (see ScopedQuerySet.update)."""
    model = queryset.model
    if not _is_audited(model) or not audit_enabled():
        return run()
    names = [f.attname for f in _concrete_fields_of(model) if f.name in values or f.attname in values]
    with transaction.atomic(using=queryset.db):
        pks = list(queryset.order_by().values_list("pk", flat=True))
        if not pks:
            return run()
        before = {row["pk"]: row for row in model._base_manager.filter(pk__in=pks).values("pk", *names)}
        count = run()
        for instance in model._base_manager.filter(pk__in=pks):
            old = before.get(instance.pk, {})
            changes = {}
            for f in _concrete_fields_of(model):
                if f.attname not in names:
                    continue
                was, now = _plain(old.get(f.attname)), _plain(getattr(instance, f.attname))
                if was != now:
                    changes[f.name] = [was, now]
            if changes:
                action = AuditAction.UPDATE
                if "voided_at" in changes and changes["voided_at"][0] is None:
                    action = AuditAction.VOID
                write_entry(instance, action, changes)
    return count


def log_created(model: Any, objs: list[Any]) -> None:
    """A "create" row for each record of a bulk creation (those that got a primary key)."""
    if not _is_audited(model) or not audit_enabled():
        return
    for obj in objs:
        if obj.pk is not None:
            write_entry(obj, AuditAction.CREATE, _changes(obj, created=True))


def audited_bulk_update(queryset: Any, objs: list[Any], fields: list[str], run: Callable[[], int]) -> int:
    model = queryset.model
    if not _is_audited(model) or not audit_enabled() or not objs:
        return run()
    chosen = [f for f in _concrete_fields_of(model) if f.name in fields or f.attname in fields]
    with transaction.atomic(using=queryset.db):
        before = {row["pk"]: row for row in model._base_manager.filter(pk__in=[o.pk for o in objs])
                  .values("pk", *[f.attname for f in chosen])}
        with audit_suppressed():  # Django's bulk_update runs queryset updates, which would log a second time
            count = run()
        for obj in objs:
            old = before.get(obj.pk, {})
            changes = {}
            for f in chosen:
                was, now = _plain(old.get(f.attname)), _plain(getattr(obj, f.attname))
                if was != now:
                    changes[f.name] = [was, now]
            if changes:
                write_entry(obj, AuditAction.UPDATE, changes)
    return count


def _concrete_fields_of(model: Any) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.name not in model.audit_exclude]


def _on_m2m(sender: type, instance: Any, action: str, reverse: bool, model: type, pk_set: Any,
            **kwargs: Any) -> None:
    """Many-to-many changes (team members, agencies, classes…) are logged on the record that holds them."""
    if not isinstance(instance, AnxiaoModel) or not instance.audited or not audit_enabled():
        return
    field = next((f for f in type(instance)._meta.get_fields()
                  if getattr(f, "many_to_many", False) and getattr(getattr(f, "remote_field", None), "through", None)
                  is sender or getattr(f, "through", None) is sender), None)
    name = getattr(field, "name", None) or sender._meta.model_name  # type: ignore[attr-defined]
    if action == "pre_clear":
        instance._m2m_cleared = sorted(  # type: ignore[attr-defined]
            getattr(instance, getattr(field, "attname", name)).values_list("pk", flat=True)) if field else []
        return
    if action == "post_clear":
        cleared = getattr(instance, "_m2m_cleared", [])
        if cleared:
            write_entry(instance, AuditAction.UPDATE, {name: [cleared, []]})
        return
    if action in ("post_add", "post_remove") and pk_set:
        ids = sorted(pk_set)
        change = [None, ids] if action == "post_add" else [ids, None]
        write_entry(instance, AuditAction.UPDATE, {name: change})


m2m_changed.connect(_on_m2m, dispatch_uid="anxiao-audit-m2m")


def readable_changes(entry: Any, cache: dict[tuple[Any, Any], str] | None = None) -> list[tuple[str, Any, Any]]:
    """An audit entry's changes as (field label, before, after) in words: a choice's label instead of its code,
    a linked record's name instead of its id (``actor：13`` → ``操作人：张三``, ``verified`` → ``已核实``)."""
    cache = {} if cache is None else cache
    model = entry.content_type.model_class() if entry.content_type_id else None
    out = []
    for key, pair in (entry.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
        label, field = str(key), None
        if model is not None:
            try:
                field = model._meta.get_field(key)
            except Exception:  # noqa: BLE001 - a field since removed keeps its name
                field = None
        if field is not None:
            label = str(getattr(field, "verbose_name", key))
        out.append((label, _word(field, before, cache), _word(field, after, cache)))
    return out


def _word(field: Any, value: Any, cache: dict[tuple[Any, Any], str]) -> Any:
    if value is None or value == "" or field is None:
        return value
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices:
        return choices.get(value, value)
    related = getattr(field, "related_model", None)
    if related is not None and getattr(field, "many_to_one", False):
        key = (related, value)
        if key not in cache:
            obj = related._base_manager.filter(pk=value).first()
            cache[key] = str(obj) if obj is not None else f"#{value}"
        return cache[key]
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
