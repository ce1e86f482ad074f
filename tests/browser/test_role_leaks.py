"""No role sees more than it may, in a real browser (issue 15): the read-only director, a homeroom teacher and a
guard open their home page and every page of their menu. None shows 导入, the audit log or a colleague's mobile
number; none of the director's pages offers a form the read-only gate would refuse (core.access.may_post)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from anxiao.core.testing import PASSWORD

from .test_role_homes import _guard

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]

COLLEAGUE_MOBILE = "13812345678"
MAX_PAGES = 15


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def _menu(page) -> list[str]:  # type: ignore[no-untyped-def]
    hrefs = page.eval_on_selector_all("nav.mainnav a[href]", "els => els.map(e => e.getAttribute('href'))")
    seen: list[str] = []
    for href in hrefs:
        path = urlsplit(href).path
        if path.startswith("/") and path not in seen and not path.endswith((".xlsx", ".docx", ".pdf", ".zip")):
            seen.append(path)
    return seen[:MAX_PAGES]


def _refused_forms(page, user) -> list[str]:  # type: ignore[no-untyped-def]
    from anxiao.core.access import may_post

    found = []
    forms = page.eval_on_selector_all(
        "form", "els => els.map(f => [(f.getAttribute('method') || 'get').toLowerCase(), f.getAttribute('action') || ''])")
    for method, action in forms:
        if method != "post":
            continue
        target = urlsplit(action).path or urlsplit(page.url).path
        try:
            name = resolve(target).view_name
        except Resolver404:
            name = target
        if not may_post(user, name):
            found.append(name)
    return found


def _check(page, user, role: str) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    menu = _menu(page)
    assert menu, f"{role} has no menu to walk"
    for path in ["/", *menu]:
        page.goto(page.base + path)
        text = page.inner_text("body")
        where = f"{role} {path}"
        if page.locator("a:has-text('导入'), button:has-text('导入')").count():
            problems.append(f"{where}: offers 导入")
        if page.locator("a[href^='/audit/']").count():
            problems.append(f"{where}: links the audit log")
        if COLLEAGUE_MOBILE in text or COLLEAGUE_MOBILE in page.content():
            problems.append(f"{where}: shows a colleague's mobile")
        if role == "director":
            problems += [f"{where}: a form posting to {name}" for name in _refused_forms(page, user)]
    for path in ["/audit/", "/org/people/export.xlsx"]:
        status = page.request.get(page.base + path).status
        if status != 403:
            problems.append(f"{role}: {path} answers {status}")
    return problems


def test_the_director_the_teacher_and_the_guard_see_only_what_they_may(page_for, world):
    # given a colleague at a1 with a mobile number, and a guard's account at a1
    officer = world.people["a1_officer"]
    officer.mobile = COLLEAGUE_MOBILE
    officer.save()
    guard = _guard(world)
    problems = []
    # when the read-only director (1366 px), the homeroom teacher and the guard (phones) open their pages
    for role, login, user, phone in [("director", "bureau_viewer", world.users["bureau_viewer"], False),
                                     ("teacher", "school_member", world.users["school_member"], True),
                                     ("guard", "guard", guard, True)]:
        page = page_for(login, PASSWORD, phone=phone)
        page.set_default_timeout(60000)  # a loaded CI machine: a menu page of the director's can take seconds
        problems += _check(page, user, role)
    # then nothing leaks
    assert not problems, "\n".join(problems)
