"""The main menu. Each app registers its entries in its AppConfig.ready (or here for the core ones)."""

from __future__ import annotations

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
    needs: str = ""  # "" for everyone logged in, "admin" for write roles, "system" for system admins


_ENTRIES: list[MenuEntry] = []


def register(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in _ENTRIES:
            _ENTRIES.append(entry)


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    from .access import user_scope

    user = request.user
    writable = not user_scope(user, write=True).empty
    system = user_scope(user).everything
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.needs == "admin" and not writable:
            continue
        if entry.needs == "system" and not system:
            continue
        url = reverse(entry.url_name)
        items.append({"label": gettext(entry.label), "url": url, "active": request.path.startswith(url) and url != "/"})
    return items
