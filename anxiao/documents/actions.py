"""Changes to a unit's Word templates: upload a new version (checked by filling it), switch versions, or go
back to the built-in template. Versions are never deleted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from anxiao.core.access import can_write
from anxiao.core.choices import UnitKind
from anxiao.core.files import check_upload

from .contexts import sample_context
from .models import DocumentKind, DocumentTemplate
from .render import render

TEMPLATE_MB = 5
OWNER_KINDS = (UnitKind.BUREAU, UnitKind.SCHOOL)


def _require_owner(actor: Any, owner: Any) -> None:
    if owner is None or owner.kind not in OWNER_KINDS:
        raise ValidationError({"owner": ["公文模板只能属于教育局或学校"]})
    if not can_write(actor, owner):
        raise PermissionDenied("没有权限管理该单位的公文模板")


def check_template(kind: str, upload: Any, owner: Any = None) -> tuple[Any, bytes]:
    """The checked upload and the document it makes from sample data; Chinese errors on the field ``file``."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": ["请选择文种"]})
    if upload is None:
        raise ValidationError({"file": ["请选择要上传的 Word 模板（.docx）"]})
    checked = check_upload(upload, images_only=False, field="file", limit=TEMPLATE_MB * 1024 * 1024)
    if checked.ext != "docx":
        raise ValidationError({"file": [f"文件“{checked.name}”不是 Word 文档（.docx），请在 Word/WPS 中另存为 .docx 后上传"]})
    return checked, render(checked.content, sample_context(kind, owner), field="file")


def upload_template(actor: Any, owner: Any, kind: str, upload: Any, note: str = "") -> DocumentTemplate:
    """A new version, current from now on: the next document of this kind issued by ``owner`` uses it."""
    _require_owner(actor, owner)
    checked, _preview = check_template(kind, upload, owner)
    with transaction.atomic():
        versions = DocumentTemplate.objects.select_for_update().filter(owner=owner, kind=kind)
        last = max((t.version for t in versions), default=0)
        for t in versions:
            if t.is_current:
                t.is_current = False
                t.save(update_fields=["is_current", "updated_at"])
        template = DocumentTemplate.from_checked(checked, f"templates/{owner.pk}", owner=owner, kind=kind,
                                                 version=last + 1, is_current=True, note=(note or "").strip()[:200],
                                                 uploaded_by=actor if getattr(actor, "pk", None) else None)
        template.save()
    return template


def use_version(actor: Any, template: DocumentTemplate) -> DocumentTemplate:
    """Make an earlier (or the current) version the one in use."""
    _require_owner(actor, template.owner)
    with transaction.atomic():
        for t in DocumentTemplate.objects.select_for_update().filter(owner=template.owner, kind=template.kind,
                                                                       is_current=True).exclude(pk=template.pk):
            t.is_current = False
            t.save(update_fields=["is_current", "updated_at"])
        template.is_current = True
        template.save(update_fields=["is_current", "updated_at"])
    return template


def use_builtin(actor: Any, owner: Any, kind: str) -> None:
    """Back to the built-in template; the uploaded versions stay on file."""
    _require_owner(actor, owner)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": ["请选择文种"]})
    for t in DocumentTemplate.objects.filter(owner=owner, kind=kind, is_current=True):
        t.is_current = False
        t.save(update_fields=["is_current", "updated_at"])
