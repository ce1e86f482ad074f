"""The dashboard's charts can be read (issue 19): axes with values, a number on every bar, a legend, and a link
from each mark to the list it counts; no inline style (a strict CSP)."""

from __future__ import annotations

import datetime
import re

import pytest

from anxiao.reports.charts import nice_top, share_bar_svg, trend_svg


def _trend() -> list[dict]:  # type: ignore[type-arg]
    months = [datetime.date(2026, m, 1) for m in range(1, 13)]
    return [{"month": m, "found": 10 * i + 3, "closed": 7 * i} for i, m in enumerate(months)]


def test_the_trend_has_axes_values_legend_and_links():
    svg = trend_svg(_trend())
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    # a y axis of round values up to the highest bar, and the rate axis on the right
    assert {"0", "50", "100", "150"} <= set(texts) and {"0%", "100%", "150%"} <= set(texts)
    # every non-zero bar carries its number; every month is labelled; the legend names the three series
    assert "113" in texts and "77" in texts and "3" in texts
    assert [t for t in texts if t.endswith("月")] == [f"{m}月" for m in range(1, 13)]
    assert {"发现", "销号", "销号率（右轴）"} <= set(texts)
    # a found bar opens that month's hazards
    assert 'href="/hazards/?month=2026-12"' in svg
    assert "style=" not in svg


@pytest.mark.parametrize(("value", "top", "step"), [(0, 4, 1), (7, 8, 2), (113, 150, 50), (294, 300, 100)])
def test_the_axis_ends_on_a_round_number(value, top, step):
    assert nice_top(value) == (top, step)


def test_the_four_colour_bar_links_each_colour_to_its_list():
    levels = [{"code": "red", "label": "重大风险（红）", "schools": 3}, {"code": "blue", "label": "低风险（蓝）", "schools": 1}]
    svg = share_bar_svg(levels, unassessed=1)
    assert 'href="/risks/?active=1&amp;level=red"' in svg and 'href="/risks/?active=1&amp;level=blue"' in svg
    texts = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert "60%" in texts and "重大风险（红） 3 所" in texts and "未辨识 1 所" in texts
    assert "style=" not in svg
