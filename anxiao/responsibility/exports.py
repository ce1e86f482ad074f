"""Letters as DOCX (from the bureau's Word template, editable as offices expect) and PDF (GB/T 9704 layout with an
embedded serif CJK font), one or many in a zip. The layout lives in ``anxiao.documents``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from anxiao.documents.lists import ListExport
from anxiao.documents.tables import Column

from .filters import LetterFilter
from .models import Letter, LetterStatus

LETTERS = ListExport(
    title="安全责任书", filters=LetterFilter, list_url="responsibility:letter_list",
    rows=lambda user: Letter.objects.visible_to(user)
    .select_related("issuer_unit", "signatory_unit", "signatory_person").order_by("-year", "signatory_unit__path",
                                                                                  "-version"),
    columns=[
        (Column("责任书", 28, wrap=True), lambda letter: letter.title),
        (Column("甲方", 18, wrap=True), lambda letter: letter.issuer_unit.name),
        (Column("乙方", 22, wrap=True), lambda letter: letter.party_b),
        (Column("类型", 12), lambda letter: letter.get_kind_display()),
        (Column("年度", 7, "int"), lambda letter: letter.year),
        (Column("版本", 6, "int"), lambda letter: letter.version),
        (Column("状态", 9), lambda letter: letter.get_status_display()),
        (Column("下发时间", 16, "datetime"), lambda letter: letter.issued_at),
    ],
)


def filename(letter: Letter, ext: str) -> str:
    party = letter.party_b.replace(" ", "_").replace("/", "_")
    return f"{letter.year}_{letter.title}_{party}_v{letter.version}.{ext}"


def letter_docx(letter: Letter) -> bytes:
    """From the Word template recorded on the letter when it was issued (the bureau's, or the built-in one);
    a draft uses the current template."""
    from anxiao.documents.contexts import letter_context
    from anxiao.documents.render import current_template, render, template_bytes

    template = letter.template if letter.template_id else None
    if template is None and letter.status == LetterStatus.DRAFT:
        template = current_template(letter.issuer_unit, letter.kind)
    return render(template_bytes(template, letter.kind), letter_context(letter))


def letter_pdf(letter: Letter) -> bytes:
    """The built-in GB/T 9704 layout in PDF, with the same words as the DOCX."""
    from anxiao.documents.contexts import letter_context
    from anxiao.documents.pdf import letter_pdf as render_pdf

    return render_pdf(letter_context(letter))


def letters_zip(letters: Iterable[Letter], formats: tuple[str, ...] = ("docx", "pdf")) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for letter in letters:
            folder = letter.signatory_unit.name
            if "docx" in formats:
                zf.writestr(f"{folder}/{filename(letter, 'docx')}", letter_docx(letter))
            if "pdf" in formats:
                zf.writestr(f"{folder}/{filename(letter, 'pdf')}", letter_pdf(letter))
    return buf.getvalue()
