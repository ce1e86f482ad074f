"""The main menu. Each app registers its entries in its AppConfig.ready (or here for the core ones)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    order: int = 100
    # The permission check of the page (the same function its view and buttons use: core.access.may_manage,
    # is_system_admin…); None for every user who is logged in.
    needs: Callable[[Any], bool] | None = None
    # The personas (core.personas) whose work the entry is; empty: everyone. A user with no persona (a system
    # admin without a post) sees every entry they may use.
    personas: frozenset[str] = frozenset()


_ENTRIES: list[MenuEntry] = []


def register(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in _ENTRIES:
            _ENTRIES.append(entry)


# Top-level sections of the menu, by the URL namespace of an entry.
SECTIONS = [
    ("工作", ("core", "reports:dashboard", "obligations", "notifications")),
    ("演练与教育", ("drills", "education")),
    ("隐患排查", ("inspections", "hazards", "risks")),
    ("责任落实", ("policies", "responsibility")),
    ("台账报表", ("reports",)),
    ("事故与追责", ("incidents", "accountability", "assessment")),
    ("总校长制", ("chiefs",)),
    ("组织与设置", ("org", "staffing", "accounts")),
]


def _section_of(url_name: str) -> str:
    for label, keys in SECTIONS:
        if url_name in keys:
            return label
    namespace = url_name.split(":", 1)[0]
    for label, keys in SECTIONS:
        if namespace in keys:
            return label
    return "其他"


def sections_for(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu grouped into sections (a short top bar; each section opens its entries)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in menu_for(request):
        grouped.setdefault(_section_of(item["url_name"]), []).append(item)
    order = [label for label, _keys in SECTIONS] + ["其他"]
    return [{"label": gettext(label), "items": grouped[label], "active": any(i["active"] for i in grouped[label])}
            for label in order if label in grouped]


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    from .personas import personas_of

    user = request.user
    personas = personas_of(user)
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.needs is not None and not entry.needs(user):
            continue
        if entry.personas and personas and not entry.personas & personas:
            continue
        url = reverse(entry.url_name)
        items.append({"label": gettext(entry.label), "url": url, "url_name": entry.url_name,
                      "active": request.path.startswith(url) and url != "/"})
    return items
