"""PDF documents with Chinese text (fpdf2 with an embedded CJK font subset), shared by every export."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

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


def cjk_font() -> tuple[str, int]:
    configured = os.environ.get("ANXIAO_CJK_FONT")
    if configured:
        return configured, int(os.environ.get("ANXIAO_CJK_FONT_INDEX", "0"))
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    raise ImproperlyConfigured("找不到中文字体：请安装 fonts-noto-cjk，或用 ANXIAO_CJK_FONT 指定字体文件")


def document(landscape: bool = False) -> Any:
    """An A4 FPDF with the CJK font registered as "cjk" and one page added."""
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    pdf.set_font("cjk", size=10)
    return pdf


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
