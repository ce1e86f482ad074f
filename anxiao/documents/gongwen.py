"""The layout of Chinese official documents (公文) after GB/T 9704-2012, shared by the DOCX templates and the PDF.

Only figures live here (page, margins, type sizes, line pitch, fonts, date form), so the built-in Word
templates (``builtin/make.py``) and the PDF renderer (``pdf.py``) print the same page.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

# A4, 版心 156 mm × 225 mm: 天头（上白边）37 mm, 订口（左白边）28 mm, hence right 26 mm and bottom 35 mm.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
# The page number sits 7 mm below the type area (一字线上距版心下边缘约 7 mm).
PAGE_NUMBER_BELOW_MM = 7.0

# 字号 in points: 二号 22 pt (title), 三号 16 pt (body), 四号 14 pt (page number), 小四 12 pt (table text).
SIZE_TITLE = 22.0
SIZE_BODY = 16.0
SIZE_PAGE_NUMBER = 14.0
SIZE_TABLE = 12.0
SIZE_ISSUER_MARK = 36.0  # 发文机关标志: 小标宋, red, large — the standard leaves the size to the issuer
# 22 lines of 28 characters on the type area: 225 mm / 22 ≈ 28.95 pt line pitch.
LINE_PITCH_PT = 28.95
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22

RED = "C00000"  # 发文机关标志 and the separator line (红色分隔线)

# Font names written into the DOCX (Word/WPS pick the installed face; offices have these).
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"  # 一级标题
FONT_SUBHEADING = "楷体_GB2312"  # 二级标题
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

# Serif CJK faces the PDF uses when no licensed face is configured (Debian fonts-noto-cjk; index 2 = SC).
PDF_SERIF_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto-cjk/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]
PDF_SERIF_BOLD_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto-cjk/NotoSerifCJK-Bold.ttc", 2),
]

CN_DIGITS = "〇一二三四五六七八九"
CN_NUMBERS = "一二三四五六七八九十"


def cn_date(value: Any) -> str:
    """成文日期 form: 2026年12月4日 (Arabic numerals, no zero padding). Datetimes are taken in local time."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: datetime.date) -> str:
    """A month in a document's text: 2026年1月 (no zero padding, as 成文日期)."""
    return f"{value.year}年{value.month}月"


def cn_datetime(value: Any) -> str:
    """2026年12月4日 9:05 — for signature records, where the time matters."""
    if value is None:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{cn_date(local)} {local.hour}:{local.minute:02d}"


def page_number(n: int) -> str:
    """The page number as printed: a dash, a space, the number, a space, a dash."""
    return f"— {n} —"


def heading_number(i: int) -> str:
    """一、二、… for level-one headings (i from 1)."""
    if i <= 10:
        return CN_NUMBERS[i - 1]
    tens, ones = divmod(i, 10)
    return f"{CN_NUMBERS[tens - 1] if tens > 1 else ''}十{CN_NUMBERS[ones - 1] if ones else ''}"


def _configured(var: str) -> tuple[str, int] | None:
    path = os.environ.get(var, "").strip()
    if not path:
        return None
    if not Path(path).is_file():
        from anxiao.core.pdf import PdfUnavailable

        raise PdfUnavailable(f"{var} 指定的字体文件不存在：{path}")
    return path, int(os.environ.get(f"{var}_INDEX", "0"))


def pdf_body_font() -> tuple[str, int]:
    """The face for PDF documents: ANXIAO_DOCUMENT_FONT (a licensed 仿宋/宋体 .ttf/.otf/.ttc), else a serif CJK face,
    else whatever CJK face the other exports use."""
    configured = _configured("ANXIAO_DOCUMENT_FONT")
    if configured:
        return configured
    for path, index in PDF_SERIF_CANDIDATES:
        if Path(path).exists():
            return path, index
    from anxiao.core.pdf import cjk_font_path

    return cjk_font_path()


def pdf_title_font() -> tuple[str, int]:
    """The title face: ANXIAO_DOCUMENT_TITLE_FONT (a licensed 小标宋), else a bold serif CJK face, else the body face."""
    configured = _configured("ANXIAO_DOCUMENT_TITLE_FONT")
    if configured:
        return configured
    if not os.environ.get("ANXIAO_DOCUMENT_FONT"):
        for path, index in PDF_SERIF_BOLD_CANDIDATES:
            if Path(path).exists():
                return path, index
    return pdf_body_font()
