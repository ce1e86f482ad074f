"""Accounts at scale in the browser: a bureau admin opens a county's accounts from the people import and
disables those of people who left; a teacher on a phone resets a forgotten password with an SMS code."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook

from anxiao.core.testing import PASSWORD
from anxiao.notifications.actions import deliver_due
from anxiao.notifications.tests.test_notifications import FakeRobot
from anxiao.org.models import Person

from .conftest import PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]


def test_a_bureau_admin_opens_accounts_from_the_import_and_disables_the_departed(page_for, world, tmp_path):
    wb = Workbook()
    wb.active.append(["姓名*", "性别", "手机号", "所属单位*", "岗位类别", "岗位名称", "岗位所在单位", "班级"])
    wb.active.append(["李雷", "男", "13912345678", "新华中学", "班主任", "", "", "七年级（3）班"])
    wb.active.append(["韩梅梅", "女", "13912345679", "甲镇幼儿园", "分管安全副校长（直接责任人）", "", "", ""])
    path = tmp_path / "人员.xlsx"
    wb.save(path)
    page = page_for("bureau_admin", PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{page.base}/org/people/import/")
    page.set_input_files("input[name=file]", str(path))
    page.check("input[name=accounts]")
    page.click("button.btn")
    body = page.inner_text("main")
    assert "开通账号 2 个" in body and "13912345678" in body and "学校管理员" in body
    shot(page, "people_import_accounts_bureau")
    Person.objects.filter(name="李雷").update(is_active=False)
    page.goto(f"{page.base}/accounts/grants/")
    assert "已离职人员的账号（1 个仍可登录）" in page.inner_text("main")
    shot(page, "accounts_departed_bureau")
    page.once("dialog", lambda d: d.accept())
    page.click("text=全部停用")
    assert "已停用 1 个账号" in page.inner_text("body")


def test_a_teacher_resets_a_forgotten_password_by_sms_on_a_phone(browser, live_server, world, settings):
    Person.objects.filter(pk=world.users["school_member"].person_id).update(mobile="13900000001")
    with FakeRobot() as gateway:
        settings.SMS_URL = gateway.url
        ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = ctx.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.click("text=忘记密码")
        page.fill("input[name=login]", "13900000001")
        page.check("input[value=sms]")
        page.click("button[type=submit]")
        assert "重设密码的信息已发送" in page.inner_text("main")
        shot(page, "forgot_password_phone")
        assert gateway.received == []  # the request only queues the message: the worker's outbox sends it
        deliver_due()
        code = re.search(r"\d{6}", gateway.received[0]["text"]).group(0)  # type: ignore[union-attr]
    page.click("text=输入短信验证码")
    page.fill("input[name=login]", "13900000001")
    page.fill("input[name=code]", code)
    page.fill("input[name=new_password1]", "Xin-mima-2026")
    page.fill("input[name=new_password2]", "Xin-mima-2026")
    shot(page, "forgot_code_phone")
    page.click("button[type=submit]")
    page.fill("input[name=login]", "13900000001")
    page.fill("input[name=password]", "Xin-mima-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    ctx.close()
