"""The group-robot list's filters, declared once (core.filters.ListFilter): list page, filter bar, API."""

from __future__ import annotations

from typing import Annotated

from anxiao.core.filters import Bar, FilterLookup, ListFilter

from .models import WebhookKind


class WebhookFilter(ListFilter):
    q: Annotated[str | None, FilterLookup("name__icontains"), Bar("搜索", "search", placeholder="名称")] = None
    kind: Annotated[str | None, Bar("类型", choices=WebhookKind.choices)] = None
