from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .access import can_write, get_visible_or_404, may_manage, model, user_scope
from .home import home_sections
from .models import AuditLog


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"sections": home_sections(request)})


def _log_page(request: HttpRequest, qs: Any, title: str, subject: Any = None) -> HttpResponse:
    action = request.GET.get("action")
    if action:
        qs = qs.filter(action=action)
    page = Paginator(qs.select_related("content_type"), 50).get_page(request.GET.get("page"))
    from .audit import readable_changes

    cache: dict[tuple[Any, Any], str] = {}
    rows = [(e, readable_changes(e, cache)) for e in page.object_list]
    return render(request, "core/audit.html", {"page": page, "rows": rows, "title": title, "subject": subject})


def _managers_only(request: HttpRequest, obj: Any = None) -> None:
    if not may_manage(request.user) or (obj is not None and not can_write(request.user, obj)):
        raise PermissionDenied("变更记录只对该范围的管理员开放")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    unit_id = request.GET.get("unit")
    subject = None
    if unit_id:
        Unit = model("org", "Unit")

        subject = get_visible_or_404(Unit, request.user, pk=unit_id)
        _managers_only(request, subject)
    _managers_only(request)
    # The log of a scope is for its managers: it holds personal details (phones, injuries) of every record.
    qs = AuditLog.objects.writable_by(request.user)
    if subject is not None:
        qs = qs.filter(unit_path__startswith=subject.path)
    return _log_page(request, qs, f"变更记录：{subject}" if subject else "变更记录", subject)


@login_required
def audit_object(request: HttpRequest, ct: int, pk: str) -> HttpResponse:
    try:
        content_type = ContentType.objects.get(pk=ct)
    except ContentType.DoesNotExist:
        raise Http404
    model = content_type.model_class()
    if model is None or not hasattr(model.objects, "visible_to"):  # type: ignore[attr-defined]
        raise Http404
    obj = get_visible_or_404(model, request.user, pk=pk)
    _managers_only(request, obj)
    qs = AuditLog.objects.filter(content_type=content_type, object_id=str(obj.pk))
    if not user_scope(request.user).everything:
        # The object is visible; its history is shown whole (including entries about its move).
        pass
    return _log_page(request, qs, f"变更记录：{obj}", obj)
