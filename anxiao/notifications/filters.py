"""Filters shared by the HTML lists and the API."""

from __future__ import annotations

from typing import Any


def filter_webhooks(qs: Any, params: Any) -> Any:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    if params.get("kind"):
        qs = qs.filter(kind=params.get("kind"))
    return qs
