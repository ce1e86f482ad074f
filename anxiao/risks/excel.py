"""XLSX export of a risk register (风险清单) in the one table layout (anxiao.documents.tables)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl.styles import PatternFill

from .grading import COLOUR_NAMES, Level

COLUMNS: list[tuple[str, int, Any]] = [  # (列名, width, value) — 风险值 and 复查日期 are typed below
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
    ("复查日期", 12, lambda r: r.review_date),
]
FILLS = {Level.RED: "F8CBAD", Level.ORANGE: "FCE4D6", Level.YELLOW: "FFF2CC", Level.BLUE: "DDEBF7"}


KINDS = {"风险值": "decimal", "复查日期": "date"}
# Too wide for one A4 width at 8 pt: printed as two tables, 学校 and 编号 in both (documents.tables.parts).
PARTS = {"类别": "风险辨识", "评价方法": "评价与管控"}


def build(risks: Any, signoff: Any = None) -> bytes:
    from anxiao.documents.tables import Column, table_xlsx

    columns = [Column(title, width, KINDS.get(title, "text"), wrap=i in (4, 5, 6), starts_part=PARTS.get(title, ""))
               for i, (title, width, _f) in enumerate(COLUMNS)]
    colour = [t for t, _w, _f in COLUMNS].index("颜色")
    level = [t for t, _w, _f in COLUMNS].index("风险等级")
    labels = {str(lv.label): lv for lv in Level}

    def styles(values: list[Any]) -> dict[int, Any]:
        lv = labels.get(str(values[level]))
        return {colour: PatternFill("solid", fgColor=FILLS[lv])} if lv in FILLS else {}

    rows = ([fn(risk) for _t, _w, fn in COLUMNS] for risk in risks)
    return table_xlsx(title="学校安全风险清单", sheet="风险清单", columns=columns, rows=rows, row_styles=styles,
                      signoff=signoff, key=2)  # 学校 and 编号 in every printed part


def response(risks: Any, filename: str = "风险清单.xlsx", signoff: Any = None) -> HttpResponse:
    resp = HttpResponse(build(risks, signoff),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp
