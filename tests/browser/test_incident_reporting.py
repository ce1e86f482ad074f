from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.incidents.models import Incident

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_principal_records_an_incident_from_a_phone_and_sees_the_clocks(page_for, world):
    # given the principal on a phone
    page = page_for("school_admin", PASSWORD, phone=True)
    # when they record an incident
    page.goto(f"{page.base}/incidents/new/")
    page.fill("input[name=title]", "学生课间追逐摔伤")
    page.select_option("select[name=category]", "accident")
    page.fill("input[name=place]", "教学楼一楼走廊")
    page.fill("input[name=minor_injuries]", "1")
    page.click("button[type=submit]")
    # then the 30-minute and 2-hour clocks run on the incident page
    page.wait_for_selector(".countdown")
    # the server writes 剩余 N 秒; the page's script turns it into minutes once it has run (wait for it, not a race)
    from playwright.sync_api import expect

    expect(page.locator(".countdown").first).to_contain_text("分")
    first = page.inner_text(".clock >> nth=0")
    assert "电话口头报告" in first and "剩余 29 分" in first or "剩余 30 分" in first
    assert "简要书面报告" in page.inner_text(".clock >> nth=1")
    page.wait_for_timeout(1100)
    assert page.inner_text(".countdown >> nth=0") != first.split("\n")[-1]
    shot(page, "incident_clocks_phone")
    # and recording the phone report stops the first clock
    page.click("text=记录报告")
    page.select_option("select[name=kind]", "phone")
    page.click("button[type=submit]")
    page.wait_for_selector("text=按时已报")
    assert Incident.objects.get().phone_reported_at is not None
