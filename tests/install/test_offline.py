"""With ./wheelhouse present, `make run` installs every Python package from it with --no-index; the Debian
packages come from one list (deploy/debian-packages.txt) through one script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(tmp_path: Path, *targets: str, wheelhouse: bool) -> str:
    """`make -n` in a copy of the Makefile (no venv yet), so every install step is printed."""
    for name in ("Makefile", "pyproject.toml", "package.json", "package-lock.json"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, tmp_path / name)
    if wheelhouse:
        (tmp_path / "wheelhouse").mkdir()
        (tmp_path / "wheelhouse" / "Django-5.2-py3-none-any.whl").write_bytes(b"")
    proc = subprocess.run(["make", "-n", *targets], cwd=tmp_path, capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_run_installs_from_the_wheelhouse_without_an_index(tmp_path: Path) -> None:
    steps = dry_run(tmp_path, "run", wheelhouse=True)
    installs = [line for line in steps.splitlines() if "pip install" in line]
    assert installs and all("--no-index --find-links wheelhouse" in line for line in installs), installs
    assert "install --upgrade pip" not in steps  # nothing reaches for the internet
    assert "deploy/debian-packages.sh run" in steps and "collectstatic" in steps


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_without_a_wheelhouse_run_uses_the_index(tmp_path: Path) -> None:
    steps = dry_run(tmp_path, "run", wheelhouse=False)
    assert "--no-index" not in steps and "pip install -q  -e ." in steps


def test_the_debian_list_has_every_set_and_the_script_reads_it() -> None:
    rows = [line.split(None, 2) for line in (ROOT / "deploy" / "debian-packages.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    sets = {name for row in rows for name in row[1].split(",")}
    assert sets == {"run", "server", "test", "render"}
    # LibreOffice only renders exports to look at (docs/render_exports.py), never at run time
    assert {r[1] for r in rows if r[0].startswith("libreoffice")} == {"render"}
    check = subprocess.run(["sh", str(ROOT / "deploy" / "debian-packages.sh"), "render", "--check"],
                           capture_output=True, text=True)
    listed = {r[0] for r in rows if "render" in r[1].split(",") or r[1] == "run"}
    assert set(check.stdout.replace("missing:", "").split()) <= listed
    assert next(r[:2] for r in rows if r[0] == "fonts-noto-cjk") == ["fonts-noto-cjk", "run"]
    makefile = (ROOT / "Makefile").read_text()
    assert "apt-get" not in makefile  # the Makefile goes through the script, which reads the list
    proc = subprocess.run(["sh", str(ROOT / "deploy" / "debian-packages.sh"), "nonsense"], capture_output=True, text=True)
    assert proc.returncode == 2 and "usage" in proc.stderr
