"""QR codes for patrol points and the school gate: inline SVG for the HTML sheet, PNG inside the A4 PDF posters."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno


def svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


@dataclass(frozen=True)
class Poster:
    """One A4 poster to post where the check-in happens: who/where, the QR code, what to do."""

    heading: str  # the school
    name: str  # the point (or 护学岗扫码签到 at the gate)
    place: str
    url: str
    lines: tuple[str, ...] = ()


def posters_pdf(posters: Iterable[Poster]) -> bytes:
    """One A4 portrait page per poster, Chinese text in the embedded CJK font (``core.pdf``): the school, the
    point's name in large type, its place, a 120 mm QR code of the check-in address, the instructions, the
    address in small type (when a phone's camera cannot read the code). Shared by patrol points and the gate."""
    from fpdf.enums import WrapMode

    from anxiao.core import pdf as docs

    pdf = docs.new(margin=15, page_break=None, add_page=False)
    for poster in posters:
        pdf.add_page()
        pdf.set_font("cjk", size=20)
        pdf.set_y(22)
        pdf.multi_cell(0, 10, poster.heading, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.set_font("cjk", size=34)
        pdf.multi_cell(0, 16, poster.name, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        if poster.place:
            pdf.set_font("cjk", size=16)
            pdf.multi_cell(0, 9, poster.place, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.image(io.BytesIO(png(poster.url)), x=45, y=max(pdf.get_y() + 6, 70), w=120, h=120)
        pdf.set_y(max(pdf.get_y() + 6, 70) + 126)
        pdf.set_font("cjk", size=15)
        for line in poster.lines:
            pdf.multi_cell(0, 9, line, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        pdf.set_y(-30)
        pdf.set_font("cjk", size=9)
        pdf.multi_cell(0, 5, poster.url, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    if not pdf.pages:
        pdf.add_page()
    return bytes(pdf.output())


def point_poster(point: Any, url: str) -> Poster:
    lines = ["巡查人员用本人账号扫码打卡，他人不能代打"]
    if point.key_area:
        lines.append(f"重点部位：每日巡查不少于 {point.daily_minimum} 次")
    return Poster(heading=point.unit.name, name=point.name, place=point.location, url=url, lines=tuple(lines))


def sheet_pdf(points: Iterable[Any], url_for: Any) -> bytes:
    """The patrol points' posters: one A4 page per point (``posters_pdf``)."""
    return posters_pdf(point_poster(p, url_for(p)) for p in points)
