"""List / detail / create / edit pages shared by the simple record types.

Each app describes a record type once (a :class:`Crud`) and gets its four pages, all going
through the access-checked path and the app's actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from .access import can_write, get_visible_or_404, may_manage, user_scope
from .filters import ListFilter

Column = tuple[str, Callable[[Any], Any]]


@dataclass
class Crud:
    name: str  # url name prefix inside the app namespace, e.g. "unit"
    app: str  # url namespace, e.g. "org"
    model: type[models.Model]
    title: str
    form: type[Any]
    save: Callable[..., Any]
    columns: Sequence[Column]
    filters: type[ListFilter] = ListFilter  # the record type's one filter declaration (its app's filters.py)
    select_related: Sequence[str] = ()
    detail_fields: Sequence[Column] = ()
    detail_template: str = ""
    detail_context: Callable[[HttpRequest, Any], dict[str, Any]] | None = None
    search_placeholder: str = "名称或拼音首字母"
    extra_actions: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, url name) on list page
    # (label, url name) shown only to the managers of a scope (write roles): imports, exports of personal data.
    admin_actions: Sequence[tuple[str, str]] = field(default_factory=tuple)
    # url name of the list's XLSX export (documents.lists.ListExport), linked with the list's query string
    export: str = ""
    # Who may open the four pages at all (core.access.may_manage for settings); None: every user (records are
    # still scoped). The menu entry of the list names the same function (``menu_entry``), so the menu never
    # offers a page that refuses, and a page the menu hides refuses by URL too.
    needs: Callable[[Any], bool] | None = None
    refused: str = "该页面仅供管理人员使用"

    def url(self, action: str, *args: Any) -> str:
        return reverse(f"{self.app}:{self.name}_{action}", args=args)

    def menu_entry(self, label: str, order: int, **kwargs: Any) -> Any:
        """The list's menu entry, checked by the pages' own ``needs``."""
        from .navigation import MenuEntry

        return MenuEntry(label, f"{self.app}:{self.name}_list", order, needs=self.needs, **kwargs)

    @property
    def url_list(self) -> str:
        return self.url("list")

    @property
    def url_create(self) -> str:
        return self.url("create")

    @property
    def url_detail_prefix(self) -> str:
        return self.url("detail", 0)[: -len("0/")]

    @property
    def content_type_id(self) -> int:
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(self.model).pk


def _queryset(cfg: Crud, request: HttpRequest) -> Any:
    qs = cfg.model.objects.visible_to(request.user)  # type: ignore[attr-defined]
    if cfg.select_related:
        qs = qs.select_related(*cfg.select_related)
    return qs


def list_view(request: HttpRequest, cfg: Crud) -> HttpResponse:
    filters = cfg.filters.parse(request.GET)
    qs = filters.apply(_queryset(cfg, request))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(obj, [fn(obj) for _label, fn in cfg.columns]) for obj in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "cfg": cfg,
        "page": page,
        "rows": rows,
        "headers": [gettext(label) for label, _fn in cfg.columns],
        "total": page.paginator.count,
        "query": params.urlencode(),
        "can_create": may_manage(request.user),
        "params": request.GET,
        "filter_bar": filters.bar(request.user),
        "filter_errors": filters.errors,
    }
    ctx["export"] = cfg.export
    ctx["actions"] = [*cfg.extra_actions, *(cfg.admin_actions if ctx["can_create"] else ())]
    template = "core/_list_table.html" if request.htmx else "core/list.html"  # type: ignore[attr-defined]
    return render(request, template, ctx)


def detail_view(request: HttpRequest, cfg: Crud, pk: int) -> HttpResponse:
    obj = get_visible_or_404(_queryset(cfg, request), request.user, pk=pk)
    fields = [(gettext(label), fn(obj)) for label, fn in cfg.detail_fields]
    ctx: dict[str, Any] = {"cfg": cfg, "obj": obj, "fields": fields, "can_edit": can_write(request.user, obj)}
    if cfg.detail_context:
        ctx.update(cfg.detail_context(request, obj))
    return render(request, cfg.detail_template or "core/detail.html", ctx)


def form_view(request: HttpRequest, cfg: Crud, pk: int | None = None) -> HttpResponse:
    instance = None
    if pk is not None:
        instance = get_visible_or_404(_queryset(cfg, request), request.user, pk=pk)
        if not can_write(request.user, instance):
            raise PermissionDenied("您只能查看该记录，不能修改")
    elif user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有新建记录的权限")
    form = cfg.form(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
        try:
            saved = cfg.save(request.user, instance, **data)
        except ValidationError as exc:
            form.apply_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您没有在该范围内修改的权限")
        else:
            return redirect(cfg.url("detail", saved.pk))
    return render(request, "core/form.html", {"cfg": cfg, "form": form, "obj": instance})


def _allowed(cfg: Crud, request: HttpRequest) -> None:
    if cfg.needs is not None and not cfg.needs(request.user):
        raise PermissionDenied(cfg.refused)


def views_for(cfg: Crud) -> dict[str, Callable[..., HttpResponse]]:
    @login_required
    def _list(request: HttpRequest) -> HttpResponse:
        _allowed(cfg, request)
        return list_view(request, cfg)

    @login_required
    def _detail(request: HttpRequest, pk: int) -> HttpResponse:
        _allowed(cfg, request)
        return detail_view(request, cfg, pk)

    @login_required
    def _create(request: HttpRequest) -> HttpResponse:
        _allowed(cfg, request)
        return form_view(request, cfg)

    @login_required
    def _edit(request: HttpRequest, pk: int) -> HttpResponse:
        _allowed(cfg, request)
        return form_view(request, cfg, pk)

    return {"list": _list, "detail": _detail, "create": _create, "edit": _edit}


def urlpatterns_for(cfg: Crud, plural: str) -> list[Any]:
    from django.urls import path

    v = views_for(cfg)
    return [
        path(f"{plural}/", v["list"], name=f"{cfg.name}_list"),
        path(f"{plural}/new/", v["create"], name=f"{cfg.name}_create"),
        path(f"{plural}/<int:pk>/", v["detail"], name=f"{cfg.name}_detail"),
        path(f"{plural}/<int:pk>/edit/", v["edit"], name=f"{cfg.name}_edit"),
    ]
