"""Absolute links for what leaves the site: e-mails, robot messages, QR codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def absolute_url(path: str, request: Any = None) -> str:
    """``ANXIAO_BASE_URL`` + path when configured (behind a proxy the request's own host may be internal);
    else the request's address; else the path unchanged."""
    if not path.startswith("/"):
        return path
    if settings.BASE_URL:
        return f"{settings.BASE_URL}{path}"
    if request is not None:
        return str(request.build_absolute_uri(path))
    return path
