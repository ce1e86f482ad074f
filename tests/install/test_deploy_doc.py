"""docs/deploy.md is the procedure `deploy/follow-deploy-doc.sh` runs: its blocks parse as shell, every file
they name exists, and the systemd units and nginx site say what the page says."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def blocks(section: str) -> str:
    proc = subprocess.run([str(ROOT / "deploy" / "follow-deploy-doc.sh"), "--print", section], capture_output=True,
                          text=True, check=True)
    return proc.stdout


@pytest.mark.parametrize("section", ["install", "upgrade", "rollback"])
def test_each_section_is_a_shell_script_that_parses(section: str) -> None:
    script = blocks(section)
    assert script.strip()
    subprocess.run(["bash", "-n", "-c", script], check=True)


def test_the_files_the_procedure_names_exist() -> None:
    script = blocks("install") + blocks("upgrade")
    named = set(re.findall(r'"\$SRC"?/(deploy/[\w.-]+)', script))
    assert {"deploy/debian-packages.sh", "deploy/anxiao-web.service", "deploy/anxiao-worker.service",
            "deploy/nginx-anxiao.conf", "deploy/anxiao.env.example"} <= named
    for rel in named:
        assert (ROOT / rel).is_file(), rel


def test_units_and_site_agree_with_the_page() -> None:
    web = (ROOT / "deploy" / "anxiao-web.service").read_text()
    worker = (ROOT / "deploy" / "anxiao-worker.service").read_text()
    assert "anxiao serve" in web and "EnvironmentFile=/etc/anxiao/anxiao.env" in web
    assert "anxiao worker" in worker and "KillSignal=SIGTERM" in worker
    site = (ROOT / "deploy" / "nginx-anxiao.conf").read_text()
    assert "X-Forwarded-For" in site and "client_max_body_size" in site and "ssl_certificate" in site
    example = (ROOT / "deploy" / "anxiao.env.example").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", (ROOT / "docs" / "configuration.md").read_text(), re.M))
    used = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert used <= documented, used - documented
