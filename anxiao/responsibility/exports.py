"""Letters as DOCX (editable, as offices expect) and PDF (with an embedded CJK font), one or many in a zip."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from .actions import content_hash
from .models import Letter, LetterStatus


def filename(letter: Letter, ext: str) -> str:
    party = letter.party_b.replace(" ", "_").replace("/", "_")
    return f"{letter.year}_{letter.title}_{party}_v{letter.version}.{ext}"


def _lines(letter: Letter) -> list[tuple[str, str]]:
    """(style, text) in reading order, shared by both formats."""
    out = [("title", f"{letter.year}年度{letter.title}"), ("meta", f"（第 {letter.version} 版）"),
           ("p", f"甲方：{letter.issuer_unit.name}"), ("p", f"乙方：{letter.party_b}"), ("p", letter.preamble),
           ("h", "一、责任内容")]
    for i, c in enumerate(letter.clauses, start=1):
        ref = f"（依据{c['clause_ref']}）" if c.get("clause_ref") else ""
        out.append(("p", f"{i}. {c['text']}{ref}"))
    out += [("h", "二、责任追究"), ("p", letter.terms), ("h", "三、签订")]
    out.append(("p", f"甲方（盖章）：{letter.issuer_unit.name}"))
    signature = getattr(letter, "signature", None) if letter.status == LetterStatus.SIGNED else None
    if signature is not None:
        out.append(("p", f"乙方（签字）：{signature.person.name}（电子签订，{signature.signed_at:%Y-%m-%d %H:%M}）"))
        out.append(("meta", f"内容摘要 SHA-256：{signature.content_hash}"))
    else:
        out.append(("p", "乙方（签字）：________________    日期：________________"))
        out.append(("meta", f"内容摘要 SHA-256：{content_hash(letter)}（{letter.get_status_display()}）"))
    return out


def letter_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for kind, text in _lines(letter):
        if kind == "title":
            p = doc.add_paragraph()
            run = p.add_run(text)
            run.bold = True
            run.font.size = Pt(18)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "meta":
            p = doc.add_paragraph(text)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "h":
            doc.add_paragraph().add_run(text).bold = True
        else:
            doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_pdf(letter: Letter) -> bytes:
    from fpdf.enums import WrapMode

    from anxiao.core import pdf as docs

    pdf = docs.new(margin=20, page_break=20)
    for kind, text in _lines(letter):
        size = {"title": 18, "meta": 9, "h": 13}.get(kind, 11.5)
        pdf.set_font("cjk", size=size)
        align = "C" if kind in ("title", "meta") else "L"
        pdf.multi_cell(0, size * 0.62, text, align=align, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.ln(2 if kind != "title" else 4)
    return bytes(pdf.output())


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
