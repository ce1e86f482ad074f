"""A homeroom teacher scans the drill's QR code on a phone, logs in, signs in; the coverage shows it."""

from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.drills.models import SignIn
from anxiao.drills.tests.fixtures import CLASS_A1, drill

from .conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_homeroom_teacher_signs_in_to_a_drill_from_a_phone(browser, live_server, world, page_for):
    # given a drill under way with the teacher's class taking part
    d = drill(world)
    teacher = world.people["a1_teacher"]
    # when the teacher opens the QR code's address on a phone and has to log in first
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/drills/s/{d.token}/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=login]", "school_member")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/drills/s/{d.token}/")
    # then the page names their own class and has no way to pick anybody else
    assert CLASS_A1 in page.inner_text("main") and teacher.name in page.inner_text("main")
    assert page.locator("main select, main input[type=checkbox], main input[name=person_id], main input[name=post_id]").count() == 0
    # and fits the phone without sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button:has-text('本人签到')")
    page.wait_for_selector("text=签到成功")
    shot(page, "drill_signin_phone")
    assert SignIn.objects.get(drill=d).user == world.users["school_member"]
    # and the safety office's coverage page shows them signed
    office = page_for("school_admin", PASSWORD, phone=True)
    office.goto(f"{office.base}/drills/drills/{d.pk}/coverage/")
    row = office.locator("tr", has_text=CLASS_A1)
    assert "已签到" in row.inner_text() and teacher.name in row.inner_text()
    assert office.inner_text("#signed-count") == "1"
    shot(office, "drill_coverage_phone")
    ctx.close()


def test_a_sign_in_after_the_drill_and_its_margin_is_refused_on_the_phone(world, page_for):
    import datetime

    from django.utils import timezone

    from anxiao.drills.models import Drill

    # given a drill under way whose own time ended an hour ago (margin 15 minutes)
    d = drill(world)
    now = timezone.now()
    Drill.objects.filter(pk=d.pk).update(window_start=now - datetime.timedelta(hours=2),
                                         window_end=now - datetime.timedelta(hours=1), signin_margin_minutes=15)
    # when the teacher opens the drill's sign-in page on a phone
    page = page_for("school_member", PASSWORD, phone=True)
    page.goto(f"{page.base}/drills/s/{d.token}/")
    # then it says sign-in is closed and offers no button
    assert "签到只在演练时间内开放" in page.inner_text("#window-closed")
    assert page.locator("button:has-text('本人签到')").count() == 0
    # and a sign-in posted anyway is refused and nothing is recorded
    page.evaluate("""() => { const f = document.createElement('form'); f.method = 'post';
        const t = document.createElement('input'); t.name = 'csrfmiddlewaretoken';
        t.value = document.cookie.match(/csrftoken=([^;]+)/)[1]; f.appendChild(t); document.body.appendChild(f); f.submit(); }""")
    page.wait_for_load_state()
    assert "不在签到时间内" in page.inner_text("main")
    shot(page, "drill_signin_refused_phone")
    assert not SignIn.objects.filter(drill=d).exists()
