"""One language: the interface is Simplified Chinese, with no language switch (issue 19 allowed translating the
whole interface or removing the switch; a half-translated switch is not acceptable, so it is gone)."""

import pytest

pytestmark = pytest.mark.django_db


def test_there_is_no_language_switch(as_user, world):
    body = as_user("school_admin").get("/org/units/").content.decode()
    assert "单位" in body and 'lang="zh-hans"' in body
    assert "setlang" not in body and 'name="language"' not in body
    assert as_user("school_admin").post("/i18n/setlang/", {"language": "en"}).status_code == 404


def test_a_browser_asking_for_english_gets_the_same_chinese_page(as_user, world):
    client = as_user("school_admin")
    chinese = client.get("/org/units/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/org/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in english and "Log out" not in english and "Units" not in english
    assert "退出" in chinese and "退出" in english
