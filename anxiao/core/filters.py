"""A list's filters, declared once per record type and used by the HTML filter bar, the list page, the API and
the XLSX export.

Each record type declares a :class:`ListFilter` (a ninja ``FilterSchema``) in its app's ``filters.py``::

    class IncidentFilter(ListFilter):
        q: Annotated[str | None, FilterLookup(["title__icontains", "unit__name__icontains"]),
                     Bar("搜索", "search", placeholder="标题或单位")] = None
        status: Annotated[str | None, Bar("状态", choices=IncidentStatus.choices)] = None
        late: Annotated[bool | None, Bar("迟报", "flag", choices=[("1", "仅看迟报")])] = None

        def filter_late(self, value: bool) -> Q:   # a field with its own meaning: a filter_<name> method
            return late_q() if value else Q()

- The API takes it as ``filters: Query[IncidentFilter]`` (ninja answers bad input with a 422 naming the field).
- A page calls ``IncidentFilter.parse(request.GET)``: bad input never raises; ``.errors`` holds one Chinese message
  per field (``发生日期从：日期格式应为 YYYY-MM-DD``), and ``.apply(qs)`` then returns no rows, so a page or an export
  never shows more than was asked for. ``.bar(user)`` gives the filter bar (template ``core/_filter_bar.html``),
  ``.described()`` the filters in words (the XLSX subtitle).
- Values that are not in the declaration (``page``, ``format``) are ignored; empty values mean "no filter".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Self

import pydantic
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from ninja import FilterLookup, FilterSchema
from pydantic import PrivateAttr
from pydantic_core import PydanticCustomError

from .access import model

__all__ = ["Bar", "FilterLookup", "ListFilter", "Refers", "region_q", "subtree_q"]


@dataclass(frozen=True, eq=False)
class Bar:
    """How a filter shows in the HTML filter bar. ``kind``: search | select | flag | month | date.
    ``choices`` is a list of (value, label) or a function of the user giving one (the units a user sees)."""

    label: str
    kind: str = "select"
    choices: Sequence[tuple[Any, Any]] | Callable[[Any], Sequence[tuple[Any, Any]]] = ()
    placeholder: str = ""


@dataclass(frozen=True)
class Refers:
    """An id filter naming a record (``Refers("org.Unit")``): the filters in words show its name, not its id."""

    model: str


# pydantic error types → the Chinese of core.api (one wording for the API's 422 and the pages' messages)
def _message(err: Any) -> str:
    from .api import PYDANTIC_MESSAGES

    return PYDANTIC_MESSAGES.get(err.get("type", ""), "格式不正确")


class ListFilter(FilterSchema):
    """The filters of one record type. See the module docstring."""

    _errors: dict[str, str] = PrivateAttr(default_factory=dict)

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _fits_a_column(cls, value: Any) -> Any:
        """A whole number a database integer column cannot hold (an id of 2^70) is out of range, not a 500."""
        from .api import INT_RANGE

        if isinstance(value, int) and not isinstance(value, bool) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            raise PydanticCustomError("less_than_equal", "数值过大", {"le": INT_RANGE[1]})
        return value

    @classmethod
    def label(cls, name: str) -> str:
        info = cls.model_fields[name]
        bar = next((m for m in info.metadata if isinstance(m, Bar)), None)
        return bar.label if bar else (info.title or name)

    @classmethod
    def parse(cls, params: Any) -> Self:
        """The filters asked for in a page's query string; never raises (see ``errors``)."""
        data: dict[str, Any] = {}
        for name in cls.model_fields:
            value = params.get(name)
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                data[name] = value
        errors: dict[str, str] = {}
        try:
            result = cls(**data)
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err.get("loc") else ""
                errors.setdefault(name, f"{cls.label(name) if name in cls.model_fields else name}：{_message(err)}")
            result = cls(**{k: v for k, v in data.items() if k not in errors})
        result._errors = errors
        return result

    @property
    def errors(self) -> dict[str, str]:
        return self._errors

    def _resolve_field_expression(self, field_name: str, field_value: Any, field_info: Any) -> Q:
        # ninja works out every field's Q, even an unused one's; a filter_<name> method is only asked about a
        # value that was given (it may read the database, as the subtree filters do).
        if field_value is None:
            return Q()
        return super()._resolve_field_expression(field_name, field_value, field_info)

    def apply(self, qs: Any) -> Any:
        """The rows these filters select; none at all while a filter is malformed."""
        if self._errors:
            return qs.none()
        return self.refine(self.filter(qs))

    def refine(self, qs: Any) -> Any:
        """What a Q cannot say (``distinct()`` after a many-to-many filter); default: nothing."""
        return qs

    def value(self, name: str) -> str:
        """The value as the page shows it back in its input."""
        value = getattr(self, name, None)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def bar(self, user: Any = None) -> list[dict[str, Any]]:
        """The filter bar's inputs in declaration order: name, label, kind, value, placeholder, options."""
        out = []
        for name, info in type(self).model_fields.items():
            bar = next((m for m in info.metadata if isinstance(m, Bar)), None)
            if bar is None:
                continue
            current = self.value(name)
            choices = bar.choices(user) if callable(bar.choices) else bar.choices
            out.append({"name": name, "label": bar.label, "kind": bar.kind, "value": current,
                        "placeholder": bar.placeholder, "options_html": _options_html(choices, current),
                        "error": self._errors.get(name, "")})
        return out

    def described(self, user: Any = None) -> str:
        """The filters in use, in words: "状态：待整改；发现月份：2026-11" (an export's subtitle); with ``user``,
        choices worked out per user (the units one sees) are named too."""
        parts = []
        for name, info in type(self).model_fields.items():
            value = getattr(self, name, None)
            if value is None or value == info.default:
                continue
            bar = next((m for m in info.metadata if isinstance(m, Bar)), None)
            choices: Any = bar.choices if bar else ()
            if callable(choices):
                choices = choices(user) if user is not None else ()
            text = {str(v): t for v, t in choices}.get(self.value(name), self.value(name))
            refers = next((m for m in info.metadata if isinstance(m, Refers)), None)
            if refers is not None and user is not None:  # named only when the user may see it (else the id)
                from django.apps import apps

                seen = apps.get_model(refers.model).objects.visible_to(user).filter(pk=value).first()  # type: ignore[attr-defined]
                text = str(seen) if seen is not None else text
            if isinstance(value, bool) and not choices:
                text = "是" if value else "否"
            parts.append(f"{type(self).label(name)}：{text}")
        return "；".join(parts)


def _options_html(choices: Sequence[tuple[Any, Any]], current: str) -> SafeString:
    """A select's options as one escaped string: a county's unit filter offers ~200 schools, and rendering them
    one by one through the template was most of the fast county pages' own time (issue 18)."""
    parts = []
    for value, text in choices:
        v = str(value)
        parts.append(f'<option value="{escape(v)}"{" selected" if v == current else ""}>{escape(text)}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and text escaped above


def subtree_q(field: str, unit_id: int) -> Q:
    """Records of ``field`` (a Unit relation, "" for the unit itself) in the unit's subtree; none if no such unit."""
    Unit = model("org", "Unit")

    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": path}) if path else Q(pk__in=[])


def region_q(field: str, region_id: int) -> Q:
    """Records whose ``field`` (a region path column, e.g. "unit__region_path") lies in the region's subtree."""
    Region = model("org", "Region")

    path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
    return Q(**{f"{field}__startswith": path}) if path else Q(pk__in=[])
