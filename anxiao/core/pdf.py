"""PDF documents with Chinese text (fpdf2 with an embedded CJK font subset), shared by every export."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# fontTools logs every glyph it keeps at INFO while subsetting.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Searched in order; ANXIAO_CJK_FONT (a .ttf/.otf/.ttc path) comes first. Debian: fonts-noto-cjk or fonts-wqy-zenhei.
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2 = Noto Sans CJK SC
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]


class PdfUnavailable(Exception):
    """No Chinese font on this server: PDF exports answer 503 with this message (core.middleware), never a 500."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or "服务器未安装中文字体，暂时无法生成 PDF。请管理员安装 fonts-noto-cjk"
                                   "（或用 ANXIAO_CJK_FONT 指定字体文件）后重试；Excel、Word 导出不受影响。")


def cjk_font_path() -> tuple[str, int]:
    """(font file, collection index) of the CJK font every PDF embeds; PdfUnavailable when there is none."""
    configured = os.environ.get("ANXIAO_CJK_FONT")
    if configured:
        if not Path(configured).is_file():
            raise PdfUnavailable(f"ANXIAO_CJK_FONT 指定的字体文件不存在：{configured}")
        return configured, int(os.environ.get("ANXIAO_CJK_FONT_INDEX", "0"))
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise PdfUnavailable()


def available() -> bool:
    try:
        cjk_font_path()
    except PdfUnavailable:
        return False
    return True


def new(landscape: bool = False, margin: float = 12, page_break: float | None = 15, add_page: bool = True) -> Any:
    """The one way to start a PDF: an A4 FPDF with the CJK font registered as "cjk" (and selected)."""
    from fpdf import FPDF

    path, index = cjk_font_path()
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    if page_break is None:
        pdf.set_auto_page_break(False)
    else:
        pdf.set_auto_page_break(True, margin=page_break)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_margins(margin, margin, margin)
    if add_page:
        pdf.add_page()
    pdf.set_font("cjk", size=10)
    return pdf


def _page_of_pages(pdf: Any) -> None:
    pdf.set_y(-11)
    pdf.set_font("cjk", size=8)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(0, 5, f"第 {pdf.page_no()} 页 共 {{nb}} 页", align="C")


def document(landscape: bool = False) -> Any:
    """An A4 FPDF with the CJK font registered as "cjk", "第 X 页 共 Y 页" at the foot of every page, and one
    page added (table exports: ledger, roll-up)."""
    import types

    pdf = new(landscape=landscape, add_page=False)
    pdf.footer = types.MethodType(_page_of_pages, pdf)
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    return pdf


PT_MM = 0.3528  # one typographic point in millimetres


def _lines_for(text: str, chars_per_line: float) -> int:
    """Estimated wrapped lines of ``text`` (wide CJK characters count 1, narrow ones 0.6)."""
    total = 0
    for para in text.split("\n"):
        width = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in para)
        total += max(1, -int(-width // max(chars_per_line, 1)))
    return total


def split_cell(text: str, width_mm: float, font_size: float, max_height_mm: float) -> list[str]:
    """Cut ``text`` into pieces that each fit a table cell of ``width_mm`` within ``max_height_mm``."""
    chars_per_line = max(1.0, (width_mm - 2) / (font_size * PT_MM))
    max_lines = max(1, int(max_height_mm // (font_size * 0.55)))
    if _lines_for(text, chars_per_line) <= max_lines:
        return [text]
    pieces, start = [], 0
    step = max(1, int(chars_per_line * max_lines * 0.8))
    while start < len(text):
        end = min(len(text), start + step)
        while end - start > 1 and _lines_for(text[start:end], chars_per_line) > max_lines:
            end = start + (end - start) * 3 // 4
        pieces.append(text[start:end])
        start = end
    return pieces


def split_rows(pdf: Any, rows: Sequence[Sequence[Any]], widths: Sequence[float] | None, font_size: float,
               ncols: int) -> list[list[str]]:
    """Rows whose long cells are continued in the rows below (marked 续), so no row is taller than a page."""
    weights = list(widths) if widths else [1.0] * ncols
    scale = pdf.epw / sum(weights)
    max_height = pdf.eph * 0.6  # room for the repeated header row and the page's first rows
    out: list[list[str]] = []
    for values in rows:
        cells = ["" if v is None else str(v) for v in values]
        parts = [split_cell(c, w * scale, font_size, max_height) for c, w in zip(cells, weights, strict=False)]
        for i in range(max((len(p) for p in parts), default=1)):
            out.append([p[i] if i < len(p) else "" for p in parts])
            if i:
                out[-1][0] = out[-1][0] or "（续）"
    return out


def table(pdf: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None,
          font_size: float = 9) -> None:
    """A bordered table that wraps long cells and repeats its header on every page; a cell longer than a page
    continues in the rows below."""
    pdf.set_font("cjk", size=font_size)
    rows = split_rows(pdf, rows, widths, font_size, len(headers))
    from fpdf.fonts import FontFace

    heading = FontFace(emphasis="", fill_color=(221, 231, 243))
    with pdf.table(col_widths=tuple(widths) if widths else None, text_align="LEFT", line_height=font_size * 0.55,
                   repeat_headings=1, first_row_as_headings=True, headings_style=heading) as t:
        row = t.row()
        for h in headers:
            row.cell(str(h))
        for values in rows:
            row = t.row()
            for v in values:
                row.cell(v)


def title(pdf: Any, text: str, subtitle: str = "") -> None:
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def signoff(pdf: Any, labels: Sequence[str]) -> None:
    """制表单位（盖章）/ 制表人 / 审核 / 日期 spread over the width, with room below to sign and stamp."""
    height = 20
    if pdf.get_y() + height + 4 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("cjk", size=10)
    width = pdf.epw / max(len(labels), 1)
    y = pdf.get_y()
    for n, label in enumerate(labels):
        pdf.set_xy(pdf.l_margin + n * width, y)
        pdf.cell(width, 6, label)
    pdf.set_xy(pdf.l_margin, y + height)


def output(pdf: Any) -> bytes:
    return bytes(pdf.output())
