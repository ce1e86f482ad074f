"""The one way an XLSX export is written: every export builds its openpyxl workbook and returns
``to_bytes(wb)`` (write-only sheets add their rows with ``safe_row``).

- A value that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab/carriage return) is written as text,
  never as a formula (no formula injection from a hazard description or a person's name).
- Text longer than a cell holds (32,767 characters) is cut with a note, so a workbook never fails to open.
"""

from __future__ import annotations

import io
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX = 32_767
CUT_NOTE = "…（内容过长，已截断）"


def _fit(value: str) -> str:
    return value if len(value) <= CELL_MAX else value[: CELL_MAX - len(CUT_NOTE)] + CUT_NOTE


def make_text(cell: Any) -> Any:
    """Make a cell holding a string a plain text cell (openpyxl types ``=…`` as a formula)."""
    value = cell.value
    if isinstance(value, str):
        if len(value) > CELL_MAX:
            cell.value = value = _fit(value)
        if cell.data_type == "f" or value.startswith(FORMULA_START):
            cell.data_type = "s"
    return cell


def safe_row(ws: Any, values: list[Any]) -> list[Any]:
    """A row for ``ws.append`` whose strings are text cells (needed for write-only sheets)."""
    from openpyxl.cell import Cell, WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, Cell):
            row.append(make_text(value))
        elif isinstance(value, str):
            row.append(make_text(WriteOnlyCell(ws, value=_fit(value))))
        else:
            row.append(value)
    return row


def to_bytes(wb: Any) -> bytes:
    """Serialise a workbook; in a normal (not write-only) workbook every string cell is made text first."""
    if not getattr(wb, "write_only", False):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    make_text(cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
