"""Each field role's home page shows its own work first, on a 390 px phone: the homeroom teacher the drill under
way to sign in to, the guard today's patrol round with the scanner."""

from __future__ import annotations

import pytest

from anxiao.core.testing import PASSWORD
from anxiao.drills.tests.fixtures import drill

from .conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _guard(world):  # type: ignore[no-untyped-def]
    from anxiao.accounts.models import Grant, User
    from anxiao.core.choices import PostKind, Role
    from anxiao.org.models import Person, Post

    person = Person.objects.create(name="刘保安", unit=world.a1)
    Post.objects.create(unit=world.a1, kind=PostKind.SECURITY_GUARD, title="保安员", holder=person)
    user = User.objects.create_user(username="guard", password=PASSWORD, person=person)
    Grant.objects.create(user=user, role=Role.SCHOOL_MEMBER, unit=world.a1)
    return user


def test_the_teacher_and_the_guard_each_see_their_own_work_first(page_for, world):
    from anxiao.inspections import actions
    from anxiao.inspections.models import PatrolPoint

    # given a drill under way with the teacher's class, and the school's patrol points with one check-in
    d = drill(world)
    guard = _guard(world)
    gate = PatrolPoint.objects.create(unit=world.a1, name="校门口")
    PatrolPoint.objects.create(unit=world.a1, name="配电房")
    actions.check_in(guard, gate, code=gate.secret)
    # when the homeroom teacher opens the home page on a phone
    teacher = page_for("school_member", PASSWORD, phone=True)
    # then the drill to sign in to comes first, with the way to sign
    assert "演练进行中：请本人签到" in teacher.inner_text("#home-drills")
    assert teacher.get_attribute("#home-drills a", "href").endswith(f"/drills/s/{d.token}/")
    assert teacher.locator("#home-patrol").count() == 0
    assert teacher.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(teacher, "home_teacher_phone")
    # when the guard opens theirs: today's round and the scanner, no drill to sign
    page = page_for("guard", PASSWORD, phone=True)
    text = page.inner_text("#home-patrol")
    assert "校门口：1 次" in text and "配电房：0 次" in text and "扫码打卡" in text
    assert page.locator("#home-drills").count() == 0
    shot(page, "home_guard_phone")


DESKTOP = {"width": 1366, "height": 768}
BUREAU_SIDE = ("bureau_admin", "bureau_viewer")


def test_every_persona_sees_its_own_work_on_its_home_page(page_for, world):
    from anxiao.core.tests.homes import EXPECTED, build

    # given one piece of work waiting for each persona
    build(world)
    for who, (sid, texts) in EXPECTED.items():
        # when the persona opens the home page on a 390 px phone
        page = page_for(who, PASSWORD, phone=True)
        # then its own section shows its work, with no sideways scrolling
        text = page.inner_text(sid)
        for t in texts:
            assert t in text, f"{who}: {t!r} not in {text!r}"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], who
        shot(page, f"home_{who}_phone")
        if who in BUREAU_SIDE:  # the bureau works at a laptop too
            page.set_viewport_size(DESKTOP)
            shot(page, f"home_{who}_1366")


def test_the_bureau_offices_phone_home_shows_three_of_each_list_and_links_to_the_rest(page_for, world):
    import datetime

    from django.utils import timezone

    from anxiao.core.tests.homes import build
    from anxiao.hazards import actions as hazards
    from anxiao.hazards.models import Hazard

    # given the office's home with six overdue hazards (issue 19 follow-up: it was 2,640 px tall on a phone)
    build(world)
    admin, today = world.users["school_admin"], timezone.localdate()
    for i in range(5):
        h = hazards.report_hazard(admin, unit=world.a1, location=f"实验楼{i}层", category="XF", description="灭火器过期",
                                  source="inspection")
        hazards.transition(admin, h, "register")
        hazards.transition(admin, h, "grade", grade="general")
        hazards.transition(admin, h, "start_rectification", measures="更换", responsible=world.people["a1_officer"],
                           deadline=today + datetime.timedelta(days=7))
    Hazard.objects.filter(location__startswith="实验楼").update(deadline=today - datetime.timedelta(days=2))
    visible = ("els => els.filter(e => e.offsetParent !== null && !e.classList.contains('more')).length")
    # when the office opens it on a phone, the overdue list shows its first three and a link to all six
    page = page_for("bureau_admin", PASSWORD, phone=True)
    lists = page.locator("#home-office ul.homelist")
    counts = [lists.nth(i).locator("li").evaluate_all(visible) for i in range(lists.count())]
    assert max(counts) == 3, counts
    assert "全部 6 项逾期隐患" in page.inner_text("#home-office")
    shot(page, "home_office_phone_short")
    # and at a laptop all six are listed
    page.set_viewport_size(DESKTOP)
    counts = [lists.nth(i).locator("li").evaluate_all(visible) for i in range(lists.count())]
    assert max(counts) == 6, counts
