from __future__ import annotations

import pytest
from django.utils import timezone

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_deputy_prepares_principal_submits_bureau_returns_and_the_school_corrects(page_for, world):
    from anxiao.accounts.models import Grant, User
    from anxiao.core.choices import Role
    from anxiao.reports.models import MonthlyLedger

    # given the school's safety officer as the deputy who prepares (school rights, not the principal)
    deputy = User.objects.create_user(username="deputy", password=PASSWORD, person=world.people["a1_officer"])
    Grant.objects.create(user=deputy, role=Role.SCHOOL_ADMIN, unit=world.a1)
    url = f"/reports/schools/{world.a1.pk}/?month={timezone.localdate():%Y-%m}"
    page = page_for("deputy", PASSWORD, phone=True)
    page.goto(page.base + url)
    # when the deputy drafts the ledger from live data
    page.fill("textarea[name=remarks]", "本月完成消防安全专项检查")
    page.click("text=生成台账，提交校长审核")
    page.wait_for_load_state()
    # then it waits for the principal, and the deputy cannot submit it
    assert "待校长审核" in page.content()
    assert page.locator("text=校长审核并报送").count() == 0
    shot(page, "report_prepared_by_deputy_phone")
    # when the principal approves and submits
    principal = page_for("school_admin", PASSWORD, phone=True)
    principal.goto(principal.base + url)
    principal.click("text=校长审核并报送")
    principal.wait_for_load_state()
    assert "台账已审核并报送教育局" in principal.content()
    # and the bureau returns it with a reason
    bureau = page_for("bureau_admin", PASSWORD)
    bureau.goto(bureau.base + url)
    bureau.fill("input[name=reason]", "部分隐患未写明整改责任人，请补充后重新报送")
    bureau.click("button:has-text('退回')")
    bureau.wait_for_load_state()
    assert "已退回学校" in bureau.content()
    shot(bureau, "report_returned_by_bureau")
    # then the school sees the reason, prepares a new version, and the principal submits it again
    page.goto(page.base + url)
    assert "退回原因：部分隐患未写明整改责任人" in page.content()
    shot(page, "report_return_reason_phone")
    page.click("text=生成新版本")
    page.wait_for_load_state()
    principal.goto(principal.base + url)
    principal.click("text=校长审核并报送")
    principal.wait_for_load_state()
    assert "第 2 版" in principal.content() and "已报送" in principal.inner_text("main")
    shot(principal, "report_resubmitted_phone")
    latest = MonthlyLedger.objects.filter(unit=world.a1).order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.status == "submitted"
    assert latest.prepared_by == deputy and latest.approved_by == world.users["school_admin"]
    assert "按退回意见修改" in latest.correction_reason
