"""Word documents from templates (docxtpl): the bureau's current template of a kind, else the built-in one.

Uploaded templates are Jinja inside Word; they run in Jinja's sandbox with every placeholder required, and
any failure becomes a ``ValidationError`` in Chinese naming the template field.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from .models import LETTER_KINDS, DocumentTemplate

BUILTIN = Path(__file__).resolve().parent / "builtin"


def builtin_name(kind: str) -> str:
    return "letter" if kind in LETTER_KINDS else kind


def builtin_bytes(kind: str) -> bytes:
    return (BUILTIN / f"{builtin_name(kind)}.docx").read_bytes()


def current_template(owner: Any, kind: str) -> DocumentTemplate | None:
    """The current template of ``owner`` or, for a school, of its supervising bureau; None means built-in."""
    if owner is None:
        return None
    owners = [owner.pk] + [u for u in (getattr(owner, "supervising_unit_id", None),) if u]
    found = {t.owner_id: t for t in DocumentTemplate.objects.filter(owner_id__in=owners, kind=kind, is_current=True)}
    for owner_id in owners:
        if owner_id in found:
            return found[owner_id]
    return None


def template_bytes(template: DocumentTemplate | None, kind: str) -> bytes:
    if template is None:
        return builtin_bytes(kind)
    from django.conf import settings

    return (Path(settings.MEDIA_ROOT) / template.path).read_bytes()


def _env() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _chinese(exc: Exception) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
        if m and m.group(2):
            return f"模板中的占位符“{m.group(1)}.{m.group(2)}”不存在，请对照占位符说明修改"
        name = m.group(1) if m else str(exc)
        return f"模板中的占位符“{name}”不存在，请对照占位符说明修改"
    if isinstance(exc, TemplateSyntaxError):
        return f"模板中的占位符写法有误（{exc.message}），请检查 {{{{ }}}} 与 {{% %}} 是否成对"
    if isinstance(exc, SecurityError):
        return "模板中含有不允许的表达式，只能使用占位符说明中列出的内容"
    return f"模板无法生成文档（{type(exc).__name__}）"


def render(source: bytes, context: dict[str, Any], field: str = "file") -> bytes:
    """Fill a .docx template with ``context``; raise ValidationError({field: [中文]}) when it cannot be filled."""
    from docxtpl import DocxTemplate

    if not zipfile.is_zipfile(io.BytesIO(source)):
        raise ValidationError({field: ["文件不是 Word 文档（.docx），请在 Word/WPS 中另存为 .docx 后上传"]})
    try:
        tpl = DocxTemplate(io.BytesIO(source))
        tpl.render(context, jinja_env=_env(), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except ValidationError:
        raise
    except KeyError:
        raise ValidationError({field: ["文件不是有效的 Word 文档（.docx），缺少正文部分"]})
    except Exception as exc:  # jinja2 and lxml errors from a user's template
        raise ValidationError({field: [_chinese(exc)]})
    return out.getvalue()


def render_for(owner: Any, kind: str, context: dict[str, Any],
               template: DocumentTemplate | None = None) -> bytes:
    """The document of ``kind`` for ``owner`` (its current template unless one is given)."""
    template = template if template is not None else current_template(owner, kind)
    return render(template_bytes(template, kind), context)


def paragraphs(docx: bytes) -> list[str]:
    """The text of a document, paragraph by paragraph (tables row by row), for previews and tests."""
    from docx import Document

    doc = Document(io.BytesIO(docx))
    out = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for tr in child.iter():
                if tr.tag.endswith("}tr"):
                    cells = []
                    for tc in tr:
                        if tc.tag.endswith("}tc"):
                            cells.append("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")))
                    out.append(" | ".join(cells))
    return out
