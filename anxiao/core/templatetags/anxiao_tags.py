from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_param(params: Any, name: str) -> str:
    return params.get(name, "") if params is not None else ""


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return ""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
