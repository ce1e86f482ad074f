"""Writes the built-in Word templates (GB/T 9704-2012 layout) next to this file:

    .venv/bin/python anxiao/documents/builtin/make.py

The templates hold docxtpl (Jinja) placeholders; ``docs/documents.md`` lists them. They are committed, so a
bureau can download one, change it in Word/WPS and upload it back. Re-run after changing ``gongwen.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from anxiao.documents import gongwen as g  # noqa: E402

INDENT = Pt(g.SIZE_BODY * 2)  # 首行缩进两字


def _fonts(run_or_style: Any, east_asia: str, size: float | None = None) -> None:
    font = run_or_style.font
    font.name = g.FONT_LATIN
    if size is not None:
        font.size = Pt(size)
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), g.FONT_LATIN)
    fonts.set(qn("w:hAnsi"), g.FONT_LATIN)


def _page_field(paragraph: Any) -> None:
    """“— PAGE —” with a real PAGE field, so Word/WPS number every page."""

    def run(text: str = "") -> Any:
        r = paragraph.add_run(text)
        _fonts(r, g.FONT_PAGE_NUMBER, g.SIZE_PAGE_NUMBER)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    run(" —")


def new_document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(g.PAGE_WIDTH_MM), Mm(g.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(g.MARGIN_TOP_MM), Mm(g.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(g.MARGIN_LEFT_MM), Mm(g.MARGIN_RIGHT_MM)
    section.footer_distance = Mm(g.MARGIN_BOTTOM_MM - g.PAGE_NUMBER_BELOW_MM - 6)
    section.header_distance = Mm(15)
    normal = doc.styles["Normal"]
    _fonts(normal, g.FONT_BODY, g.SIZE_BODY)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(g.LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    # 单页码居右空一字，双页码居左空一字.
    doc.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(g.SIZE_PAGE_NUMBER)
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(g.SIZE_PAGE_NUMBER)
    _page_field(even)
    doc.core_properties.title = "安校公文模板"
    doc.core_properties.author = "安校"
    return doc


def para(doc: Any, text: str = "", *, font: str = g.FONT_BODY, size: float = g.SIZE_BODY, align: Any = None,
         indent: bool = False, color: str | None = None, right_chars: int = 0, bold: bool = False,
         exact: float | None = None) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = INDENT
    if right_chars:
        p.paragraph_format.right_indent = Pt(g.SIZE_BODY * right_chars)
    if exact:
        p.paragraph_format.line_spacing = Pt(exact)
    if text:
        r = p.add_run(text)
        _fonts(r, font, size)
        r.bold = bold
        if color:
            r.font.color.rgb = RGBColor.from_string(color)
    return p


def red_rule(doc: Any) -> None:
    """版头中的分隔线: a red line under the 发文字号, across the type area."""
    p = para(doc, exact=8)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", g.RED)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def red_head(doc: Any) -> None:
    """版头: 发文机关标志 (red), 发文字号, red separator."""
    para(doc)
    para(doc, "{{ issuer_mark }}", font=g.FONT_TITLE, size=g.SIZE_ISSUER_MARK, align=WD_ALIGN_PARAGRAPH.CENTER,
         color=g.RED, exact=g.SIZE_ISSUER_MARK * 1.4)
    para(doc)
    para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    red_rule(doc)
    para(doc)


def title(doc: Any, text: str = "{{ title }}") -> None:
    para(doc, text, font=g.FONT_TITLE, size=g.SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, exact=g.SIZE_TITLE * 1.6)


def heading(doc: Any, text: str) -> None:
    para(doc, text, font=g.FONT_HEADING, indent=True)


def paragraphs(doc: Any, var: str = "paragraphs") -> None:
    para(doc, f"{{%p for text in {var} %}}")
    para(doc, "{{ text }}", indent=True)
    para(doc, "{%p endfor %}")


def signoff(doc: Any) -> None:
    """发文机关署名 and 成文日期, right-aligned four characters in; the blank lines above are the seal position."""
    para(doc)
    para(doc, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=6, color="BFBFBF")
    para(doc)
    para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)


def _cell(cell: Any, lines: list[str], size: float = g.SIZE_BODY) -> None:
    cell.paragraphs[0].text = ""
    for i, text in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.paragraph_format.line_spacing = Pt(size * 1.6)
        r = p.add_run(text)
        _fonts(r, g.FONT_BODY, size)


def letter() -> Any:
    """责任书: title, parties, text, clauses, terms, and a signature block for each party."""
    doc = new_document()
    title(doc)
    para(doc, "（{{ year }}年度　第 {{ version }} 版）", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc)
    para(doc, "甲方：{{ party_a }}")
    para(doc, "乙方：{{ party_b }}")
    para(doc, "{{ preamble }}", indent=True)
    heading(doc, "一、责任内容")
    para(doc, "{%p for c in clauses %}")
    para(doc, "{{ c.no }}. {{ c.text }}{{ c.ref }}", indent=True)
    para(doc, "{%p endfor %}")
    heading(doc, "二、责任追究")
    para(doc, "{{ terms }}", indent=True)
    heading(doc, "三、签订")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, side in zip(table.rows[0].cells, ("a", "b"), strict=True):
        label = "甲方" if side == "a" else "乙方"
        _cell(cell, [f"{label}（盖章）：", f"{{{{ party_{side} }}}}", "", "", f"{'负责人' if side == 'a' else '签订人'}（签字）：",
                     "", "日期：　　　年　　月　　日", f"电子签订：{{{{ sign_{side}.text }}}}"], size=14)
    para(doc)
    para(doc, "甲方内容摘要（SHA-256）：{{ sign_a.hash }}", size=9, exact=14)
    para(doc, "乙方内容摘要（SHA-256）：{{ sign_b.hash }}", size=9, exact=14)
    para(doc, "本文内容摘要（SHA-256）：{{ content_hash }}", size=9, exact=14)
    return doc


def notice() -> Any:
    """通知 / 通报: red head, title, 主送机关, body, seal position, 署名 and 成文日期."""
    doc = new_document()
    red_head(doc)
    title(doc)
    para(doc)
    para(doc, "{{ audience }}：")
    paragraphs(doc)
    signoff(doc)
    return doc


def assessment_bulletin() -> Any:
    """考核结果通报: red head, title, text, the ranking table, seal position, 署名 and 成文日期."""
    doc = new_document()
    red_head(doc)
    title(doc)
    para(doc)
    para(doc, "{{ audience }}：")
    paragraphs(doc)
    headers = ["排名", "单位", "得分", "一票否决情形"]
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, [text], size=g.SIZE_TABLE)
    _cell(table.rows[1].cells[0], ["{%tr for r in rows %}"], size=g.SIZE_TABLE)
    for cell, text in zip(table.rows[2].cells, ["{{ r.rank }}", "{{ r.unit }}", "{{ r.score }}", "{{ r.vetoes }}"],
                          strict=True):
        _cell(cell, [text], size=g.SIZE_TABLE)
    _cell(table.rows[3].cells[0], ["{%tr endfor %}"], size=g.SIZE_TABLE)
    # 表头在每页重复.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    for row in table.rows:
        for cell, width in zip(row.cells, (Mm(16), Mm(60), Mm(22), Mm(58)), strict=True):
            cell.width = width
    signoff(doc)
    return doc


BUILDERS = {"letter": letter, "notice": notice, "bulletin": notice, "assessment_bulletin": assessment_bulletin}


def main() -> None:
    for name, build in BUILDERS.items():
        doc = build()
        # Fixed metadata, so re-running without changes writes the same files.
        doc.save(str(HERE / f"{name}.docx"))
        print(HERE / f"{name}.docx")


if __name__ == "__main__":
    main()
