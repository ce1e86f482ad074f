"""The home page is made of sections that apps register ("my work", "my duties", dashboards…)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]  # None hides the section
    # Shown to these personas only (core.personas); empty: to everyone. A user with no persona (a system
    # admin without a post) sees every section.
    personas: frozenset[str] = frozenset()


_SECTIONS: list[HomeSection] = []


def register_section(section: HomeSection) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def shown_to(section: HomeSection, personas: frozenset[str]) -> bool:
    return not section.personas or not personas or bool(section.personas & personas)


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    from .personas import personas_of

    personas = personas_of(request.user)
    out = []
    for section in sorted(_SECTIONS, key=lambda s: s.order):
        if not shown_to(section, personas):
            continue
        ctx = section.context(request)
        if ctx is not None:
            out.append({"template": section.template, "ctx": ctx})
    return out
