"""Browser test: recording an activity from "my work" turns the occurrence done."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_principal_records_a_drill_from_my_work(page_for, world):
    from anxiao.obligations import actions
    from anxiao.obligations.models import Activity, ObligationRule, Occurrence

    # given this month's drill of 新华中学 is due, under a bureau rule that accepts the principal's own word
    # (a rule asking for the drill record offers no one tap: tests/browser/test_crediting_pages.py)
    rule = ObligationRule.objects.create(bureau=world.bureau_a, code="t.drill", title="每月应急疏散演练",
                                         activity_kind="drill", unit_kinds=["school"], period="month",
                                         credit={"records": ["drill:drill", "entry"], "evidence": "self"})
    actions.expand(world.bureau_a)
    today = timezone.localdate()
    occ = Occurrence.objects.get(rule=rule, unit=world.a1, period_start__lte=today, period_end__gte=today)
    # when the principal, on a phone, taps "done today" on the home page
    page = page_for("school_admin", PASSWORD, phone=True)
    row = page.locator(f"#occ-{occ.pk}")
    assert "待完成" in row.inner_text()
    row.get_by_role("button", name="今天已完成").click()
    # then the row turns to done without leaving the page, and the drill is recorded
    page.wait_for_selector(f"#occ-{occ.pk} .badge.st-done")
    assert Activity.objects.filter(kind="drill", unit=world.a1, occurred_on=today).count() == 1
    shot(page, "my_work_drill_done_phone")
