"""The assessment bulletin (考核结果通报) as XLSX: title rows, ranking with scores and vetoes, A4 landscape."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from anxiao.core.xlsx import to_bytes


def _points(value: Any) -> str:
    return f"{value.normalize():f}"


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def bulletin_xlsx(scheme: Any) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    indicators = list(scheme.indicators.all())
    headers = ["排名", "单位", *[f"{i.name}（{_points(i.weight)}）" for i in indicators], "否决前得分", "最终得分", "一票否决情形"]
    ws.append([f"{scheme.bureau.name}{scheme.name}结果通报"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"考核年度：{scheme.year}    计算时间：{timezone.localtime(scheme.computed_at):%Y-%m-%d %H:%M}"
               if scheme.computed_at else ""])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for r in scheme.results.select_related("unit").order_by("rank"):
        scores = {b["indicator"]: b["score"] for b in r.breakdown}
        veto_text = "；".join(f"{v['label']}：{'、'.join(v['reasons'])}" for v in r.vetoes)
        ws.append([r.rank, r.unit.name, *[float(scores.get(i.name, 0)) for i in indicators], float(r.raw_score),
                   float(r.score), veto_text])
        for cell in ws[ws.max_row]:
            cell.border = BOX
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [6, 24, *[12] * len(indicators), 11, 10, 40]
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=3, column=idx).column_letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "3:3"
    return to_bytes(wb)


def bulletin_pdf(scheme: Any) -> bytes:
    from anxiao.core import pdf as docs

    indicators = list(scheme.indicators.all())
    doc = docs.document(landscape=True)
    computed = f"    计算时间：{timezone.localtime(scheme.computed_at):%Y-%m-%d %H:%M}" if scheme.computed_at else ""
    docs.title(doc, f"{scheme.bureau.name}{scheme.name}结果通报", f"考核年度：{scheme.year}{computed}")
    headers = ["排名", "单位", *[f"{i.name}（{_points(i.weight)}）" for i in indicators], "最终得分", "一票否决情形"]
    rows = []
    for r in scheme.results.select_related("unit").order_by("rank"):
        scores = {b["indicator"]: b["score"] for b in r.breakdown}
        vetoes = "；".join(f"{v['label']}：{'、'.join(v['reasons'])}" for v in r.vetoes)
        rows.append([r.rank, r.unit.name, *[scores.get(i.name, "") for i in indicators], r.score, vetoes])
    widths = [10, 42, *[18] * len(indicators), 16, 60]
    docs.table(doc, headers, rows, widths, font_size=8)
    return docs.output(doc)
