"""`anxiao serve` with ANXIAO_ENV=production on PostgreSQL: log in over HTTP, a page and its CSS, the probes.

Runs in the PostgreSQL pass of `make test` (DATABASE_URL=postgres://…); it makes its own database
``<name>_serve`` on the same server and drops it afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgres"),
                                reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_database(suffix: str) -> str:
    """A fresh database next to the test run's; returns its URL."""
    import psycopg

    parts = urllib.parse.urlsplit(DATABASE_URL)
    name = f"{parts.path.lstrip('/') or 'anxiao'}_{suffix}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def production_env(tmp_path: Path, database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANXIAO_", "PYTEST", "DJANGO_"))}
    env.update(ANXIAO_ENV="production", ANXIAO_SECRET_KEY="serve-test-" + "k" * 60, DATABASE_URL=database_url,
               ANXIAO_ALLOWED_HOSTS="127.0.0.1,localhost", ANXIAO_VAR_DIR=str(tmp_path / "var"),
               ANXIAO_BIND=f"127.0.0.1:{port}", ANXIAO_WEB_WORKERS="1", ANXIAO_WEB_THREADS="2",
               # plain HTTP on the loopback in this test; behind nginx with TLS these stay at their defaults
               ANXIAO_SSL_REDIRECT="false", ANXIAO_SECURE_COOKIES="false",
               ANXIAO_LOG_FILE=str(tmp_path / "anxiao.log"), DJANGO_SUPERUSER_PASSWORD="Serve@2026-test")
    return env


def anxiao(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([str(Path(sys.executable).with_name("anxiao")), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"anxiao {' '.join(args)}: {proc.stderr[-3000:]}"
    return proc.stdout


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {seconds} s")


def test_serve_in_production_on_postgresql(tmp_path: Path) -> None:
    db = pg_database("serve")
    port = free_port()
    env = production_env(tmp_path, db, port)
    base = f"http://127.0.0.1:{port}"
    server = None
    try:
        anxiao(env, "migrate", "--noinput", "-v0")
        anxiao(env, "createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.invalid")
        anxiao(env, "worker", "--once")
        server = subprocess.Popen([str(Path(sys.executable).with_name("anxiao")), "serve"], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for(f"{base}/healthz")
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = browser.open(f"{base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
        assert token, login_page[:500]
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "login": "ops",
                                       "password": "Serve@2026-test"}).encode()
        answer = browser.open(urllib.request.Request(f"{base}/accounts/login/", data=form,
                                                     headers={"Referer": f"{base}/accounts/login/"}))
        home = answer.read().decode()
        assert answer.status == 200 and answer.url.rstrip("/") == base, answer.url
        assert "退出" in home or "ops" in home
        css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', home)
        assert css and re.search(r"\.[0-9a-f]{12}\.css$", css.group(1)), "the page links the collected, hashed CSS"
        with browser.open(f"{base}{css.group(1)}") as r:
            assert r.status == 200 and "text/css" in r.headers["Content-Type"] and len(r.read()) > 1000
        with urllib.request.urlopen(f"{base}/healthz") as r:
            assert json.load(r) == {"status": "ok"}
        with urllib.request.urlopen(f"{base}/readyz") as r:
            ready = json.load(r)
        assert ready["status"] == "ok" and ready["checks"]["migrations_pending"] == 0
        assert ready["checks"]["worker"] == "ok" and ready["checks"]["outbox_failed"] == 0
        # the log file has one line per request with its id, and no personal data
        logged = (tmp_path / "anxiao.log").read_text(encoding="utf-8")
        assert re.search(r"\[[0-9a-f]{16}\] POST /accounts/login/ 302 \d+ms user=\d+", logged), logged[-2000:]
        assert "Serve@2026-test" not in logged and "ops@example" not in logged
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
        drop_database(db)
    assert server is not None and server.returncode == 0
