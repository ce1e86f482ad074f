"""docs/configuration.md lists every environment variable the code reads, and only those."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\b(ANXIAO_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL)\b")
# Documented ahead of the branch that adds them (engineer 15a); drop a name here once it is on main.
ARRIVING = {"ANXIAO_TRUSTED_PROXIES", "ANXIAO_API_TOKEN_DAYS", "ANXIAO_LOGIN_ADDRESS_FAILURE_LIMIT",
            "ANXIAO_CONTENT_SECURITY_POLICY"}


def read_in_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "anxiao").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names |= set(NAME.findall(text))
        # gongwen._configured(var) also reads f"{var}_INDEX"
        names |= {f"{n}_INDEX" for n in re.findall(r'_configured\("([A-Z_]+)"\)', text)}
    return names


def documented() -> set[str]:
    table = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, re.M))


def test_every_variable_the_code_reads_is_documented() -> None:
    missing = read_in_code() - documented()
    assert not missing, f"add these to docs/configuration.md: {sorted(missing)}"


def test_every_documented_variable_is_read_by_the_code() -> None:
    stale = documented() - read_in_code() - ARRIVING
    assert not stale, f"docs/configuration.md lists variables nothing reads: {sorted(stale)}"


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANXIAO_")}
    code = ("import anxiao.settings as s; print(s.EMAIL_USE_SSL, s.EMAIL_USE_TLS, s.EMAIL_PORT, s.BASE_URL)")
    return subprocess.run([sys.executable, "-c", code], env={**clean, "ANXIAO_ENV": "test", **env}, cwd=ROOT,
                          capture_output=True, text=True)


def test_email_over_ssl_465_or_starttls_but_not_both() -> None:
    ssl = _settings(ANXIAO_EMAIL_USE_SSL="true", ANXIAO_EMAIL_PORT="465", ANXIAO_BASE_URL="https://a.example.cn/")
    assert ssl.stdout.split() == ["True", "False", "465", "https://a.example.cn"], ssl.stderr
    both = _settings(ANXIAO_EMAIL_USE_SSL="true", ANXIAO_EMAIL_USE_TLS="true")
    assert both.returncode != 0 and "cannot both be true" in both.stderr
    bad = _settings(ANXIAO_BASE_URL="anxiao.example.cn")
    assert bad.returncode != 0 and "ANXIAO_BASE_URL must start with http" in bad.stderr


def test_e_mails_link_to_the_base_url(world, settings, mailoutbox) -> None:
    from anxiao.notifications import actions
    from anxiao.notifications.models import Channel

    settings.BASE_URL = "https://anxiao.example.gov.cn"
    actions.enqueue(Channel.EMAIL, "隐患逾期", "请尽快整改", "/hazards/7/", email="a@example.cn")
    assert actions.deliver_due() == (1, 0)
    assert "https://anxiao.example.gov.cn/hazards/7/" in mailoutbox[0].body
