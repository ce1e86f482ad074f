from __future__ import annotations

import datetime

import pytest

from anxiao.documents.tables import Column, Signoff, table_xlsx

from .checks import assert_xlsx_print_ready


def test_a_table_export_types_its_cells_totals_its_columns_and_keeps_formulas_as_text() -> None:
    # given rows as views hand them over: numbers and dates sometimes as text
    columns = [Column("学校", 20), Column("日期", 12, "date"), Column("隐患", 8, "int", total=True),
               Column("整改率", 8, "percent"), Column("资金（万元）", 10, "decimal", total=True)]
    rows = [["=HYPERLINK(\"http://x\")", "2026-12-04", "3", "50.0%", "1.5"],
            ["乙校" + "长" * 40_000, datetime.date(2026, 1, 2), 4, "", 2]]
    # when
    xlsx = table_xlsx(title="测试表", columns=columns, rows=rows, subtitle="2026年12月",
                      signoff=Signoff("甲县教育局", "张三", date=datetime.date(2026, 12, 4)))
    # then
    ws, body = assert_xlsx_print_ready(xlsx, header_row=3)
    assert body[0][0] == "=HYPERLINK(\"http://x\")" and ws["A4"].data_type == "s", "never a formula"
    assert body[0][1] == datetime.datetime(2026, 12, 4) and ws["B4"].is_date
    assert (body[0][2], body[0][3], body[0][4]) == (3, 0.5, 1.5)
    assert len(body[1][0]) == 32_767 and body[1][0].endswith("（内容过长，已截断）")
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计")
    assert total[1] == "共 2 项" and total[2] == 7 and total[4] == 3.5
    sign = next(r for r in ws.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("制表单位"))
    assert "日期：2026年12月4日" in sign and "制表人：张三" in sign


def test_rows_with_wrapped_text_are_written_tall_enough_to_print_it() -> None:
    # given a long description in a narrow column (spreadsheets do not grow rows a program wrapped)
    columns = [Column("序号", 6, "int"), Column("隐患描述", 12, wrap=True)]
    xlsx = table_xlsx(title="台账", columns=columns, rows=[[1, "消防通道堆放杂物" * 5], [2, "短"]],
                      signoff=Signoff("甲校"))
    ws, _body = assert_xlsx_print_ready(xlsx, header_row=2)
    # then the long row is several lines tall, the short one keeps the default, the sign-off row has room to stamp
    assert ws.row_dimensions[3].height >= 60 and ws.row_dimensions[4].height is None
    sign_row = next(r[0].row for r in ws.iter_rows() if r[0].value and str(r[0].value).startswith("制表单位"))
    assert ws.row_dimensions[sign_row].height == 48


def test_table_pdfs_number_their_pages_page_x_of_y() -> None:
    from anxiao.core import pdf

    from .checks import pdf_info

    doc = pdf.document(landscape=True)
    pdf.title(doc, "台账汇总")
    pdf.table(doc, ["学校", "隐患"], [[f"第{i}学校", str(i)] for i in range(120)])
    info = pdf_info(pdf.output(doc))
    pages = len(info["sizes"])
    assert pages >= 3 and all(w > h for w, h in info["sizes"]), "A4 landscape"
    for n, text in enumerate(info["pages"], start=1):
        assert f"第{n}页共{pages}页" in "".join(text.split()), n


def _assert_a4_embedded_numbered(pdf_bytes: bytes) -> int:
    from .checks import pdf_info

    info = pdf_info(pdf_bytes)
    assert info["sizes"], "no pages"
    for w, h in info["sizes"]:
        assert sorted((round(w), round(h))) == [595, 842], (w, h)  # A4, either way round
    assert info["fonts"] and all("yes" in row[-5:-2] for row in info["fonts"]), info["fonts"]  # emb column
    pages = len(info["sizes"])
    for n, text in enumerate(info["pages"], start=1):
        assert f"第{n}页共{pages}页" in "".join(text.split()), f"page {n} of {pages} has no “第 X 页 共 Y 页”"
    return pages


@pytest.mark.django_db
def test_the_ledger_roll_up_and_inspection_pdfs_are_a4_numbered_and_embed_their_fonts(world) -> None:
    """The table and report PDFs users download (not only the generic table of the test above): the school's
    monthly ledger, the county roll-up and an inspection report."""
    from django.utils import timezone

    from anxiao.inspections.actions import report_pdf
    from anxiao.inspections.tests.matrix import inspection
    from anxiao.reports import actions, exports, figures

    month = figures.previous_month(figures.first_of_month(timezone.localdate()))
    now = timezone.make_aware(datetime.datetime.combine(figures.due_on(month), datetime.time(9)))
    report = actions.prepare(world.users["sysadmin"], world.a1, month, now=now)
    _assert_a4_embedded_numbered(exports.ledger_pdf(report))
    rows = actions.month_status([world.a1, world.a2, world.b1], month)
    _assert_a4_embedded_numbered(exports.rollup_pdf("台账汇总", rows))
    _assert_a4_embedded_numbered(report_pdf(inspection(world)))
