"""The teacher flow on a phone: acknowledge my duties, then sign my letter."""

from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.responsibility.models import LetterStatus
from anxiao.responsibility.tests.fixtures import letters, lists

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_teacher_acknowledges_duties_and_signs_the_letter_from_a_phone(page_for, world):
    # given a homeroom teacher with a list and an issued letter
    rl = lists(world)["a1_teacher"]
    letter = letters(world)["a1_teacher"]
    page = page_for("school_member", PASSWORD, phone=True)
    # when they open 我的职责 and acknowledge
    page.goto(f"{page.base}/responsibility/my/")
    assert "负责本班学生安全教育和疏散演练签到" in page.inner_text("main")
    page.click(f"#list-{rl.pk} button:has-text('确认知悉')")
    page.wait_for_selector("text=已确认知悉")
    shot(page, "teacher_my_duties_phone")
    # and open their letter and sign it
    page.click(f"a[href='/responsibility/letters/{letter.pk}/']")
    page.click("button:has-text('签订')")
    page.wait_for_selector("text=电子签订")
    shot(page, "teacher_letter_signed_phone")
    # then both are recorded against their own account
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED
    assert letter.signature.user == world.users["school_member"]
    assert rl.acknowledgements.filter(user=world.users["school_member"]).exists()
