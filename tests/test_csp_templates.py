"""The Content-Security-Policy allows no inline script or style, so no template may carry one.

Behaviour lives in static files (``core/static/anxiao/app.js`` reads ``data-autosubmit``, ``data-confirm``,
``data-print``, ``data-back``, ``data-width``); looks live in CSS classes. A JSON data block
(``<script type="application/json">``, what ``json_script`` writes) is data, not script, and is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1] / "anxiao"
TEMPLATES = sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)

CHECKS = {
    "inline event handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S),
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("kind", list(CHECKS))
def test_no_template_has_inline_code_or_style(kind: str) -> None:
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for m in CHECKS[kind].finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {m.group(0)[:80]!r}")
    assert not found, f"{kind} in templates (the CSP forbids it; use a static file or a class):\n" + "\n".join(found)


def test_the_policy_allows_no_inline_script_or_style() -> None:
    policy = dict(part.strip().split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split(";") if part.strip())
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in settings.CONTENT_SECURITY_POLICY
