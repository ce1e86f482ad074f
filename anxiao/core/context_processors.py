from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sections": sections_for(request)}
