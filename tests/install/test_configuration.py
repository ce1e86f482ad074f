"""docs/configuration.md lists every environment variable the code reads, and only those."""

from __future__ import annotations

import re
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
