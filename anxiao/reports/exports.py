"""The ledger as XLSX in its paper layout and as PDF; the bureau roll-up (streamed, bounded memory); a zip."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .figures import STATES
from .ledger import ACTIVITY_KINDS, COLUMNS

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDE7F3")
WRAP = Alignment(wrap_text=True, vertical="top")


def summary_lines(s: dict[str, Any]) -> list[str]:
    acts = "，".join(f"{label} {s['activities'].get(kind, 0)} 次" for kind, label in ACTIVITY_KINDS)
    return [
        f"上月结转未销号 {s['carried']} 条；本月新发现 {s['new']} 条（一般 {s['new_general']}，重大 {s['new_major']}）；"
        f"本月销号 {s['closed']} 条；期末未销号 {s['open']} 条，其中逾期 {s['overdue']} 条、重大 {s['major_open']} 条；"
        f"挂牌/督办 {s['supervised']} 条。",
        f"本月整改率 {s['rate'] * 100:.1f}%（本月销号 ÷（上月结转 + 本月新发现））；本月整改投入资金 {s['funds']} 万元。",
        f"本月工作：{acts}。",
    ]


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _height(values: list[Any]) -> float:
    """Row height (points) for the longest wrapped cell, at 15 points a line."""
    lines = 1
    for value, (_k, _l, width) in zip(values, COLUMNS, strict=True):
        text = str(value or "")
        if text:
            lines = max(lines, -(-_display_width(text) // max(width - 2, 1)))
    return 15.0 * min(lines, 12)


def _print_a4_landscape(ws: Any) -> None:
    """A4 landscape, all columns on the page width (as many pages down as needed), narrow margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.horizontalCentered = True


def ledger_xlsx(report: Any) -> bytes:
    snap = report.snapshot
    h = snap["header"]
    wb = Workbook()
    ws = wb.active
    ws.title = f"{report.month:%Y年%m月}"
    width = len(COLUMNS)
    ws.append([f"{h['school']} · 学校安全隐患排查整治台账（{h['month']}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    info = (f"填报单位：{h['school']}（代码 {h['code'] or '—'}）  所属镇街：{h['town']}  学段：{h['stage']}  寄宿制：{h['boarding']}  "
            f"统计周期：{h['period_start']} 至 {h['period_end']}  第一责任人：{h['principal']}  分管负责人：{h['safety_deputy']}  "
            f"联系电话：{h['phone']}  版本：第 {report.version} 版  状态：{report.get_status_display()}")
    ws.append([info])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A2"].alignment = WRAP
    ws.row_dimensions[2].height = 32
    ws.append([label for _k, label, _w in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[3].height = _height([label for _k, label, _w in COLUMNS])
    for row in snap["rows"]:
        values = [row.get(key, "") for key, _l, _w in COLUMNS]
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.border = BOX
            cell.alignment = WRAP
        # LibreOffice and Excel do not grow a row for wrapped text written by a program: set the height.
        ws.row_dimensions[ws.max_row].height = _height(values)
    ws.append([])
    for line in ["月度汇总：", *summary_lines(snap["summary"]),
                 f"学校说明：{report.remarks or '无'}",
                 f"填报人：{report.prepared_by.get_full_name()}  审核（校长）：{report.approved_by.get_full_name() if report.approved_by else ''}"
                 f"  报送时间：{report.submitted_at:%Y-%m-%d %H:%M}" if report.submitted_at else "未报送"]:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
        ws.cell(row=ws.max_row, column=1).alignment = WRAP
    for idx, (_k, _l, w) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = w
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    _print_a4_landscape(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_pdf(report: Any) -> bytes:
    from anxiao.core import pdf as docs

    snap = report.snapshot
    h = snap["header"]
    doc = docs.document(landscape=True)
    docs.title(doc, f"{h['school']} · 学校安全隐患排查整治台账（{h['month']}）",
               f"统计周期 {h['period_start']} 至 {h['period_end']}  第一责任人：{h['principal']}  分管负责人：{h['safety_deputy']}"
               f"  第 {report.version} 版 · {report.get_status_display()}")
    keys = ["no", "number", "found_on", "category", "location", "description", "grade", "measures", "responsible",
            "deadline", "status", "closed_on"]
    labels = {k: lbl for k, lbl, _w in COLUMNS}
    docs.table(doc, [labels[k] for k in keys], [[r.get(k, "") for k in keys] for r in snap["rows"]],
               [8, 22, 18, 20, 22, 55, 14, 40, 22, 18, 18, 18], font_size=7)
    doc.ln(3)
    doc.set_font("cjk", size=9)
    for line in summary_lines(snap["summary"]) + [f"学校说明：{report.remarks or '无'}"]:
        doc.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return docs.output(doc)


ROLLUP_HEADERS = ["学校", "镇街", "学段", "报送状态", "报送时间", "上月结转", "本月新发现", "其中重大", "本月销号", "期末未销号",
                  "逾期", "重大未销号", "整改率", "整改资金（万元）"]


def stage_labels() -> dict[str, str]:
    """Stage labels translated once (``get_stage_display`` per row costs a millisecond at 2,000 rows)."""
    from anxiao.org.models import Unit

    return {value: str(label) for value, label in Unit._meta.get_field("stage").flatchoices}


def rollup_rows(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    stages = stage_labels()
    for row in rows:
        unit, report = row["unit"], row["report"]
        s = getattr(report, "summary", None) if report is not None and report.status != "prepared" else None
        submitted = f"{report.submitted_at:%Y-%m-%d}" if report is not None and report.submitted_at else ""
        base = [unit.name, unit.region.name, stages.get(unit.stage, unit.stage), STATES[row["state"]], submitted]
        if s:
            yield base + [s["carried"], s["new"], s["new_major"], s["closed"], s["open"], s["overdue"], s["major_open"],
                          f"{s['rate'] * 100:.1f}%", s["funds"]]
        else:
            yield base + [""] * 9


def rollup_xlsx(title: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """Written row by row (openpyxl write-only mode), so a large county keeps memory bounded."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for idx, w in enumerate([26, 10, 10, 8, 11, 8, 10, 8, 8, 10, 6, 10, 8, 12], start=1):
        ws.column_dimensions[get_column_letter(idx)].width = w
    ws.freeze_panes = "A3"
    _print_a4_landscape(ws)
    ws.print_title_rows = "2:2"  # the column headers repeat on every printed page
    ws.merged_cells.add(f"A1:{get_column_letter(len(ROLLUP_HEADERS))}1")
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(size=14, bold=True)
    title_cell.alignment = Alignment(horizontal="center")
    ws.append([title_cell])
    header = []
    for text in ROLLUP_HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.border = BOX
        header.append(cell)
    ws.append(header)
    for values in rollup_rows(rows):
        if values[12]:
            rate = WriteOnlyCell(ws, value=float(values[12].rstrip("%")) / 100)
            rate.number_format = "0.0%"
            values[12] = rate
            values[13] = float(values[13])
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rollup_pdf(title: str, rows: Iterable[dict[str, Any]]) -> bytes:
    from anxiao.core import pdf as docs

    doc = docs.document(landscape=True)
    docs.title(doc, title)
    docs.table(doc, ROLLUP_HEADERS, list(rollup_rows(rows)), [42, 18, 16, 14, 20, 14, 16, 14, 14, 16, 10, 16, 14, 18],
               font_size=7)
    return docs.output(doc)


def zip_file(reports: Iterable[Any]) -> IO[bytes]:
    """Every report's XLSX in one zip, written to a temporary file (memory holds one report at a time)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, the response closes it
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
        for r in reports:
            zf.writestr(f"{r.month:%Y-%m}_{r.unit.name}_v{r.version}.xlsx", ledger_xlsx(r))
    handle.seek(0)
    return handle


def zip_of(reports: Iterable[Any]) -> bytes:
    with zip_file(reports) as handle:
        return handle.read()
