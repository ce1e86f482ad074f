"""Every list exports what it shows with its filters (documents.lists.ListExport → documents.tables): exactly the
filtered rows, numbers and dates as typed cells, a 合计 row with the count and the sums."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from anxiao.documents.tests.checks import assert_xlsx_print_ready

HEADER_ROW = 3  # title, the filters in words, then the header

EXPORTS = [
    ("hazards:hazard_export", "hazards:hazard_list"),
    ("inspections:inspection_export", "inspections:inspection_list"),
    ("incidents:incident_export", "incidents:incident_list"),
    ("drills:drill_export", "drills:drill_list"),
    ("obligations:activity_export", "obligations:activity_list"),
    ("chiefs:task_export", "chiefs:task_list"),
    ("responsibility:letter_export", "responsibility:letter_list"),
]


def _sheet(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return assert_xlsx_print_ready(b"".join(response.streaming_content) if response.streaming
                                   else response.content, HEADER_ROW)


@pytest.mark.parametrize(("export", "page"), EXPORTS)
def test_each_list_links_its_export_with_its_filters_and_the_file_is_print_ready(as_user, export, page):
    client = as_user("bureau_admin")
    html = client.get(reverse(page), {"q": "无此记录"} if page != "inspections:inspection_list" else {"kind": "x"})
    assert html.status_code == 200
    assert reverse(export) + "?" in html.content.decode()
    ws, rows = _sheet(client.get(reverse(export)))
    assert ws.cell(row=2, column=1).value.startswith("筛选条件：")
    # every number or date column holds typed cells, never text (the world's rows, where the list has any)
    from django.urls import resolve

    spec = resolve(reverse(export)).func.__self__  # the list's ListExport
    for i, (column, _getter) in enumerate(spec.columns):
        if column.kind != "text":
            assert all(not isinstance(r[i], str) for r in rows if r[i] is not None), column.label


def test_the_hazard_export_holds_exactly_the_filtered_rows_and_their_totals(as_user, world):
    from anxiao.hazards.actions import report_hazard
    from anxiao.hazards.models import Hazard

    mine = [report_hazard(None, unit=world.a1, location=f"教学楼{i}层", category="XF", description="灭火器过期",
                          finder_name="测试") for i in (1, 2)]
    other = report_hazard(None, unit=world.a2, location="食堂", category="XF", description="燃气报警器失灵",
                          finder_name="测试")
    Hazard.objects.filter(pk=mine[0].pk).update(funds=Decimal("1200.50"), deadline=datetime.date(2026, 12, 31))
    Hazard.objects.filter(pk=mine[1].pk).update(funds=Decimal("300"))
    Hazard.objects.filter(pk=other.pk).update(funds=Decimal("999"))

    client = as_user("bureau_admin")
    ws, rows = _sheet(client.get(reverse("hazards:hazard_export"), {"unit": world.a1.pk, "category": "XF"}))
    assert ws.cell(row=2, column=1).value == f"筛选条件：单位：{world.a1.name}；类别：{mine[0].get_category_display()}"
    assert sorted(r[0] for r in rows) == sorted(h.number for h in mine)  # a2's hazard is not in it
    header = [c.value for c in ws[HEADER_ROW]]
    found, deadline, funds = header.index("发现时间"), header.index("整改期限"), header.index("整改资金\n（元）")
    assert all(isinstance(r[found], datetime.datetime) for r in rows)
    assert datetime.datetime(2026, 12, 31) in [r[deadline] for r in rows]  # a date cell (openpyxl reads datetime)
    total = [c.value for c in ws[HEADER_ROW + len(rows) + 1]]
    assert total[0] == "合计" and total[1] == "共 2 项" and total[funds] == pytest.approx(1500.5)


def test_the_incident_export_sums_the_people_hurt_of_the_filtered_incidents(as_user, world):
    from anxiao.incidents.tests.factories import incident_in

    incident_in(world, "a1", minor_injuries=2, title="课间摔伤")
    incident_in(world, "a1", minor_injuries=3, serious_injuries=1, title="体育课扭伤")
    incident_in(world, "a2", minor_injuries=7, title="食堂烫伤")
    client = as_user("bureau_admin")
    ws, rows = _sheet(client.get(reverse("incidents:incident_export"), {"unit": world.a1.pk}))
    assert ws.cell(row=2, column=1).value == f"筛选条件：单位：{world.a1.name}"
    assert sorted(r[2] for r in rows) == ["体育课扭伤", "课间摔伤"]
    header = [c.value for c in ws[HEADER_ROW]]
    total = [c.value for c in ws[HEADER_ROW + len(rows) + 1]]
    assert total[1] == "共 2 项"
    assert total[header.index("轻伤")] == 5 and total[header.index("重伤")] == 1 and total[header.index("死亡")] == 0


def test_a_malformed_filter_exports_nothing_and_says_which_field(as_user):
    client = as_user("bureau_admin")
    response = client.get(reverse("hazards:hazard_export"), {"found_from": "2026-02-30"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("hazards:hazard_list") + "?")
    page = client.get(response["Location"])
    assert "发现日期从：日期格式应为 YYYY-MM-DD" in page.content.decode()


def test_the_people_list_prints_with_its_filters_for_the_managers_of_a_scope(as_user, world):
    """The people list's table export is org's print layout (the re-importable file keeps its own layout)."""
    from anxiao.org.models import Person

    assert as_user("bureau_viewer").get(reverse("org:person_print")).status_code == 403
    client = as_user("bureau_admin")
    html = client.get(reverse("org:person_list"), {"unit": world.a1.pk}).content.decode()
    assert f'{reverse("org:person_print")}?unit={world.a1.pk}' in html
    response = client.get(reverse("org:person_print"), {"unit": world.a1.pk})
    ws, rows = assert_xlsx_print_ready(response.content, HEADER_ROW)
    assert ws.cell(row=2, column=1).value == f"筛选条件：单位：{world.a1.name}"  # like every other list export
    names = {r[0] for r in rows if r[0]}
    assert names == set(Person.objects.filter(unit=world.a1).values_list("name", flat=True)) and names


def test_the_unit_list_prints_with_its_filters_as_subtitle(as_user, world):
    response = as_user("bureau_admin").get(reverse("org:unit_print"))
    ws, rows = assert_xlsx_print_ready(response.content, HEADER_ROW)
    assert ws.cell(row=2, column=1).value == "筛选条件：全部" and rows
