"""Key pages load under the strict Content-Security-Policy (no inline script or style) with no violation."""

from __future__ import annotations

from typing import Any

import pytest

from anxiao.core.testing import PASSWORD

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.one_pass, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/hazards/", "/hazards/new/", "/inspections/", "/reports/dashboard/", "/obligations/compliance/",
         "/org/units/", "/accounts/grants/"]


def _watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


def test_key_pages_load_with_no_csp_violation(page_for: Any, world: Any) -> None:
    # given the bureau's manager in a desktop browser, listening for CSP reports
    page = page_for("bureau_admin", PASSWORD)
    seen = _watch(page)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.log('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    for path in PAGES:
        # when each page is opened
        response = page.goto(f"{page.base}{path}")
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    shot(page, "csp_last_page")
    # then nothing was blocked and no script failed
    assert not seen, seen
    # and the behaviours that moved out of the templates work: the menu script ran (app.js is loaded)
    page.goto(f"{page.base}/hazards/")
    assert page.evaluate("() => [...document.scripts].some(s => s.src.endsWith('/anxiao/app.js'))")
