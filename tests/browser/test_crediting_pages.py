"""Issue 14: the crediting table next to the rule (bureau, 1366 px) and no one-tap for a drill (principal, phone)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_the_bureau_reads_what_fills_a_rule_and_the_principal_gets_no_one_tap_for_a_drill(page_for, world):
    from anxiao.obligations import actions
    from anxiao.obligations.models import ObligationRule

    actions.load_rules(None, world.bureau_a, ["national"])
    actions.expand(world.bureau_a, timezone.localdate())
    rule = ObligationRule.objects.get(bureau=world.bureau_a, code="national.bureau.principal_quarterly_inspection")
    # the bureau's safety office reads the rule with its crediting table
    page = page_for("bureau_admin", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{page.base}/obligations/rules/{rule.pk}/")
    body = page.inner_text("main")
    assert "计入的记录" in body and "上级督查（检查项全部填写）" in body and "责任人本人的岗位" in body
    shot(page, "rule_crediting_bureau")
    # the principal's my-work on a phone: the drill is listed without "今天已完成"
    page = page_for("school_admin", PASSWORD, phone=True)
    page.goto(f"{page.base}/obligations/")
    row = page.locator("li.occ").filter(has_text="中小学每月应急疏散演练").first
    assert row.count() == 1 and "今天已完成" not in row.inner_text()
    shot(page, "my_work_no_one_tap_phone")
