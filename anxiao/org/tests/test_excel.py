from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anxiao.org import excel
from anxiao.org.models import Person, Post, Unit

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("x.xlsx", buf.getvalue())


UNIT_HEADER = ["单位名称*", "简称", "单位代码", "类型*", "所在区划*", "上级单位", "学段", "寄宿制", "校区数", "地址", "联系电话"]


def test_it_imports_units_and_their_departments(world):
    upload = _xlsx([UNIT_HEADER,
                    ["甲镇第二小学", "", "S100", "学校/幼儿园", "甲县/甲镇", "", "小学", "是", 1, "", ""],
                    ["德育处", "", "S100-1", "学校处室", "甲县/甲镇", "S100", "", "", "", "", ""]])
    result = excel.import_file(world.users["bureau_admin"], "units", upload)
    assert result.ok, result.errors
    assert result.created == 2
    school = Unit.objects.get(code="S100")
    assert school.boarding and school.stage == "primary"
    assert Unit.objects.get(code="S100-1").parent == school


def test_one_bad_row_rejects_the_whole_file_with_row_and_column(world):
    upload = _xlsx([UNIT_HEADER,
                    ["甲镇第三小学", "", "S200", "学校/幼儿园", "甲县/甲镇", "", "小学", "否", 1, "", ""],
                    ["坏学校", "", "S201", "学校/幼儿园", "不存在的镇", "", "大学", "也许", 0, "", ""]])
    result = excel.import_file(world.users["bureau_admin"], "units", upload)
    assert not result.ok
    assert not Unit.objects.filter(code__in=["S200", "S201"]).exists()
    by_column = {(e.row, e.column) for e in result.errors}
    assert (3, "所在区划") in by_column
    assert all("“" in e.message or "请" in e.message or "应" in e.message for e in result.errors)


def test_it_refuses_rows_outside_the_users_scope(world):
    upload = _xlsx([UNIT_HEADER, ["越权学校", "", "S300", "学校/幼儿园", "乙县/乙镇", "", "小学", "否", 1, "", ""]])
    result = excel.import_file(world.users["school_admin"], "units", upload)
    assert not result.ok
    assert not Unit.objects.filter(code="S300").exists()


def test_it_imports_people_with_posts(world):
    header = ["姓名*", "性别", "手机号", "所属单位*", "岗位类别", "岗位名称", "岗位所在单位", "班级"]
    upload = _xlsx([header, ["李雷", "男", "13912345678", "新华中学", "班主任", "班主任", "", "七年级（3）班"],
                    ["韩梅梅", "女", "13912345679", "新华中学", "安全员", "", "", ""]])
    result = excel.import_file(world.users["school_admin"], "people", upload)
    assert result.ok, result.errors
    li = Person.objects.get(mobile="13912345678")
    post = Post.objects.get(holder=li)
    assert post.kind == "homeroom_teacher" and post.class_name == "七年级（3）班"
    assert post.tenures.count() == 1


def test_it_reports_a_missing_required_column(world):
    upload = _xlsx([["姓名", "性别"], ["李雷", "男"]])
    result = excel.import_file(world.users["school_admin"], "people", upload)
    assert [e.message for e in result.errors] == ["缺少必填列“所属单位”"]


def test_it_rejects_a_file_that_is_not_excel(world):
    result = excel.import_file(world.users["school_admin"], "people", SimpleUploadedFile("x.xlsx", b"not excel"))
    assert "Excel" in result.errors[0].message


def test_export_round_trips_through_import(world):
    content = excel.build_export("units", Unit.objects.filter(pk=world.a1.pk))
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "单位名称*"
    assert rows[1][0] == "新华中学"
    result = excel.import_file(world.users["bureau_admin"], "units", SimpleUploadedFile("x.xlsx", content))
    assert result.ok and result.updated == 1


def test_template_has_headers_and_choices(as_user):
    response = as_user("school_admin").get("/org/people/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.worksheets[0]["A1"].value == "姓名*"
    assert wb.worksheets[0].data_validations.dataValidation


def test_import_page_shows_per_row_errors(as_user, world):
    client = as_user("bureau_admin")
    upload = _xlsx([UNIT_HEADER, ["坏学校", "", "S201", "学校/幼儿园", "甲县/甲镇", "", "大学", "否", 1, "", ""]])
    response = client.post("/org/units/import/", {"file": upload})
    body = response.content.decode()
    assert "文件未导入" in body and "学段" in body


def test_unit_and_people_lists_come_in_both_layouts(as_user, world):
    """Issue 20 asks every list export to be a print-ready table; the unit and people files are also what the
    import reads back. Both are offered: export.xlsx (re-importable) and print.xlsx (official layout)."""
    from anxiao.documents.tests.checks import assert_xlsx_print_ready

    client = as_user("bureau_admin")
    plain = client.get("/org/units/export.xlsx")
    assert load_workbook(io.BytesIO(plain.content)).worksheets[0]["A1"].value == "单位名称*"
    result = excel.import_file(world.users["bureau_admin"], "units", SimpleUploadedFile("x.xlsx", plain.content))
    assert result.ok, result.errors
    printed = client.get("/org/units/print.xlsx")
    from urllib.parse import quote

    assert printed.status_code == 200 and quote("打印版") in printed["Content-Disposition"]
    ws, body = assert_xlsx_print_ready(printed.content, header_row=3)  # title, the filters in words, header
    assert ws["A1"].value == "单位名录"
    names = [r[0] for r in body]
    assert "新华中学" in names and "乙镇小学" not in names  # the bureau's own scope only
    campuses = [r[8] for r in body]
    assert all(isinstance(v, int) for v in campuses if v is not None)  # a number, not text
    total_row = [r for r in (list(x) for x in ws.iter_rows(values_only=True)) if r[0] == "合计"][0]
    assert total_row[1] == f"共 {len(body)} 项" and total_row[8] == sum(v for v in campuses if v)
    people = client.get("/org/people/print.xlsx")
    ws, body = assert_xlsx_print_ready(people.content, header_row=3)  # title, the filters in words, header
    assert ws["A1"].value == "人员及岗位名册" and any(r[0] == "李老师" or r[3] == "新华中学" for r in body)
    # a role without write scope gets neither people list
    assert as_user("bureau_viewer").get("/org/people/print.xlsx").status_code == 403
