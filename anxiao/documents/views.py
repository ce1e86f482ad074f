"""Pages for a unit's Word templates: list with versions, check-and-preview, upload, switch, downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, may_manage
from anxiao.core.files import file_response
from anxiao.core.flash import REFUSED, run_and_flash
from anxiao.org.models import Unit

from . import actions
from .contexts import sample_context
from .models import DocumentKind, DocumentTemplate
from .render import builtin_bytes, paragraphs, template_bytes
from .render import render as fill

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _owners(user: Any) -> Any:
    """Bureaus the user sees; a school user (who sees no bureau) gets their schools."""
    units = Unit.objects.visible_to(user).filter(is_active=True)
    bureaus = units.filter(kind="bureau").order_by("name")
    return bureaus if bureaus.exists() else units.filter(kind="school").order_by("name")


def _owner(request: HttpRequest, raw: Any) -> Unit:
    owners = _owners(request.user)
    if raw:
        return get_visible_or_404(owners, request.user, pk=raw if str(raw).isdecimal() else 0)
    owner = owners.first()
    if owner is None:
        raise PermissionDenied("没有可以管理公文模板的单位")
    return owner


def _page(request: HttpRequest, owner: Unit, *, preview: list[str] | None = None, data: Any = None,
          status: int = 200) -> HttpResponse:
    templates = list(DocumentTemplate.objects.filter(owner=owner).select_related("uploaded_by")
                     .order_by("kind", "-version"))
    kinds = []
    for value, label in DocumentKind.choices:
        versions = [t for t in templates if t.kind == value]
        kinds.append({"value": value, "label": label, "versions": versions,
                      "current": next((t for t in versions if t.is_current), None)})
    return render(request, "documents/templates.html", {
        "owner": owner, "owners": _owners(request.user), "kinds": kinds, "can_edit": can_write(request.user, owner),
        "preview": preview, "data": data or {}, "choices": DocumentKind.choices, "template_mb": actions.TEMPLATE_MB,
    }, status=status)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    if not may_manage(request.user):  # the menu entry's check (documents.apps)
        raise PermissionDenied("公文模板只对管理人员开放")
    return _page(request, _owner(request, request.GET.get("unit")))


@login_required
@require_POST
def template_upload(request: HttpRequest) -> HttpResponse:
    """预览 checks the file and shows what it makes from sample data (nothing stored); 上传 stores a new version."""
    owner = _owner(request, request.POST.get("unit"))
    if not can_write(request.user, owner):
        raise PermissionDenied("没有权限管理该单位的公文模板")
    kind, upload, note = request.POST.get("kind", ""), request.FILES.get("file"), request.POST.get("note", "")
    if request.POST.get("action") == "preview":
        checked = run_and_flash(request, lambda: actions.check_template(kind, upload, owner))
        if checked is REFUSED:
            return _page(request, owner, data=request.POST, status=422)
        return _page(request, owner, preview=paragraphs(checked[1]), data=request.POST)
    template = run_and_flash(request, lambda: actions.upload_template(request.user, owner, kind, upload, note),
                             "模板已上传并启用，此后下发的该类公文将使用新模板")
    if template is REFUSED:
        return _page(request, owner, data=request.POST, status=422)
    return redirect(reverse("documents:template_detail", args=[template.pk]))


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_visible_or_404(DocumentTemplate.objects.select_related("owner", "uploaded_by"), request.user, pk=pk)
    try:
        preview = paragraphs(fill(template_bytes(template, template.kind), sample_context(template.kind, template.owner)))
        error = ""
    except ValidationError as exc:
        preview, error = [], "；".join(exc.messages)
    versions = DocumentTemplate.objects.filter(owner=template.owner, kind=template.kind).order_by("-version")
    return render(request, "documents/template_detail.html", {
        "template": template, "preview": preview, "error": error, "versions": versions,
        "can_edit": can_write(request.user, template.owner)})


@login_required
def template_file(request: HttpRequest, pk: int) -> FileResponse:
    return file_response(get_visible_or_404(DocumentTemplate, request.user, pk=pk))


@login_required
def template_preview_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The document this version makes from sample data, to open in Word/WPS before anything is issued."""
    template = get_visible_or_404(DocumentTemplate.objects.select_related("owner"), request.user, pk=pk)
    data = fill(template_bytes(template, template.kind), sample_context(template.kind, template.owner))
    return _download(data, f"预览_{template.get_kind_display()}_第{template.version}版.docx", DOCX)


@login_required
@require_POST
def template_use(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_visible_or_404(DocumentTemplate.objects.select_related("owner"), request.user, pk=pk)
    if not can_write(request.user, template.owner):
        raise PermissionDenied("没有权限管理该单位的公文模板")
    run_and_flash(request, lambda: actions.use_version(request.user, template), f"已启用第 {template.version} 版")
    return redirect(reverse("documents:template_detail", args=[template.pk]))


@login_required
@require_POST
def template_builtin(request: HttpRequest) -> HttpResponse:
    owner = _owner(request, request.POST.get("unit"))
    if not can_write(request.user, owner):
        raise PermissionDenied("没有权限管理该单位的公文模板")
    kind = request.POST.get("kind", "")
    run_and_flash(request, lambda: actions.use_builtin(request.user, owner, kind), "已改用内置模板")
    return redirect(f"{reverse('documents:template_list')}?unit={owner.pk}")


@login_required
def builtin_file(request: HttpRequest, kind: str) -> HttpResponse:
    """A built-in template, to start a unit's own from."""
    if kind not in DocumentKind.values:
        raise Http404
    return _download(builtin_bytes(kind), f"内置模板_{DocumentKind(kind).label}.docx", DOCX)


def _download(data: bytes, name: str, ctype: str) -> HttpResponse:
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name.replace('：', '_'))}"
    return response
