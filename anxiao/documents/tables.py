"""Every table export (ledgers, lists, roll-ups, bulletins) as a print-ready XLSX, written one way.

A4 in the orientation asked, all columns fitted to the page width, the header row repeated on every page,
numbers and dates as real cell types (never text), a 合计 row summing the columns marked ``total``, the footer
"第 X 页 共 Y 页", and a 制表单位 / 制表人 / 审核 / 日期 block with room to sign and stamp. The sheet is written
row by row (openpyxl write-only), so a province-sized roll-up keeps memory bounded.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .gongwen import cn_date

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDE7F3")
FONT = "宋体"
FORMATS = {"int": "0", "decimal": "0.00", "percent": "0.0%", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
# A string starting like a formula is stored as text, never evaluated (formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX = 32_767  # what a spreadsheet cell holds; longer text is cut with a note so the file still opens
CUT_NOTE = "…（内容过长，已截断）"
TOTAL_LABEL = "合计"
FOOTER = "第 &P 页 共 &N 页"


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12
    kind: str = "text"  # text | int | decimal | percent | date | datetime
    total: bool = False  # summed in the 合计 row
    wrap: bool = False


@dataclass(frozen=True)
class Signoff:
    """制表单位 / 制表人 / 审核 / 日期 under the table; blanks are lines to write on by hand."""

    unit: str = ""
    preparer: str = ""
    reviewer: str = ""
    date: datetime.date | None = None

    @classmethod
    def by(cls, user: Any, unit: Any = None) -> Signoff:
        """Prepared today by ``user`` for ``unit`` (default: the unit the user's person belongs to)."""
        from django.utils import timezone

        person = getattr(user, "person", None) if getattr(user, "pk", None) else None
        unit = unit if unit is not None else getattr(person, "unit", None)
        preparer = user.get_full_name() if getattr(user, "pk", None) else ""
        return cls(unit=getattr(unit, "name", "") or "", preparer=preparer, date=timezone.localdate())


def typed(value: Any, kind: str) -> Any:
    """The value as the cell type its column declares: numbers and dates are never left as text."""
    if value is None or value == "":
        return None
    if kind in ("int", "decimal", "percent"):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return value
        text = str(value).strip().rstrip("%")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return str(value)
        if kind == "percent" and str(value).strip().endswith("%"):
            number = number / 100
        return int(number) if kind == "int" and number == number.to_integral_value() else float(number)
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kind == "datetime":
        if isinstance(value, datetime.datetime):
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return typed(value, "date")
    return str(value)


def cell(ws: Any, value: Any, *, kind: str = "text", font: Font | None = None, fill: Any = None,
         border: Any = None, alignment: Alignment | None = None) -> WriteOnlyCell:
    """The one cell writer for table exports: typed value, number format, formula-looking text kept as text,
    text cut to what a cell holds."""
    value = typed(value, kind) if kind != "text" else (None if value is None else value)
    if isinstance(value, str) and len(value) > CELL_MAX:
        value = value[: CELL_MAX - len(CUT_NOTE)] + CUT_NOTE
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        c.data_type = "s"
    if kind in FORMATS and not isinstance(value, str):
        c.number_format = FORMATS[kind]
    c.font = font or Font(name=FONT, size=10)
    if fill is not None:
        c.fill = fill
    if border is not None:
        c.border = border
    if alignment is not None:
        c.alignment = alignment
    return c


def page_setup(ws: Any, landscape: bool, title_rows: str) -> None:
    """A4, every column on the page width (as many pages down as needed), header repeated, page X of Y."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    ws.evenFooter.center.text = FOOTER


def write_table(wb: Any, sheet: str, *, title: str, columns: list[Column], rows: Iterable[list[Any]],
                subtitle: str = "", signoff: Signoff | None = None, landscape: bool = True,
                total: bool = True, row_styles: Any = None, row_height: Any = None,
                notes: Iterable[str] = ()) -> Any:
    """Add one sheet: title, subtitle, header, rows, 合计, notes (merged lines), sign-off block.

    ``row_styles(values)`` may return {column index: PatternFill} to colour cells (risk colours and the like);
    ``row_height(values)`` a height in points (spreadsheets do not grow rows for text a program wrapped)."""
    ws = wb.create_sheet(sheet[:31])
    n = len(columns)
    last = get_column_letter(n)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    header_row = 3 if subtitle else 2
    page_setup(ws, landscape, f"{header_row}:{header_row}")
    ws.freeze_panes = f"A{header_row + 1}"
    full_width = sum(c.width for c in columns)
    written = 0

    def put(cells: list[Any], height: float | None = None, merge: bool = False) -> None:
        # Write-only sheets write a row's height and merges as the row goes out: set them first.
        nonlocal written
        written += 1
        if height:
            ws.row_dimensions[written].height = height
        if merge:
            ws.merged_cells.add(f"A{written}:{last}{written}")
        ws.append(cells)

    put([cell(ws, title, font=Font(name=FONT, size=16, bold=True),
              alignment=Alignment(horizontal="center", vertical="center"))], 30, merge=True)
    if subtitle:
        put([cell(ws, subtitle, alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))],
            _lines_height(subtitle, full_width), merge=True)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    put([cell(ws, c.label, font=Font(name=FONT, size=10, bold=True), fill=HEAD, border=BOX, alignment=centered)
         for c in columns], max(_lines_height(c.label, c.width) or 0 for c in columns) or None)
    sums: list[Decimal] = [Decimal(0)] * n
    count = 0
    for values in rows:
        count += 1
        fills = row_styles(values) if row_styles else {}
        out = []
        for i, (col, value) in enumerate(zip(columns, values, strict=True)):
            c = cell(ws, value, kind=col.kind, border=BOX, fill=fills.get(i),
                     alignment=Alignment(vertical="top", wrap_text=col.wrap or col.kind == "text"))
            if col.total and isinstance(c.value, (int, float)):
                sums[i] += Decimal(str(c.value))
            out.append(c)
        height = row_height(values) if row_height is not None else max(
            (_lines_height(str(v), col.width) or 0 for col, v in zip(columns, values, strict=True)
             if col.kind == "text" and v), default=0) or None
        put(out, height)
    if total:
        bold = Font(name=FONT, size=10, bold=True)
        out = []
        for i, col in enumerate(columns):
            if i == 0:
                out.append(cell(ws, TOTAL_LABEL, font=bold, border=BOX, alignment=centered))
            elif i == 1 and not col.total:
                out.append(cell(ws, f"共 {count} 项", font=bold, border=BOX))
            elif col.total:
                value = int(sums[i]) if col.kind == "int" else float(sums[i])
                out.append(cell(ws, value, kind=col.kind, font=bold, border=BOX))
            else:
                out.append(cell(ws, None, border=BOX))
        put(out)
    for line in notes:
        put([cell(ws, line, alignment=Alignment(vertical="top", wrap_text=True))], _lines_height(line, full_width),
            merge=True)
    if signoff is not None:
        put([])
        written += 1
        _signoff(ws, signoff, n, written)
    return ws


def _lines_height(text: str, width: float) -> float | None:
    """Row height (points, 15 a line, at most 12 lines) for ``text`` wrapped in a column ``width`` characters wide;
    None for one line. Spreadsheets do not grow a row for text a program wrapped."""
    lines = -(-_display_width(text) // max(int(width) - 2, 1))
    return 15.0 * min(lines, 12) if lines > 1 else None


def _signoff(ws: Any, s: Signoff, n: int, index: int) -> None:
    """The four labels spread over the width, on a tall row (room to sign and stamp)."""
    parts = [f"制表单位（盖章）：{s.unit}", f"制表人：{s.preparer}", "审核：", f"日期：{cn_date(s.date)}"]
    spans = _spans(n, len(parts))
    row = []
    for (start, end), text in zip(spans, parts, strict=True):
        row.append(cell(ws, text, font=Font(name=FONT, size=11), alignment=Alignment(vertical="top", wrap_text=True)))
        row.extend([None] * (end - start))
    for start, end in spans:
        if end > start:
            ws.merged_cells.add(f"{get_column_letter(start)}{index}:{get_column_letter(end)}{index}")
    ws.row_dimensions[index].height = 48
    ws.append(row)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _spans(n: int, parts: int) -> list[tuple[int, int]]:
    """Split columns 1..n into ``parts`` consecutive ranges (1-based, inclusive)."""
    base, extra = divmod(n, parts)
    spans, start = [], 1
    for i in range(parts):
        size = max(base + (1 if i < extra else 0), 1)
        spans.append((start, start + size - 1))
        start += size
    return spans


def workbook() -> Any:
    return Workbook(write_only=True)


def to_bytes(wb: Any) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_file(wb: Any) -> IO[bytes]:
    """The workbook saved to a temporary file (rewound), for a streamed response: a province's table is not held
    in memory as bytes."""
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    wb.save(out)
    out.seek(0)
    return out


def table_file(**kwargs: Any) -> IO[bytes]:
    """:func:`table_xlsx` into a temporary file, the rows written as they come (write-only mode)."""
    wb = workbook()
    kwargs.setdefault("sheet", kwargs["title"])
    write_table(wb, **kwargs)
    return to_file(wb)


def table_xlsx(**kwargs: Any) -> bytes:
    """One sheet, one table: see :func:`write_table` for the arguments (``sheet`` defaults to the title)."""
    wb = workbook()
    kwargs.setdefault("sheet", kwargs["title"])
    write_table(wb, **kwargs)
    return to_bytes(wb)
