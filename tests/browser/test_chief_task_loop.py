from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anxiao.chiefs.tests.fixtures import chiefs_world, user_for
from anxiao.core.choices import Role
from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_town_chief_routes_a_hazard_to_the_police_and_sees_it_verified(page_for, world, tmp_path):
    # given a town chief (read-only over the town) and the police liaison
    c = chiefs_world(world)
    user_for(c.town_chief, Role.BUREAU_VIEWER, region=world.town_a, username="zongxiaozhang", password=PASSWORD)
    user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police, username="lianluoyuan", password=PASSWORD)
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    # when the chief routes the pond next to 新华中学 to the police
    chief = page_for("zongxiaozhang", PASSWORD)
    chief.goto(f"{chief.base}/chiefs/posts/{c.town_chief.pk}/")
    assert "新华中学" in chief.inner_text("main")
    chief.click("text=交办任务")
    chief.select_option("select[name=agency]", label="甲县公安局")
    chief.select_option("select[name=school]", label="新华中学")
    chief.select_option("select[name=source]", value="hazard")
    chief.select_option("select[name=hazard_kind]", value="pond")
    chief.fill("input[name=title]", "学校后山鱼塘无护栏")
    chief.fill("input[name=deadline]", deadline)
    chief.click("button[type=submit]")
    chief.wait_for_url("**/chiefs/tasks/*/")
    task_url = chief.url
    assert "已交办" in chief.inner_text("#task-status")

    # and the liaison signs for it, is refused without evidence, then closes it with a photo
    liaison = page_for("lianluoyuan", PASSWORD, phone=True)
    liaison.goto(task_url)
    liaison.click("text=签收任务")
    liaison.wait_for_selector("text=提交办结")
    liaison.click("text=提交办结")
    assert "请填写办结情况" in liaison.inner_text("main")
    shot(liaison, "chiefs_task_close_refused_phone")  # the close form again, each refusal at its field
    photo = tmp_path / "现场.jpg"
    from PIL import Image  # a real JPEG: evidence goes through the content-checked upload (core.files)

    Image.new("RGB", (32, 32), "orange").save(photo, "JPEG")
    liaison.fill("textarea[name=evidence]", "已设置警示牌和防护栏")
    liaison.set_input_files("input[name=attachments]", str(photo))
    liaison.click("text=提交办结")
    liaison.wait_for_selector("text=已办结待核验")
    shot(liaison, "chiefs_task_closed_phone")

    # then the chief verifies it and sees the whole history
    chief.goto(task_url)
    chief.click("text=核验通过")
    chief.wait_for_selector("#task-status:has-text('已核验')")
    history = chief.inner_text("main")
    for step in ("交办", "签收", "办结", "核验通过"):
        assert step in history
    shot(chief, "chiefs_task_verified")
