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


def document(landscape: bool = False) -> Any:
    """An A4 FPDF with the CJK font registered as "cjk" and one page added."""
    return new(landscape=landscape)


def table(pdf: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None,
          font_size: float = 9) -> None:
    """A bordered table that wraps long cells and repeats its header on every page."""
    pdf.set_font("cjk", size=font_size)
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
                row.cell("" if v is None else str(v))


def title(pdf: Any, text: str, subtitle: str = "") -> None:
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def output(pdf: Any) -> bytes:
    return bytes(pdf.output())
