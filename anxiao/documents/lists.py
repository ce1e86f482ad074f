"""A list page's XLSX export: the rows the list shows with its filters, written by the one table writer.

Each list declares its export once, beside its filters (``<app>/exports.py``)::

    INCIDENTS = ListExport(
        title="事故/突发事件", filters=IncidentFilter,
        rows=lambda user: Incident.objects.visible_to(user).select_related("unit").order_by("-learned_at"),
        columns=[(Column("获知时间", 17, "datetime"), lambda i: i.learned_at),
                 (Column("死亡人数", 8, "int", total=True), lambda i: i.deaths), ...])

and its url is ``path("<list>/export/", INCIDENTS.view, name="…_export")``; the list page links to it with its own
query string (``{% url '…_export' %}?{{ query }}``). The file is ``documents.tables.table_xlsx``: the filters in words
as the subtitle, numbers and dates as typed cells, a 合计 row (the count of rows, and the sum of every
``total=True`` column), the sign-off block. Malformed filters export nothing: the view answers the list page with
the field's message instead (``core.filters``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from anxiao.core.filters import ListFilter

from .tables import Column, Signoff, table_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def filters_subtitle(filters: ListFilter, user: Any) -> str:
    """The subtitle of every list export: the list's filters in words ("筛选条件：单位：…；类别：…" or "全部")."""
    return f"筛选条件：{filters.described(user) or '全部'}"


@dataclass(frozen=True, eq=False)
class ListExport:
    title: str
    filters: type[ListFilter]
    rows: Callable[[Any], Any]  # user → the visible queryset, in the list's order
    columns: Sequence[tuple[Column, Callable[[Any], Any]]]
    list_url: str = ""  # url name of the list page (where a malformed filter is explained)
    allowed: Callable[[Any], bool] = lambda user: True  # personal data: managers only

    def xlsx(self, user: Any, params: Any) -> bytes:
        """The file for ``user`` with the list's query string ``params`` (raises nothing for bad filters: see view)."""
        filters = self.filters.parse(params)
        qs = filters.apply(self.rows(user))

        def values() -> Iterator[list[Any]]:
            for obj in qs.iterator(chunk_size=2000):
                yield [fn(obj) for _column, fn in self.columns]

        return table_xlsx(title=self.title, sheet=self.title, subtitle=filters_subtitle(filters, user),
                          columns=[column for column, _fn in self.columns], rows=values(),
                          signoff=Signoff.by(user))

    def view(self, request: HttpRequest) -> HttpResponse:
        return _view(request, self)


@login_required
def _view(request: HttpRequest, export: ListExport) -> HttpResponse:
    if not export.allowed(request.user):
        raise PermissionDenied("导出该名单只对本范围的管理员开放")
    filters = export.filters.parse(request.GET)
    if filters.errors:
        for message in filters.errors.values():
            messages.error(request, message)
        return redirect(f"{_reverse(export.list_url)}?{request.GET.urlencode()}")
    name = f"{export.title}（{timezone.localdate():%Y-%m-%d}）.xlsx"
    return xlsx_response(export.xlsx(request.user, request.GET), name)


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name) if name else "/"
