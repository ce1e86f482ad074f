"""The dashboard at a laptop and on a phone (issue 19): the heat map keeps its names on one line and its rule
headers upright-readable instead of one character per line, the page fits a laptop screen in a couple of screens,
the charts are drawn, and nothing on it is styled inline (a strict CSP)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anxiao.core.testing import PASSWORD

from .conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
TITLES = ["每学期开学前开展一次校园安全隐患全面排查整治", "每月组织一次消防安全检查并建立台账", "每周一节安全教育课",
          "每日晨午检及因病缺课登记追踪", "每月召开一次安全稳定形势分析会", "每季度组织一次应急疏散演练并评估",
          "食堂从业人员每日健康检查和晨检记录", "校车每趟次出车前安全检查", "每月开展一次防溺水专题教育",
          "寄宿制学校每晚查寝并记录", "每学期对校舍进行一次全面安全鉴定", "重点部位每日巡查不少于五次"]


def _heat(world):  # type: ignore[no-untyped-def]
    from anxiao.obligations.models import ObligationRule, Occurrence

    due = timezone.localdate() - datetime.timedelta(days=10)
    for i, title in enumerate(TITLES):
        rule = ObligationRule.objects.create(bureau=world.bureau_a, code=f"t.{i}", title=title,
                                             activity_kind="inspection", unit_kinds=["school"], period="month")
        for unit in (world.a1, world.a2):
            met = (i + unit.pk) % 3 != 0
            Occurrence.objects.create(rule=rule, unit=unit, subject_key=f"u{unit.pk}", period_key=f"p{i}",
                                      period_start=due - datetime.timedelta(days=20), period_end=due, due_on=due,
                                      deadline=due, done_count=int(met), met_slots=int(met),
                                      completed_on=due if met else None)


def test_the_dashboard_fits_a_laptop_and_a_phone(page_for, world):
    _heat(world)
    page = page_for("bureau_admin", PASSWORD)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{page.base}/reports/dashboard/")
    # the heat map: one row per school on one line, each rule header a readable column, not a character a line
    names = page.eval_on_selector_all("td.heat-name", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(names) == 2 and max(names) < 40, names
    headers = page.eval_on_selector_all(".heat .heat-col", "els => els.map(e => { const r = e.getBoundingClientRect();"
                                                            " return [r.width, r.height]; })")
    assert len(headers) == len(TITLES)
    assert all(w < 40 and h < 200 for w, h in headers), headers
    # the charts are drawn with their axes and legends, and each headline figure links to its list
    assert page.locator("svg.chart").count() == 2
    assert "销号率（右轴）" in page.inner_text(".chartbox.wide")
    assert page.locator(".cards a.card").count() >= 7
    # the page is a couple of laptop screens, not ~8,900 px, and nothing is styled inline
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3 * LAPTOP["height"] + 400, height
    assert page.evaluate("document.querySelectorAll('main [style]').length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    shot(page, "dashboard_world_1366")
    # on a phone it fits the width (the wide tables and the chart scroll inside their boxes)
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dashboard_world_390")
