"""Issue 15, Exports: a value starting with = + - @ is text in every XLSX (documents.tables.cell, the one cell
writer), and long text never breaks an XLSX or a PDF (core.pdf splits a cell longer than a page)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anxiao.documents.tables import cell, to_bytes, workbook

pytestmark = pytest.mark.django_db

NASTY = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+2", "-3+4", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def formulas(content: bytes) -> list[str]:
    """Every <f> (formula) element in any sheet of the workbook."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(r"<f>(.*?)</f>", zf.read(name).decode())
    return found


def texts(content: bytes) -> set[str]:
    wb = load_workbook(io.BytesIO(content))
    return {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}


def test_the_cell_writer_writes_formula_like_values_as_text():
    wb = workbook()
    ws = wb.create_sheet("x")
    ws.append([cell(ws, v) for v in NASTY])
    content = to_bytes(wb)
    assert formulas(content) == []
    assert set(NASTY) <= texts(content)


def test_people_export_writes_names_as_text(world):
    from anxiao.org.excel import build_export
    from anxiao.org.models import Person

    Person.objects.create(name=NASTY[0], unit=world.a1, mobile="13800000001")
    content = build_export("people", Person.objects.all())
    assert formulas(content) == []
    assert NASTY[0] in texts(content)


def _report(world, description: str):  # type: ignore[no-untyped-def]
    from anxiao.hazards import actions
    from anxiao.reports.ledger import draft, first_of_month

    actions.report_hazard(world.users["school_admin"], unit=world.a1, location="=1+1", category="XF",
                          description="灭火器过期", source="inspection")
    month = first_of_month(timezone.localdate())
    if timezone.localdate().day > 27:
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    snap = draft(world.a1, month)
    assert snap["rows"]
    snap["rows"][0]["description"] = description  # as an old record could hold, from before the limit
    user = world.users["school_admin"]
    return SimpleNamespace(snapshot=snap, month=month, version=1, get_status_display=lambda: "已报送",
                           remarks="@备注", prepared_by=user, approved_by=None, submitted_at=None)


def test_ledger_xlsx_writes_formula_like_text_as_text(world):
    from anxiao.reports.exports import ledger_xlsx

    content = ledger_xlsx(_report(world, NASTY[4]))
    assert formulas(content) == []
    assert {NASTY[4], "=1+1"} <= texts(content)


def test_a_description_longer_than_a_page_does_not_break_the_ledger_pdf_or_xlsx(world):
    from anxiao.reports.exports import ledger_pdf, ledger_xlsx

    # 1,000,000 characters behave the same (some 1,000 pages, minutes); 32,000 keep the test quick.
    report = _report(world, "很长的隐患描述。" * 4_000)
    pdf = ledger_pdf(report)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") > 5
    assert ledger_xlsx(report)[:2] == b"PK"


def test_rollup_xlsx_writes_school_names_as_text(world):
    from anxiao.reports.exports import rollup_xlsx

    unit = SimpleNamespace(name="-减号学校", region=SimpleNamespace(name="@镇"), stage="")
    content = rollup_xlsx("=汇总", [{"unit": unit, "report": None, "state": "missing"}])
    assert formulas(content) == []
    assert {"-减号学校", "@镇", "=汇总"} <= texts(content)
