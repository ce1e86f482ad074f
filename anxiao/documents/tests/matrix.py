"""The documents app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anxiao.core.testing import Case


def template(w: Any) -> Any:
    """A notice template version uploaded by bureau A."""
    if not hasattr(w, "document_template"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from anxiao.documents import actions
        from anxiao.documents.render import builtin_bytes

        upload = SimpleUploadedFile("通知模板.docx", builtin_bytes("notice"))
        w.document_template = actions.upload_template(w.users["sysadmin"], w.bureau_a, "notice", upload)
    return w.document_template


def D(name: str, *args: Any) -> str:
    return reverse(f"documents:{name}", args=args)


CASES = [
    Case("documents:template_list", lambda w: D("template_list"), managers_only=True),
    Case("documents:builtin_file", lambda w: D("builtin_file", "notice")),
    Case("documents:template_detail", lambda w: D("template_detail", template(w).pk), target="bureau_a"),
    Case("documents:template_file", lambda w: D("template_file", template(w).pk), target="bureau_a"),
    Case("documents:template_preview_file", lambda w: D("template_preview_file", template(w).pk), target="bureau_a"),
    # No file chosen: a writer gets the page back with the Chinese error (422).
    Case("documents:template_upload", lambda w: D("template_upload"), target="bureau_a", kind="write", method="post",
         data=lambda w: {"unit": w.bureau_a.pk, "kind": "notice", "action": "upload"}, ok=422,
         write_scope_first=False),
    Case("documents:template_builtin", lambda w: D("template_builtin"), target="bureau_a", kind="write",
         method="post", data=lambda w: {"unit": w.bureau_a.pk, "kind": "notice"}, ok=302, write_scope_first=False),
    Case("documents:template_use", lambda w: D("template_use", template(w).pk), target="bureau_a", kind="write",
         method="post", data=lambda w: {}, ok=302, write_scope_first=False),
]
