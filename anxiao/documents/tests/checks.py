"""Opening generated files the way an office would: page size, page numbers, fonts, cells."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

A4_TWIPS = (11906, 16838)  # 210 × 297 mm in twentieths of a point


def docx_xml(docx: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return zf.read(part).decode("utf-8")


def assert_docx_a4_with_page_numbers(docx: bytes) -> None:
    xml = docx_xml(docx)
    size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', xml)
    assert size, "no page size"
    w, h = int(size.group(1)), int(size.group(2))
    assert abs(w - A4_TWIPS[0]) <= 3 and abs(h - A4_TWIPS[1]) <= 3, (w, h)
    margins = re.search(r'<w:pgMar w:top="(\d+)" w:right="(\d+)" w:bottom="(\d+)" w:left="(\d+)"', xml)
    assert margins, "no margins"
    top, right, bottom, left = (int(x) / 56.7 for x in margins.groups())  # twips → mm
    assert (round(top), round(right), round(bottom), round(left)) == (37, 26, 35, 28)
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        footers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer")]
    numbered = [f for f in footers if "PAGE" in f and "— " in f and " —" in f]
    assert len(numbered) >= 2, "odd and even footers carry “— PAGE —”"


def docx_fonts(docx: bytes) -> set[str]:
    xml = docx_xml(docx) + docx_xml(docx, "word/styles.xml")
    return set(re.findall(r'w:eastAsia="([^"]+)"', xml))


def pdf_info(pdf: bytes) -> dict[str, Any]:
    """Page sizes (pt), fonts and their embedding, page text — through poppler when installed, else by bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True,
                              check=True).stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    sizes = [(float(a), float(b)) for a, b in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    font_rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    return {"sizes": sizes, "fonts": font_rows, "pages": text.split("\f")[:len(sizes)] if sizes else [text]}


def assert_pdf_a4_numbered_embedded(pdf: bytes, serif: bool = True) -> dict[str, Any]:
    info = pdf_info(pdf)
    assert info["sizes"], "no pages"
    for w, h in info["sizes"]:
        assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1, (w, h)
    assert info["fonts"] and all("yes" in row[-5:-2] for row in info["fonts"]), info["fonts"]  # emb column
    if serif:
        assert any("Serif" in row[0] for row in info["fonts"]), info["fonts"]
    for n, page in enumerate(info["pages"], start=1):
        assert re.search(rf"—\s*{n}\s*—", page), f"page {n} has no page number “— {n} —”"
    return info


def assert_xlsx_print_ready(xlsx: bytes, header_row: int) -> tuple[Any, list[list[Any]]]:
    """Every sheet (a table too wide for 8 pt is printed in parts, a sheet each): A4, fitted to the page width with
    the body at 8 pt or more, header row repeated, “第 X 页 共 Y 页”, a 合计 row and the sign-off block.
    Returns the first sheet and its body rows (between the header and the 合计 row)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    first: tuple[Any, list[list[Any]]] | None = None
    for ws in wb.worksheets:
        body = _print_ready_sheet(ws, header_row)
        first = first or (ws, body)
    assert first is not None
    return first


def printed_body_pt(ws: Any) -> float:
    """The body's size as printed, from the sheet's own column widths and orientation (documents.tables)."""
    from openpyxl.utils import get_column_letter

    from anxiao.documents.tables import Column, printed_pt

    widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]
    return printed_pt([Column("", w) for w in widths], ws.page_setup.orientation == "landscape")


def _print_ready_sheet(ws: Any, header_row: int) -> list[list[Any]]:
    assert str(ws.page_setup.paperSize) == "9", "A4"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert printed_body_pt(ws) >= 8, f"{ws.title}: the body prints at {printed_body_pt(ws):.1f} pt"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    _headers_wrap_whole_brackets(ws, values[header_row - 1])
    totals = [i for i, row in enumerate(values) if row and row[0] == "合计"]
    assert len(totals) == 1, "one 合计 row"
    signoff = [row for row in values if row and isinstance(row[0], str) and row[0].startswith("制表单位")]
    assert signoff and any(isinstance(v, str) and v.startswith("审核") for v in signoff[0])
    assert any(isinstance(v, str) and v.startswith("制表人") for v in signoff[0])
    assert any(isinstance(v, str) and v.startswith("日期") for v in signoff[0])
    return values[header_row:totals[0]]


def _headers_wrap_whole_brackets(ws: Any, labels: list[Any]) -> None:
    """Header brackets are full-width (never “（30)”), and a line holding a bracket after its start fits the column,
    so the bracket is never cut from its text (“履职任务完成率（” / “30）”)."""
    from openpyxl.utils import get_column_letter

    from anxiao.documents.tables import _display_width

    for i, label in enumerate(labels, start=1):
        text = str(label or "")
        assert "(" not in text and ")" not in text, f"half-width bracket in the header “{text}”"
        width = ws.column_dimensions[get_column_letter(i)].width
        for line in text.split("\n"):
            assert "（" not in line[1:] or _display_width(line) <= width - 1, f"“{line}” wraps in a {width} column"


def pdf_font_sizes(pdf: bytes) -> list[float]:
    """Every font size set in the PDF's page content (``/F1 8.00 Tf``), the streams inflated."""
    sizes: list[float] = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = match.group(1)
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        sizes += [float(x) for x in re.findall(rb"/F\d+\s+([\d.]+)\s+Tf", data)]
    return sizes
