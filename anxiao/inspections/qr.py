"""QR codes for patrol points: inline SVG for the HTML sheet, PNG inside the PDF sheet."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import segno


def svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def sheet_pdf(points: Iterable[Any], url_for: Any) -> bytes:
    """A4 sheet, six points a page (2 × 3): name, school, location and the QR code of the check-in page."""
    from anxiao.core import pdf as docs

    pdf = docs.new(page_break=None, add_page=False)
    for n, point in enumerate(points):
        if n % 6 == 0:
            pdf.add_page()
        col, row = n % 2, (n % 6) // 2
        x, y = 15 + col * 95, 15 + row * 90
        pdf.rect(x, y, 85, 82)
        pdf.set_font("cjk", size=14)
        pdf.set_xy(x + 3, y + 3)
        pdf.cell(79, 8, point.name, align="C")
        pdf.set_font("cjk", size=9)
        pdf.set_xy(x + 3, y + 11)
        pdf.cell(79, 6, f"{point.unit.name} {point.location}", align="C")
        pdf.image(io.BytesIO(png(url_for(point))), x=x + 20, y=y + 19, w=45, h=45)
        pdf.set_xy(x + 3, y + 67)
        pdf.cell(79, 6, "扫码巡查打卡" + (f"（重点部位每日 ≥{point.daily_minimum} 次）" if point.key_area else ""),
                 align="C")
    if not pdf.pages:
        pdf.add_page()
    return bytes(pdf.output())
