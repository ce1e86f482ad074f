from __future__ import annotations

import datetime

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.hazards.models import Hazard, Status

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def _act(page, action: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    form = f"form[data-action={action}]"
    page.click(f"details:has({form}) summary")
    for name, value in (fields or {}).items():
        page.fill(f"{form} [name={name}]", value)
    for name, label in (selects or {}).items():
        page.select_option(f"{form} select[name={name}]", label=label)
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def test_a_failed_item_goes_through_the_loop_to_closed_with_another_person_accepting(page_for, world):
    from anxiao.inspections.actions import load_checklist

    load_checklist()
    # given the school's safety lead on a phone, starting a half-monthly inspection
    page = page_for("school_admin", PASSWORD, phone=True)
    page.goto(f"{page.base}/inspections/new/")
    page.select_option("select[name=kind]", "half_monthly")
    page.click("button[type=submit]")
    # when an item fails and becomes a hazard in one step
    page.check("input[name='outcome_GL-01'][value=fail]")
    page.fill("textarea[name='note_GL-01']", "领导小组文件未正式下发")
    page.click("#inspection-form button[type=submit]")
    page.click("text=登记为隐患")
    page.wait_for_selector("#hazard-status")
    shot(page, "hazard_from_failed_item_phone")
    hazard = Hazard.objects.get()
    # and it is registered, graded, put under rectification and submitted for acceptance
    _act(page, "register")
    _act(page, "grade", selects={"grade": "一般隐患"})
    deadline = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    _act(page, "start_rectification", {"measures": "重新印发文件", "deadline": deadline},
         selects={"responsible": world.people["a1_teacher"].name})
    _act(page, "submit_for_acceptance", {"note": "已重新印发"})
    assert "待验收" in page.inner_text("#hazard-status")
    # then the person who submitted cannot accept it
    assert page.locator("form[data-action=accept]").count() == 1
    _act(page, "accept", {"note": "合格"})
    assert "验收人不能是整改责任人" in page.content()
    # and another person (the bureau) accepts; the school closes it
    other = page_for("bureau_admin", PASSWORD)
    other.goto(f"{other.base}/hazards/{hazard.pk}/")
    _act(other, "accept", {"note": "整改到位"})
    assert "验收通过" in other.inner_text("#hazard-status")
    page.goto(f"{page.base}/hazards/{hazard.pk}/")
    _act(page, "close")
    assert "已销号" in page.inner_text("#hazard-status")
    shot(page, "hazard_closed_phone")
    assert Hazard.objects.get().status == Status.CLOSED
