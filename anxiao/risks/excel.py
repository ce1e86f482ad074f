"""XLSX export of a risk register (风险清单), Chinese headers and fixed column widths."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from anxiao.core.xlsx import to_bytes

from .grading import COLOUR_NAMES, Level

COLUMNS: list[tuple[str, int, Any]] = [
    ("学校", 22, lambda r: r.school.name),
    ("编号", 9, lambda r: r.code),
    ("类别", 14, lambda r: r.get_category_display()),
    ("区域/活动", 26, lambda r: r.area),
    ("危险因素", 36, lambda r: r.hazard_factors),
    ("可能后果", 26, lambda r: r.consequences),
    ("现有管控措施", 36, lambda r: r.existing_controls),
    ("评价方法", 10, lambda r: r.method.upper()),
    ("评分", 20, lambda r: r.scores_text),
    ("风险值", 9, lambda r: float(r.score)),
    ("风险等级", 14, lambda r: r.get_level_display()),
    ("颜色", 6, lambda r: COLOUR_NAMES[Level(r.level)]),
    ("管控层级", 20, lambda r: r.get_control_level_display()),
    ("管控岗位", 22, lambda r: str(r.control_post) if r.control_post_id else ""),
    ("复查日期", 12, lambda r: r.review_date.isoformat() if r.review_date else ""),
]
FILLS = {Level.RED: "F8CBAD", Level.ORANGE: "FCE4D6", Level.YELLOW: "FFF2CC", Level.BLUE: "DDEBF7"}


def build(risks: Any) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "风险清单"
    ws.append([title for title, _w, _f in COLUMNS])
    for i, (_title, width, _f) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
        ws.cell(row=1, column=i).font = Font(bold=True)
    ws.freeze_panes = "A2"
    level_col = [t for t, _w, _f in COLUMNS].index("颜色") + 1
    for row, risk in enumerate(risks, start=2):
        ws.append([fn(risk) for _t, _w, fn in COLUMNS])
        ws.cell(row=row, column=level_col).fill = PatternFill("solid", fgColor=FILLS[Level(risk.level)])
        for col in (5, 6, 7):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    return to_bytes(wb)


def response(risks: Any, filename: str = "风险清单.xlsx") -> HttpResponse:
    resp = HttpResponse(build(risks),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
