"""docs/deploy.md is the procedure `deploy/follow-deploy-doc.sh` runs: its blocks parse as shell, every file
they name exists, and the systemd units and nginx site say what the page says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


SECRET_NAME = re.compile(r"\$\{?(\w*(?:PASSWORD|SECRET)\w*)(?!\+set\})")


@pytest.mark.parametrize("section", ["install", "upgrade", "rollback"])
def test_no_secret_is_expanded_on_a_command_line(section: str) -> None:
    """`bash -x` (follow-deploy-doc.sh) prints every command with its variables expanded, and `ps` shows every
    command line: a secret must never be expanded into one, nor the configuration file spread into `env $(…)`."""
    script = blocks(section)
    assert not SECRET_NAME.findall(script), SECRET_NAME.findall(script)
    assert "xargs" not in script and not re.search(r"env \$\(", script)


STUBS = r"""
runuser() { shift 2; [ "$1" = -- ] && shift; "$@"; }
psql() { case "$*" in *-c*) ;; *) cat >> "$ROOT/psql.stdin" ;; esac; }
createdb() { :; }; systemctl() { :; }; useradd() { :; }; id() { return 1; }; chown() { :; }; chgrp() { :; }
nginx() { :; }; make() { :; }; sleep() { :; }; curl() { echo '{"status": "ok"}'; }
openssl() { touch "$ROOT/etc/anxiao/tls/fullchain.pem" "$ROOT/etc/anxiao/tls/privkey.pem"; }
install() {
  local args=() skip=0
  for a in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$a" in -o|-g) skip=1 ;; *) args+=("$a") ;; esac
  done
  command install "${args[@]}"
}
"""
FAKE_PYTHON = """#!/bin/bash
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/pip"
  printf '#!/bin/sh\\necho "anxiao $* ANXIAO_ENV_FILE=$ANXIAO_ENV_FILE" >> "%s/anxiao.calls"\\n' "$ROOT" > "$3/bin/anxiao"
  chmod +x "$3/bin/pip" "$3/bin/anxiao"
  exit 0
fi
exec python3 "$@"
"""


def test_the_install_traced_with_bash_x_shows_no_secret(tmp_path: Path) -> None:
    """The install section run as follow-deploy-doc.sh runs it (`bash -euo pipefail -x`), with the system's
    commands stubbed and its paths under a temporary root: the secret key, the generated database password and
    the administrator's password are in the configuration file, the role's SQL reaches psql on its standard input,
    and none of them is in the trace."""
    root = tmp_path / "root"
    src = tmp_path / "src"
    (src / "deploy").mkdir(parents=True)
    (src / "var" / "vendor").mkdir(parents=True)
    (src / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for name in ("anxiao.env.example", "env-secrets.py", "anxiao-web.service", "anxiao-worker.service",
                 "anxiao-backup.service", "anxiao-backup.timer", "nginx-anxiao.conf"):
        (src / "deploy" / name).write_bytes((ROOT / "deploy" / name).read_bytes())
    (src / "deploy" / "debian-packages.sh").write_text("#!/bin/sh\nexit 0\n")
    (src / "deploy" / "debian-packages.sh").chmod(0o755)
    for d in ("etc/systemd/system", "etc/nginx/sites-available", "etc/nginx/sites-enabled"):
        (root / d).mkdir(parents=True)
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    script = blocks("install")
    for path in ("/etc/anxiao", "/opt/anxiao", "/var/lib/anxiao", "/var/log/anxiao", "/etc/systemd/system",
                 "/etc/nginx"):
        script = script.replace(path, f"{root}{path}")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ROOT": str(root), "SRC": str(src),
           "PYTHON": str(python), "DOMAIN": "anxiao.test.example.cn", "DJANGO_SUPERUSER_PASSWORD": "Admin-Only-9f3k2"}
    proc = subprocess.run(["bash", "-euo", "pipefail", "-x", "-c", STUBS + script], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    config = (root / "etc/anxiao/anxiao.env").read_text()
    secret_key = re.search(r"^ANXIAO_SECRET_KEY=(.+)$", config, re.M).group(1)  # type: ignore[union-attr]
    password = re.search(r"^DATABASE_URL=postgres://anxiao:([^@]+)@", config, re.M).group(1)  # type: ignore[union-attr]
    assert len(secret_key) >= 50 and len(password) >= 24 and "change-me" not in config
    assert "anxiao.test.example.cn" in config
    assert f"PASSWORD '{password}'" in (root / "psql.stdin").read_text()
    trace = proc.stderr
    assert "+ " in trace and "env-secrets.py" in trace  # it was traced
    for secret in (secret_key, password, "Admin-Only-9f3k2"):
        assert secret not in trace
    calls = (root / "anxiao.calls").read_text()
    assert "anxiao migrate --noinput ANXIAO_ENV_FILE=" in calls and "createsuperuser --noinput" in calls
    assert secret_key not in calls and password not in calls


def test_a_given_database_password_is_written_url_encoded_and_sent_to_psql_as_is(tmp_path: Path) -> None:
    config = tmp_path / "anxiao.env"
    config.write_text((ROOT / "deploy" / "anxiao.env.example").read_text())
    helper = [sys.executable, str(ROOT / "deploy" / "env-secrets.py")]
    env = {**os.environ, "DB_PASSWORD": "p@ss:w'rd/1"}
    subprocess.run([*helper, "fill", str(config)], env=env, check=True)
    assert "DATABASE_URL=postgres://anxiao:p%40ss%3Aw%27rd%2F1@127.0.0.1:5432/anxiao" in config.read_text()
    sql = subprocess.run([*helper, "role-sql", str(config)], capture_output=True, text=True, check=True).stdout
    assert sql == "CREATE ROLE \"anxiao\" LOGIN PASSWORD 'p@ss:w''rd/1';\n"


def test_commands_read_the_configuration_file_given_by_anxiao_env_file(tmp_path: Path) -> None:
    config = tmp_path / "anxiao.env"
    config.write_text("# comment\nANXIAO_BASE_URL='https://file.example.cn'\nANXIAO_TIME_ZONE=Asia/Urumqi\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANXIAO_")}
    code = "import anxiao.settings as s; print(s.BASE_URL, s.TIME_ZONE)"
    env = {**clean, "ANXIAO_ENV": "test", "ANXIAO_ENV_FILE": str(config), "ANXIAO_TIME_ZONE": "Asia/Shanghai"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.split() == ["https://file.example.cn", "Asia/Shanghai"], out.stderr  # the environment wins
    missing = subprocess.run([sys.executable, "-c", code], env={**env, "ANXIAO_ENV_FILE": str(tmp_path / "no")},
                             cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode != 0 and "ANXIAO_ENV_FILE: cannot read" in missing.stderr
