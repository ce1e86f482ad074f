from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_principal_sees_only_their_school(page_for, world):
    # given the principal of 新华中学 logged in on a phone
    page = page_for("school_admin", PASSWORD, phone=True)
    # when they open the unit list
    page.goto(f"{page.base}/org/units/")
    # then their school is there and other schools are not
    body = page.inner_text("main")
    assert "新华中学" in body
    assert "乙镇小学" not in body and "甲镇幼儿园" not in body
    shot(page, "principal_units_phone")


def test_bureau_admin_sees_the_county_and_searches_by_pinyin(page_for, world):
    page = page_for("bureau_admin", PASSWORD)
    page.goto(f"{page.base}/org/units/")
    body = page.inner_text("main")
    assert "新华中学" in body and "甲镇幼儿园" in body and "乙镇小学" not in body
    page.fill("input[name=q]", "xhzx")
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('甲镇幼儿园')")
    assert "新华中学" in page.inner_text("#results")
    shot(page, "bureau_units_search")


def test_outsider_gets_not_found_for_another_school(page_for, world):
    page = page_for("outsider", PASSWORD)
    response = page.goto(f"{page.base}/org/units/{world.a1.pk}/")
    assert response.status == 404
