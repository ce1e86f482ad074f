from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_the_bureau_confirms_a_corrected_mapping_and_sees_the_coverage(page_for, world):
    # given bureau A adopted s002 (not in effect yet)
    from anxiao.policies.actions import adopt
    from anxiao.policies.models import MappingCorrection

    policy = adopt(None, world.bureau_a, "s002")
    page = page_for("bureau_admin", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    # when the safety office opens the mapping, unticks the kindergarten for the school list and confirms
    page.goto(f"{page.base}/policies/{policy.pk}/mapping/")
    assert "待确认" in page.inner_text("main")
    page.locator("form details").first.evaluate("d => d.open = true")
    shot(page, "policy_mapping_bureau")
    page.locator("form details").first.get_by_label("甲镇幼儿园").uncheck()
    page.click("main form button[type=submit]")
    # then the coverage page shows every post kind with its lists or why none, and the correction is kept
    page.wait_for_url(f"{page.base}/policies/{policy.pk}/coverage/")
    body = page.inner_text("main")
    assert "校长（第一责任人）" in body and "缺少清单的原因" in body
    shot(page, "policy_coverage_bureau")
    assert MappingCorrection.objects.filter(policy=policy, unit=world.a2, include=False).exists()
