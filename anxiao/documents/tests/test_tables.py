from __future__ import annotations

import datetime
import io

import pytest

from anxiao.documents.tables import Column, Signoff, header_label, table_xlsx

from .checks import assert_xlsx_print_ready, pdf_info


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
    rollup = exports.rollup_pdf("台账汇总", rows, Signoff("甲县教育局", "张三", date=datetime.date(2026, 12, 5)))
    _assert_a4_embedded_numbered(rollup)
    # the roll-up PDF as its XLSX: the 合计 row counting the schools, the sign-off, nothing below 8 pt
    from .checks import pdf_font_sizes

    text = "".join("".join(p.split()) for p in pdf_info(rollup)["pages"])
    assert "合计共3所" in text and "制表单位（盖章）：甲县教育局" in text and "日期：2026年12月5日" in text
    assert min(pdf_font_sizes(rollup)) >= 8
    _assert_a4_embedded_numbered(report_pdf(inspection(world)))


def _ledger(world):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from anxiao.hazards.actions import report_hazard
    from anxiao.reports import actions, figures

    month = figures.previous_month(figures.first_of_month(timezone.localdate()))
    found = timezone.make_aware(datetime.datetime.combine(month + datetime.timedelta(days=3), datetime.time(9)))
    report_hazard(world.users["sysadmin"], unit=world.a1, category="XF", location="食堂后门",
                  description="消防通道堆放杂物，灭火器压力不足" * 3, found_at=found)
    now = timezone.make_aware(datetime.datetime.combine(figures.due_on(month), datetime.time(9)))
    return actions.prepare(world.users["sysadmin"], world.a1, month, now=now)


@pytest.mark.django_db
def test_the_school_ledger_prints_its_24_columns_in_two_tables_at_8_pt_or_more(world) -> None:
    """The ledger's 24 columns printed at ~5 pt on one A4 width: now two tables on A4 landscape (登记, 整改销号),
    序号 and 隐患编号 in both, each with its header repeated, 合计 and the sign-off; the PDF the same at 8 pt."""
    from openpyxl import load_workbook

    from anxiao.reports import exports
    from anxiao.reports.ledger import COLUMNS

    from .checks import pdf_font_sizes, printed_body_pt

    report = _ledger(world)
    # when
    xlsx = exports.ledger_xlsx(report)
    pdf = exports.ledger_pdf(report)
    # then the XLSX: two landscape sheets, every column once (the two key columns in both), 8 pt or more
    assert_xlsx_print_ready(xlsx, header_row=3)
    wb = load_workbook(io.BytesIO(xlsx))
    assert len(wb.worksheets) == 2
    headers = [[c.value for c in ws[3]] for ws in wb.worksheets]
    assert all(h[:2] == ["序号", "隐患编号"] for h in headers)
    assert headers[0][2:] + headers[1][2:] == [header_label(label, w) for _k, label, w in COLUMNS][2:]
    assert "整改资金\n（万元）\n及来源" in headers[1], "a bracket is not cut from its text"
    for ws, name in zip(wb.worksheets, ("表一（共二表·隐患排查登记）", "表二（共二表·整改落实与销号）"), strict=True):
        assert ws.page_setup.orientation == "landscape" and ws["A2"].value.startswith(name)
        assert printed_body_pt(ws) >= 9, printed_body_pt(ws)
    assert any(str(r[0]).startswith("本月整改率") for r in wb.worksheets[1].iter_rows(values_only=True) if r[0])
    # and the PDF: A4 landscape, page X of Y, fonts embedded, all 24 columns, nothing smaller than 8 pt
    pages = _assert_a4_embedded_numbered(pdf)
    info = pdf_info(pdf)
    assert all(w > h for w, h in info["sizes"]) and pages >= 2
    text = "".join("".join(p.split()) for p in info["pages"])
    for _k, label, _w in COLUMNS:
        assert label[:4] in text, label  # (a long header wraps in its cell)
    assert text.count("合计") == 2 and text.count("制表单位（盖章）") == 2
    assert min(pdf_font_sizes(pdf)) >= 8, sorted(set(pdf_font_sizes(pdf)))


def _lo_pdf(xlsx: bytes, tmp_path) -> bytes:  # type: ignore[no-untyped-def]
    import shutil
    import subprocess

    path = tmp_path / f"t{len(list(tmp_path.iterdir()))}.xlsx"
    path.write_bytes(xlsx)
    subprocess.run([shutil.which("soffice") or "soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True,
                   timeout=180)
    return path.with_suffix(".pdf").read_bytes()


def _word_height(pdf: bytes, tmp_path) -> float:  # type: ignore[no-untyped-def]
    """The most common height of the words on the page (poppler's boxes): the body's printed size, in points."""
    import collections
    import re
    import subprocess

    path = tmp_path / "measure.pdf"
    path.write_bytes(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    heights = collections.Counter(round(float(b) - float(a), 1) for a, b in
                                  re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', boxes))
    return heights.most_common(1)[0][0]


@pytest.mark.django_db
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice (the render package set) is not "
                    "installed: deploy/debian-packages.sh render")
def test_the_school_ledger_xlsx_prints_at_8_pt_or_more_when_a_spreadsheet_prints_it(world, tmp_path) -> None:
    """Measured, not estimated: LibreOffice prints the ledger XLSX; its body words are as tall as those of a
    narrow table printed unscaled (10 pt) × 0.8 or more, and every page is A4 landscape."""
    from anxiao.reports import exports

    from .checks import pdf_info

    reference = _word_height(_lo_pdf(table_xlsx(title="参照", columns=[Column("隐患描述", 30)],
                                                rows=[["消防通道堆放杂物"]] * 30), tmp_path), tmp_path)
    printed = _lo_pdf(exports.ledger_xlsx(_ledger(world)), tmp_path)
    info = pdf_info(printed)
    assert all(sorted((round(w), round(h))) == [595, 842] and w > h for w, h in info["sizes"])
    assert _word_height(printed, tmp_path) >= reference * 0.8, (_word_height(printed, tmp_path), reference)
