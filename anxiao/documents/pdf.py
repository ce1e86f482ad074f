"""The same documents as PDF, laid out in Python (fpdf2) after GB/T 9704-2012: A4, the standard margins, a
serif CJK face embedded as a subset (or the licensed face named by ANXIAO_DOCUMENT_FONT), "— 1 —" page numbers
(odd pages right, even pages left). Filled from the same contexts as the DOCX templates (``contexts.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from . import gongwen as g

logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every kept glyph at INFO

PT = 25.4 / 72  # millimetres per point
LINE = g.LINE_PITCH_PT * PT  # one line of the 22-line grid, in mm
INDENT = g.SIZE_BODY * 2 * PT


def _footer(pdf: Any) -> None:
    n = pdf.page_no()
    pdf.set_y(-(g.MARGIN_BOTTOM_MM - g.PAGE_NUMBER_BELOW_MM))
    pdf.set_font("body", size=g.SIZE_PAGE_NUMBER)
    pdf.set_text_color(0, 0, 0)
    width = g.PAGE_WIDTH_MM - g.MARGIN_LEFT_MM - g.MARGIN_RIGHT_MM - 2 * g.SIZE_PAGE_NUMBER * PT
    pdf.set_x(g.MARGIN_LEFT_MM + g.SIZE_PAGE_NUMBER * PT)
    pdf.cell(width, 6, g.page_number(n), align="R" if n % 2 else "L")  # 单页码居右，双页码居左


def _document() -> Any:
    import types

    from anxiao.core.pdf import new

    body, body_index = g.pdf_body_font()
    title, title_index = g.pdf_title_font()
    pdf = new(margin=g.MARGIN_LEFT_MM, page_break=g.MARGIN_BOTTOM_MM, add_page=False)
    pdf.set_margins(g.MARGIN_LEFT_MM, g.MARGIN_TOP_MM, g.MARGIN_RIGHT_MM)
    pdf.add_font("body", fname=body, collection_font_number=body_index)
    pdf.add_font("title", fname=title, collection_font_number=title_index)
    pdf.footer = types.MethodType(_footer, pdf)
    pdf.set_creator("安校")
    pdf.add_page()
    return pdf


def _text(pdf: Any, text: str, *, size: float = g.SIZE_BODY, font: str = "body", align: str = "J",
          indent: bool = False, right_chars: int = 0, color: tuple[int, int, int] = (0, 0, 0),
          line: float | None = None) -> None:
    from fpdf.enums import WrapMode

    pdf.set_font(font, size=size)
    pdf.set_text_color(*color)
    height = line or max(LINE, size * PT * 1.25)
    width = pdf.epw - right_chars * g.SIZE_BODY * PT
    pdf.set_x(pdf.l_margin)
    if indent and text:
        text = "\u3000\u3000" + text  # 首行缩进两字: two ideographic spaces, as typists do
    pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)


def _red_head(pdf: Any, ctx: dict[str, Any]) -> None:
    pdf.ln(LINE)
    _text(pdf, ctx["issuer_mark"], size=g.SIZE_ISSUER_MARK, font="title", align="C", color=(0xC0, 0, 0),
          line=g.SIZE_ISSUER_MARK * PT * 1.4)
    pdf.ln(LINE)
    if ctx.get("number"):
        _text(pdf, ctx["number"], align="C")
    y = pdf.get_y() + 2
    pdf.set_draw_color(0xC0, 0, 0)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.ln(LINE)


def _title(pdf: Any, text: str) -> None:
    _text(pdf, text, size=g.SIZE_TITLE, font="title", align="C", line=g.SIZE_TITLE * PT * 1.6)


def _signoff(pdf: Any, ctx: dict[str, Any]) -> None:
    """Seal position (three blank lines), 发文机关署名 and 成文日期 four characters in from the right."""
    if pdf.get_y() + 4 * LINE > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(LINE)
    _text(pdf, "（印章）", align="R", right_chars=6, color=(0xBF, 0xBF, 0xBF))
    pdf.ln(LINE)
    _text(pdf, ctx["issuer"], align="R", right_chars=4)
    _text(pdf, ctx["date"], align="R", right_chars=4)


def _output(pdf: Any) -> bytes:
    return bytes(pdf.output())


def letter_pdf(ctx: dict[str, Any]) -> bytes:
    pdf = _document()
    _title(pdf, ctx["title"])
    _text(pdf, f"（{ctx['year']}年度　第 {ctx['version']} 版）", align="C")
    pdf.ln(LINE)
    _text(pdf, f"甲方：{ctx['party_a']}")
    _text(pdf, f"乙方：{ctx['party_b']}")
    _text(pdf, ctx["preamble"], indent=True)
    _text(pdf, "一、责任内容", indent=True)
    for c in ctx["clauses"]:
        _text(pdf, f"{c['no']}. {c['text']}{c['ref']}", indent=True)
    _text(pdf, "二、责任追究", indent=True)
    _text(pdf, ctx["terms"], indent=True)
    _text(pdf, "三、签订", indent=True)
    _signature_block(pdf, ctx)
    return _output(pdf)


def _signature_block(pdf: Any, ctx: dict[str, Any]) -> None:
    """Two columns, one per party: seal and wet-signature lines, the date line, and the electronic record."""
    size = 14.0
    line = size * PT * 1.6
    rows = [("甲方（盖章）：", "乙方（盖章）："), (ctx["party_a"], ctx["party_b"]), ("", ""), ("", ""),
            ("负责人（签字）：", "签订人（签字）："), ("", ""), ("日期：　　　年　　月　　日", "日期：　　　年　　月　　日"),
            (f"电子签订：{ctx['sign_a']['text']}", f"电子签订：{ctx['sign_b']['text']}")]
    needed = len(rows) * line + 3 * 5 + 10
    if pdf.get_y() + needed > pdf.h - pdf.b_margin:
        pdf.add_page()
    half = pdf.epw / 2
    pdf.set_font("body", size=size)
    pdf.set_text_color(0, 0, 0)
    from fpdf.enums import WrapMode

    for left, right in rows:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.multi_cell(half - 4, line, left, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        y_left = pdf.get_y()
        pdf.set_xy(pdf.l_margin + half, y)
        pdf.multi_cell(half - 4, line, right, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.set_y(max(pdf.get_y(), y_left))
    pdf.ln(3)
    for label, value in (("甲方内容摘要", ctx["sign_a"]["hash"]), ("乙方内容摘要", ctx["sign_b"]["hash"]),
                         ("本文内容摘要", ctx["content_hash"])):
        _text(pdf, f"{label}（SHA-256）：{value}", size=8, align="L", line=4.5)


def notice_pdf(ctx: dict[str, Any]) -> bytes:
    pdf = _document()
    _red_head(pdf, ctx)
    _title(pdf, ctx["title"])
    pdf.ln(LINE)
    _text(pdf, f"{ctx['audience']}：", align="L")
    for p in ctx["paragraphs"]:
        _text(pdf, p, indent=True)
    _signoff(pdf, ctx)
    return _output(pdf)


def assessment_pdf(ctx: dict[str, Any]) -> bytes:
    from fpdf.fonts import FontFace

    from anxiao.core.pdf import split_rows

    pdf = _document()
    _red_head(pdf, ctx)
    _title(pdf, ctx["title"])
    pdf.ln(LINE)
    _text(pdf, f"{ctx['audience']}：", align="L")
    for p in ctx["paragraphs"]:
        _text(pdf, p, indent=True)
    pdf.ln(2)
    pdf.set_font("body", size=g.SIZE_TABLE)
    heading = FontFace(emphasis="", fill_color=(255, 255, 255))
    with pdf.table(col_widths=(16, 60, 22, 58), text_align=("CENTER", "LEFT", "RIGHT", "LEFT"),
                   line_height=g.SIZE_TABLE * PT * 1.5, repeat_headings=1, first_row_as_headings=True,
                   headings_style=heading) as table:
        row = table.row()
        for h in ("排名", "单位", "得分", "一票否决情形"):
            row.cell(h)
        values = [(r["rank"], r["unit"], r["score"], r["vetoes"]) for r in ctx["rows"]]
        for cells in split_rows(pdf, values, (16, 60, 22, 58), g.SIZE_TABLE, 4):  # no row taller than a page
            row = table.row()
            for v in cells:
                row.cell(v)
    _signoff(pdf, ctx)
    return _output(pdf)
