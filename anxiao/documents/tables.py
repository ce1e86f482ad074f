"""Every table export (ledgers, lists, roll-ups, bulletins) as a print-ready XLSX, written one way.

A4 in the orientation asked, all columns fitted to the page width, the header row repeated on every page,
the body never printed below 8 pt: a table too wide for that is split into parts (表一, 表二, … one sheet each,
the first ``key`` columns repeated in every part so each row can be found again; ``Column.starts_part`` names
where a part begins, else the columns are cut into parts of equal width),
numbers and dates as real cell types (never text), a 合计 row summing the columns marked ``total``, the footer
"第 X 页 共 Y 页", and a 制表单位 / 制表人 / 审核 / 日期 block with room to sign and stamp. The sheet is written
row by row (openpyxl write-only), so a province-sized roll-up keeps memory bounded.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
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
BODY_PT = 10  # the body font (cell); printed smaller when the page is scaled to fit the width
MIN_PT = 8.0  # never printed smaller: a wider table is split into parts
# Printable width of A4 in pixels (96 dpi) less the 0.4-inch side margins, and the pixels of one unit of column
# width (a character of the default font, 7 px, counted as 7.5 to keep on the safe side: LibreOffice measured
# 7.0–7.3) plus the cell padding. Spreadsheets scale the page by printable ÷ the columns' pixels.
PRINTABLE_PX = {True: (11.69 - 0.8) * 96, False: (8.27 - 0.8) * 96}
PX_PER_UNIT, PX_PADDING = 7.5, 5


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12
    kind: str = "text"  # text | int | decimal | percent | date | datetime
    total: bool = False  # summed in the 合计 row
    wrap: bool = False
    starts_part: str = ""  # a table too wide for one page width starts a part here, named so (表二·整改落实与销号)


def printed_pt(columns: list[Column], landscape: bool = True) -> float:
    """The body font size as printed once the spreadsheet scales these columns to the A4 width."""
    pixels = sum(c.width * PX_PER_UNIT + PX_PADDING for c in columns)
    return BODY_PT * min(1.0, PRINTABLE_PX[landscape] / pixels)


def parts(columns: list[Column], landscape: bool = True, key: int = 1) -> list[list[int]]:
    """Column indices of each printed part: one part when the body prints at MIN_PT or more; else the first
    ``key`` columns in every part, the rest cut where a column ``starts_part`` (or into parts of about equal width),
    each part cut again until it prints at MIN_PT."""
    if printed_pt(columns, landscape) >= MIN_PT or len(columns) <= key + 1:
        return [list(range(len(columns)))]
    keys = list(range(key))
    named = [i for i in range(key + 1, len(columns)) if columns[i].starts_part]
    if named:
        bounds = [key, *named, len(columns)]
        groups = [list(range(a, b)) for a, b in zip(bounds, bounds[1:], strict=False)]
    else:
        groups = [list(range(key, len(columns)))]
    out: list[list[int]] = []
    for group in groups:
        n = 1
        while True:  # the fewest equal-width cuts of this group that each print at MIN_PT
            cuts = _cut(columns, group, n)
            if all(printed_pt([columns[i] for i in keys + c], landscape) >= MIN_PT for c in cuts) or n >= len(group):
                break
            n += 1
        out.extend(keys + c for c in cuts)
    return out


def _cut(columns: list[Column], group: list[int], n: int) -> list[list[int]]:
    """``group`` cut into ``n`` consecutive runs of about equal width."""
    widths = [columns[i].width * PX_PER_UNIT + PX_PADDING for i in group]
    target, acc = sum(widths) / n, 0.0
    runs: list[list[int]] = []
    run: list[int] = []
    for i, w in zip(group, widths, strict=True):
        if run and acc + w / 2 > target * (len(runs) + 1) and len(runs) < n - 1:
            runs.append(run)
            run = []
        run.append(i)
        acc += w
    runs.append(run)
    return runs


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
                notes: Iterable[str] = (), key: int = 1) -> Any:
    """Add one sheet per printed part (:func:`parts`; usually one): title, subtitle, header, rows, 合计, notes
    (merged lines, on the last part), sign-off block. Returns the first sheet.

    ``row_styles(values)`` may return {column index: PatternFill} to colour cells (risk colours and the like);
    ``row_height(values)`` a height in points (spreadsheets do not grow rows for text a program wrapped).
    The rows are read once and written to every part as they come (write-only sheets), so memory stays bounded."""
    split = parts(columns, landscape, key)
    names = [_part_name(columns, p, n, len(split)) for n, p in enumerate(split, start=1)]
    sheets = [_Part(wb, (f"{sheet[:26]}（{n}）" if len(split) > 1 else sheet)[:31], [columns[i] for i in p], p,
                    landscape, title, names[n - 1] + subtitle if len(split) > 1 else subtitle)
              for n, p in enumerate(split, start=1)]
    sums: list[Decimal] = [Decimal(0)] * len(columns)
    count = 0
    for values in rows:
        count += 1
        fills = row_styles(values) if row_styles else {}
        typed_cells = []
        for i, (col, value) in enumerate(zip(columns, values, strict=True)):
            c = cell(sheets[0].ws, value, kind=col.kind, border=BOX, fill=fills.get(i),
                     alignment=Alignment(vertical="top", wrap_text=col.wrap or col.kind == "text"))
            if col.total and isinstance(c.value, (int, float)):
                sums[i] += Decimal(str(c.value))
            typed_cells.append(c)
        for part in sheets:
            out = [typed_cells[i] if part is sheets[0] else _copy(part.ws, typed_cells[i]) for i in part.indices]
            height = row_height(values) if row_height is not None else max(
                (_lines_height(str(values[i]), columns[i].width) or 0 for i in part.indices
                 if columns[i].kind == "text" and values[i]), default=0) or None
            part.put(out, height)
    notes = list(notes)
    for n, part in enumerate(sheets):
        if total:
            part.totals(sums, count)
        if n == len(sheets) - 1:
            for line in notes:
                part.put([cell(part.ws, line, alignment=Alignment(vertical="top", wrap_text=True))],
                         _lines_height(line, part.full_width), merge=True)
        if signoff is not None:
            part.put([])
            part.written += 1
            _signoff(part.ws, signoff, len(part.columns), part.written)
    return sheets[0].ws


def _part_name(columns: list[Column], indices: list[int], n: int, of: int) -> str:
    from .gongwen import heading_number

    named = next((columns[i].starts_part for i in indices if columns[i].starts_part), "")
    return f"表{heading_number(n)}（共{heading_number(of)}表{'·' + named if named else ''}）　"


def _copy(ws: Any, c: Any) -> WriteOnlyCell:
    """The same typed cell for another part's sheet (a write-only cell belongs to one sheet)."""
    out = WriteOnlyCell(ws, value=c.value)
    out.data_type = c.data_type
    out._style = copy.copy(c._style)  # same workbook: the style ids hold
    return out


class _Part:
    """One printed part of a table: its own sheet with the title, subtitle and header of its columns."""

    def __init__(self, wb: Any, sheet: str, columns: list[Column], indices: list[int], landscape: bool,
                 title: str, subtitle: str) -> None:
        self.ws = ws = wb.create_sheet(sheet)
        self.columns, self.indices = columns, indices
        self.last = get_column_letter(len(columns))
        self.full_width = sum(c.width for c in columns)
        self.written = 0
        for i, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        header_row = 3 if subtitle else 2
        page_setup(ws, landscape, f"{header_row}:{header_row}")
        ws.freeze_panes = f"A{header_row + 1}"
        self.put([cell(ws, title, font=Font(name=FONT, size=16, bold=True),
                       alignment=Alignment(horizontal="center", vertical="center"))], 30, merge=True)
        if subtitle:
            self.put([cell(ws, subtitle, alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))],
                     _lines_height(subtitle, self.full_width), merge=True)
        labels = [header_label(c.label, c.width) for c in columns]
        self.put([cell(ws, label, font=Font(name=FONT, size=10, bold=True), fill=HEAD, border=BOX,
                       alignment=CENTERED) for label in labels],
                 max(_lines_height(label, c.width) or 0 for label, c in zip(labels, columns, strict=True)) or None)

    def put(self, cells: list[Any], height: float | None = None, merge: bool = False) -> None:
        # Write-only sheets write a row's height and merges as the row goes out: set them first.
        self.written += 1
        if height:
            self.ws.row_dimensions[self.written].height = height
        if merge:
            self.ws.merged_cells.add(f"A{self.written}:{self.last}{self.written}")
        self.ws.append(cells)

    def totals(self, sums: list[Decimal], count: int) -> None:
        bold = Font(name=FONT, size=10, bold=True)
        out = []
        for n, i in enumerate(self.indices):
            col = self.columns[n]
            if n == 0:
                out.append(cell(self.ws, TOTAL_LABEL, font=bold, border=BOX, alignment=CENTERED))
            elif n == 1 and not col.total:
                out.append(cell(self.ws, f"共 {count} 项", font=bold, border=BOX))
            elif col.total:
                value = int(sums[i]) if col.kind == "int" else float(sums[i])
                out.append(cell(self.ws, value, kind=col.kind, font=bold, border=BOX))
            else:
                out.append(cell(self.ws, None, border=BOX))
        self.put(out)


CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def header_label(label: str, width: float) -> str:
    """A header too long for its column breaks its line before a bracketed part and after it, so "（30分）" or
    "（万元）" is never cut in two ("履职任务完成率（\n30）"): the spreadsheet wraps the rest at the width."""
    if "\n" in label or _display_width(label) <= width - 1:
        return label
    out = re.sub(r"(?<=.)（", "\n（", label)
    return re.sub(r"）(?=.)", "）\n", out)


def _lines_height(text: str, width: float) -> float | None:
    """Row height (points, 15 a line, at most 12 lines) for ``text`` wrapped in a column ``width`` characters wide;
    None for one line. Spreadsheets do not grow a row for text a program wrapped."""
    lines = sum(-(-_display_width(line) // max(int(width) - 2, 1)) or 1 for line in text.split("\n"))
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
    """One table (a sheet per printed part, usually one): see :func:`write_table` for the arguments (``sheet`` defaults to the title)."""
    wb = workbook()
    kwargs.setdefault("sheet", kwargs["title"])
    write_table(wb, **kwargs)
    return to_bytes(wb)
