"""The duty dossier (履职档案) of a post for a year, assembled from what the records say.

Each app that holds evidence registers a section provider: ``@section(order)`` on a function
``(post, year) -> Section | None``. The dossier is derived on demand and never stored, so it always
shows the records as they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Item:
    when: datetime.date | datetime.datetime | None
    text: str
    badge: str = ""  # "green", "orange", "red" or ""
    badge_text: str = ""
    url: str = ""


@dataclass
class Section:
    title: str
    summary: str = ""
    facts: list[tuple[str, Any]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    # Evidence that weighs towards diligence (positive) or dereliction (negative); shown, not decided.
    concerns: list[str] = field(default_factory=list)


Provider = Callable[[Any, int], Section | None]
_PROVIDERS: list[tuple[int, Provider]] = []


def section(order: int) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        if all(existing is not fn for _o, existing in _PROVIDERS):
            _PROVIDERS.append((order, fn))
        return fn

    return register


def assemble(post: Any, year: int) -> list[Section]:
    sections = []
    for _order, provider in sorted(_PROVIDERS, key=lambda p: p[0]):
        result = provider(post, year)
        if result is not None:
            sections.append(result)
    return sections


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
