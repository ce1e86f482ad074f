"""One input check under every write: forms, API, imports and CLI all end in ``save()`` or ``.update()``.

:func:`check_values` refuses, with a Chinese message naming the field, what the database would reject
or what would break later pages (a 500, a PDF that never renders):

- text with a NUL character, or longer than the column (``TextField`` has no column limit, so
  :data:`TEXT_MAX_LENGTH` applies unless the model says otherwise in ``text_max_lengths``);
- decimals that are NaN/Infinity or do not fit ``max_digits``/``decimal_places``;
- integers outside the column's range; a year outside :data:`YEAR_MIN`..:data:`YEAR_MAX`;
- a value that is not one of the field's choices; ``None`` for a field that cannot be empty.

It runs from a ``pre_save`` signal on every model of the project and from
``ScopedQuerySet.update()``, so an action that forgets a check cannot write bad data. Forms also get
the text limit up front (``core.forms.style_fields``), and the API's schemas the year range
(``core.api.Year``).
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

TEXT_MAX_LENGTH = 10_000  # a free-text field (description, note, reason) without its own limit
YEAR_MIN, YEAR_MAX = 1900, 2200
NUL = "\x00"


def text_limit(model: Any, field: Any) -> int | None:
    """The most characters a text field accepts, or None for a field that is not free text."""
    if isinstance(field, models.CharField):
        return field.max_length
    if isinstance(field, models.TextField):
        limits = getattr(model, "text_max_lengths", {}) or {}
        return field.max_length or limits.get(field.name, TEXT_MAX_LENGTH)
    return None


def _label(field: Any) -> str:
    return str(getattr(field, "verbose_name", "") or field.name)


def field_errors(model: Any, field: Any, value: Any) -> list[str]:
    """What is wrong with ``value`` for ``field`` (empty when it may be written)."""
    label = _label(field)
    if value is None:
        if field.null or field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return []
        return [f"{label}不能为空"]
    if isinstance(value, models.expressions.Combinable) or hasattr(value, "resolve_expression"):
        return []  # F(), Now(), a subquery: the database computes it
    if isinstance(value, str):
        if NUL in value:
            return [f"{label}不能包含空字符（\\0）"]
        limit = text_limit(model, field)
        if limit and len(value) > limit:
            return [f"{label}最多 {limit} 个字符（现有 {len(value)} 个）"]
    if isinstance(field, models.DecimalField | models.FloatField) and not isinstance(value, str | bool):
        try:
            number = decimal.Decimal(str(value)) if not isinstance(value, decimal.Decimal) else value
        except (decimal.InvalidOperation, ValueError):
            return [f"{label}应为数字"]
        if not number.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
            return [f"{label}应为有限的数字"]
        if isinstance(field, models.DecimalField):
            try:
                validators.DecimalValidator(field.max_digits, field.decimal_places)(number)
            except ValidationError:
                whole = field.max_digits - field.decimal_places
                return [f"{label}超出范围（整数部分最多 {whole} 位，小数最多 {field.decimal_places} 位）"]
    if isinstance(field, models.IntegerField) and not field.is_relation and isinstance(value, int):
        if (field.name == "year" or field.name.endswith("_year")) and not YEAR_MIN <= value <= YEAR_MAX:
            return [f"{label}应在 {YEAR_MIN} 至 {YEAR_MAX} 之间"]
        for validator in field.validators:
            try:
                validator(value)
            except ValidationError:
                return [f"{label}超出范围"]
    if isinstance(value, datetime.date) and not YEAR_MIN <= value.year <= YEAR_MAX:
        return [f"{label}的年份应在 {YEAR_MIN} 至 {YEAR_MAX} 之间"]
    if field.choices and not field.is_relation and value not in ("", None):
        allowed = {str(k) for k, _ in field.flatchoices}
        if str(value) not in allowed:
            return [f"{label}“{str(value)[:40]}”不是有效的选项"]
    return []


def check_values(model: Any, values: dict[str, Any]) -> None:
    """Raise one ValidationError naming every bad field among ``values`` (field name or attname → value)."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        try:
            field = model._meta.get_field(key)
        except Exception:
            field = next((f for f in model._meta.concrete_fields if f.attname == key), None)
        if field is None or not getattr(field, "concrete", False) or field.many_to_many:
            continue
        if field.is_relation and not isinstance(value, int | type(None)):
            continue  # a model instance: checked when it was saved
        problems = field_errors(model, field, value)
        if problems:
            errors.setdefault(field.name, []).extend(problems)
    if errors:
        raise ValidationError(errors)


def check_instance(instance: Any, update_fields: Any = None) -> None:
    model = type(instance)
    names = set(update_fields) if update_fields else None
    values = {}
    for field in model._meta.concrete_fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
            continue
        values[field.name if not field.is_relation else field.attname] = getattr(instance, field.attname)
    check_values(model, values)


def _pre_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if raw or not sender.__module__.startswith("anxiao."):
        return
    check_instance(instance, update_fields)


def connect() -> None:
    from django.db.models.signals import pre_save

    pre_save.connect(_pre_save, dispatch_uid="anxiao.core.validation")


def as_date(value: Any) -> datetime.date | None:
    """A date from a date, a datetime or ISO text (``YYYY-MM-DD``); blank is None; other text raises ValueError (each
    caller words its own field error)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip())


def parse_date(value: Any, field: str, label: str = "日期") -> datetime.date | None:
    """A date typed into a page or payload (``YYYY-MM-DD``); blank is None, anything else is a field error."""
    try:
        day = as_date(value)
    except ValueError:
        raise ValidationError({field: [f"{label}“{str(value)[:20]}”不是有效的日期（YYYY-MM-DD）"]})
    if day is None:
        return None
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise ValidationError({field: [f"{label}的年份应在 {YEAR_MIN} 至 {YEAR_MAX} 之间"]})
    return day


def parse_datetime(value: Any, field: str, label: str = "时间") -> datetime.datetime | None:
    """A time from an HTML ``datetime-local`` input or ISO 8601 (2026-02-30 is a field error, not a 500);
    a naive time is taken in the current time zone."""
    from django.utils import dateparse, timezone

    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            parsed = dateparse.parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({field: [f"{label}“{str(value)[:25]}”不是有效的时间"]})
        moment = parsed
    if not YEAR_MIN <= moment.year <= YEAR_MAX:
        raise ValidationError({field: [f"{label}的年份应在 {YEAR_MIN} 至 {YEAR_MAX} 之间"]})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
