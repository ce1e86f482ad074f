"""House rules for tests that a linter does not know."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _test_files() -> list[Path]:
    return list((ROOT / "anxiao").rglob("test*.py")) + list((ROOT / "tests").rglob("test*.py"))


def test_it_finds_no_bare_validation_error_raises() -> None:
    # a refusal must say which field failed: use anxiao.core.testing.refused("field")
    bare = re.compile(r"pytest\.raises\(ValidationError\)\s*:")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in _test_files()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]
    assert not found, "bare pytest.raises(ValidationError) — use refused('field'): " + ", ".join(found)


def test_it_finds_no_assertion_that_cannot_fail() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}" for p in _test_files()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"^\s*assert .* or True\s*(#.*)?$", line)]
    assert not found, ", ".join(found)


def test_every_browser_test_module_runs_in_one_pass_only() -> None:
    # make test runs browser tests in the SQLite pass only (pyproject's one_pass marker; CI stays under 25 min)
    missing = [str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "browser").glob("test_*.py")
               if not re.search(r"^pytestmark = \[pytest\.mark\.browser, pytest\.mark\.one_pass\b", p.read_text(encoding="utf-8"), re.M)]
    assert not missing, "declare pytestmark = [pytest.mark.browser, pytest.mark.one_pass, …] in " + ", ".join(missing)
