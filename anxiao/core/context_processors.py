from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import READ_ONLY_MESSAGE, is_read_only, may_post
from .navigation import sections_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sections": sections_for(request)}


def access(request: HttpRequest) -> dict[str, Any]:
    """What a page may offer the account (core.access): ``read_only`` (every grant is 教育局查看: no form that
    changes others' records) and ``may_post_here`` (the gate lets it post to this very page, e.g. a person's own
    work). Forms posting to another view ask ``request.user|may_post:"app:name"``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    return {"read_only": is_read_only(user), "read_only_message": READ_ONLY_MESSAGE,
            "may_post_here": may_post(user, match.view_name if match is not None else None)}
