"""Browser test: a homeroom teacher records this week's safety lesson on a phone and sees the class coverage."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_homeroom_teacher_records_this_weeks_lesson_on_a_phone(page_for, world):
    from anxiao.education.models import EducationRecord
    from anxiao.obligations import actions
    from anxiao.obligations.models import Occurrence

    # given the national rules, and the teacher's class 七年级（1）班 at 新华中学
    actions.load_rules(None, world.bureau_a, ["national"])
    post = world.posts["a1_teacher"]
    post.class_name = "七年级（1）班"
    post.save()
    # when the teacher opens "本班安全教育" on a phone and records a lesson of module 意外伤害
    page = page_for("school_member", PASSWORD, phone=True)
    page.goto(f"{page.base}/education/mine/")
    assert "本周未上" in page.locator(".card").inner_text()
    page.get_by_role("link", name="记录本周安全教育课").click()
    page.fill("#id_topic", "防溺水六不准")
    page.select_option("#id_module", "accidents")
    # a date in the future is refused on its field, nothing is written
    page.fill("#id_occurred_on", (timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="保存").click()
    assert "日期不能晚于今天" in page.locator(".field.has-error").inner_text()
    assert not EducationRecord.objects.exists()
    page.fill("#id_occurred_on", timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    # then the school page shows the class done this week with 意外伤害 covered, and the weekly slot is done
    page.wait_for_url(re.compile(r"/education/schools/\d+/"))
    card = page.locator(".card").inner_text()
    assert "本周已上" in card and "本学期 1 节" in card
    assert "意外伤害" not in card.split("未覆盖：")[1]
    occ = Occurrence.objects.get(rule__code="national.class.weekly_safety_lesson", post=post,
                                 period_start__lte=timezone.localdate(), period_end__gte=timezone.localdate())
    assert occ.done_count == 1
    shot(page, "education_lesson_phone")
