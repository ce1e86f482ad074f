"""Benchmark over HTTP: the production server (``anxiao serve``: gunicorn, 2 workers) on a free loopback port,
the pages of issue 18 at county, city, province (and school) scope, and a bounded load test.

For every page and scope: p50/p95 of the full HTTP round trip (one client, keep-alive, after one warm-up
request), the number of SQL queries the request runs and the bare time of those same queries, the ratio of
the two, the HTML bytes, and the load average when the page was measured.

How the SQL is known: this process (the "side process") sets Django up with the server's settings and the
same database, serves the same URL for the same session with ``django.test.Client`` inside
``CaptureQueriesContext`` (a second time, so per-process caches are warm as they are in the server), and
replays the captured statements with psycopg on a fresh connection (``jit=off`` as the app sets it), inside a
transaction rolled back at the end. The bare-SQL figure is the median of three replays, including fetching
every row; the ratio is HTTP p50 / bare SQL.

Memory: the peak resident set (VmHWM in /proc/<pid>/status) of each gunicorn worker and of the master
(``anxiao serve``), read after start-up, after the monthly roll-up XLSX export, after the pages and after the
load test; not a forked child's ru_maxrss, which inherits the parent's peak. A worker's VmHWM starts at its own
resident set when it is forked (the kernel resets the high-water mark in ``dup_mm``): the smoke run shows workers
of 175 MB under a master of 193 MB.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(os.environ.get("BENCH_OUT") or ROOT / "var" / "bench")
HOST = "127.0.0.1"
SCOPES = ("county", "city", "province", "school")


def server_env(database_url: str, secret: str, var_dir: Path | None = None) -> dict[str, str]:
    """The environment of a production server on loopback behind a TLS proxy (X-Forwarded-Proto: https)."""
    env = dict(os.environ)
    env.update({"ANXIAO_ENV": "production", "ANXIAO_SECRET_KEY": secret, "DATABASE_URL": database_url,
                "ANXIAO_ALLOWED_HOSTS": f"{HOST},localhost,testserver", "ANXIAO_LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "anxiao.settings"})
    env.pop("ANXIAO_DEBUG", None)
    if var_dir is not None:
        env["ANXIAO_VAR_DIR"] = str(var_dir)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """``anxiao serve`` in a child process; ``stop()`` ends it (and its workers) by its own process group."""

    def __init__(self, env: dict[str, str], port: int, workers: int = 2) -> None:
        self.port = port
        anxiao = Path(sys.executable).with_name("anxiao")
        self.log = open(OUT_DIR / f"server-{port}.log", "w")  # noqa: SIM115 (closed in stop)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([str(anxiao), "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers)],
                                     env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"anxiao serve exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(self.workers()) >= 1:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"anxiao serve did not answer /healthz within {timeout:.0f} s; see {self.log.name}")

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def memory(self) -> dict[str, Any]:
        """Peak and current resident set (MB) of the master and of each worker, from /proc/<pid>/status."""

        def status(pid: int) -> dict[str, float]:
            values = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, rest = line.partition(":")
                    if key in ("VmHWM", "VmRSS"):
                        values[key] = int(rest.split()[0]) / 1024
            except OSError:
                pass
            return values

        workers = {pid: status(pid) for pid in self.workers()}
        return {"master": status(self.proc.pid), "workers": workers,
                "worker_peak_mb": max((w.get("VmHWM", 0) for w in workers.values()), default=0.0)}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


class Browser:
    """One keep-alive HTTP connection carrying a user's session cookie, as a proxied HTTPS browser would."""

    def __init__(self, port: int, session_key: str, cookie_name: str = "sessionid", timeout: float = 300) -> None:
        self.port, self.timeout = port, timeout
        self.headers = {"Cookie": f"{cookie_name}={session_key}", "X-Forwarded-Proto": "https",
                        "Host": f"{HOST}:{port}", "Accept-Encoding": "identity"}
        self.conn: http.client.HTTPConnection | None = None

    def get(self, url: str) -> tuple[int, bytes, float]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request("GET", url, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                return response.status, body, (time.perf_counter() - started) * 1000
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed the idle keep-alive connection: open a new one once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


@dataclass
class Page:
    key: str
    label: str
    url: str
    scopes: tuple[str, ...]


def pages(month: str) -> list[Page]:
    """The pages of issue 18's table, each at the scopes it is measured at."""
    regions = ("county", "city", "province")
    return [
        Page("dashboard", "dashboard", "/reports/dashboard/", regions),
        Page("compliance", "compliance, default view", "/obligations/compliance/", regions),
        Page("compliance_unit", "compliance by unit", "/obligations/compliance/?by=unit", regions),
        Page("compliance_region", "compliance by region", "/obligations/compliance/?by=region", regions),
        Page("hazard_rollup", "hazard roll-up", "/hazards/rollup/", regions),
        Page("report_rollup", "monthly report roll-up", f"/reports/?month={month}", regions),
        Page("ledger", "hazard ledger page 1", "/hazards/", regions + ("school",)),
        Page("status_counts", "ledger by status (status counts)", "/hazards/?status=rectifying", regions),
        Page("counts_api", "counts API", "/api/v1/hazards/counts", regions),
        Page("my_work", "my work", "/obligations/", ("school", "county")),
        Page("api_hazards", "API list: hazards", "/api/v1/hazards?limit=50", regions + ("school",)),
        Page("api_occurrences", "API list: occurrences", "/api/v1/occurrences?limit=50", regions),
        Page("api_ledgers", "API list: monthly ledgers", "/api/v1/reports/ledgers?limit=50", regions),
    ]


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (q in 0..1)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Row:
    scope: str
    page: str
    label: str
    url: str
    status: int = 0
    n: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None
    sql_ms: float | None = None
    ratio: float | None = None
    html_bytes: int = 0
    load1: float = 0.0
    error: str = ""
    times_ms: list[float] = field(default_factory=list)


# ---------------------------------------------------------------- side process: users, sessions, SQL


def setup_django(env: dict[str, str]) -> None:
    """Django in this process with the server's settings (production, same secret key and database)."""
    for key in ("ANXIAO_ENV", "ANXIAO_SECRET_KEY", "DATABASE_URL", "ANXIAO_ALLOWED_HOSTS", "ANXIAO_VAR_DIR",
                "ANXIAO_LOG_LEVEL", "DJANGO_SETTINGS_MODULE"):
        if key in env:
            os.environ[key] = env[key]
    import django

    django.setup()


def bench_users() -> dict[str, Any]:
    """One user per scope (created once): a county bureau admin, city and province bureau viewers, and the
    principal of a school in the county (who has "my work")."""
    from anxiao.accounts.models import User
    from anxiao.core.choices import Role
    from anxiao.org.models import Region, Unit

    from .common import bench_user

    province = Region.objects.get(level="province", name="基准省")
    counties = Region.objects.filter(level="county", path__startswith=province.path).order_by("id")
    county = counties[min(5, counties.count() - 1)]
    city = county.parent

    school = Unit.objects.filter(kind="school", region_path__startswith=county.path).order_by("id").first()
    assert school is not None
    post = school.posts.filter(kind="principal", holder__isnull=False).select_related("holder").first()
    principal = User.objects.filter(person=post.holder).first() if post else None
    if principal is None:
        principal = bench_user("bench_principal", Role.SCHOOL_ADMIN, unit=school)
        if post is not None and principal.person_id is None:
            principal.person = post.holder
            principal.save()
    return {"county": bench_user("bench_county", Role.BUREAU_ADMIN, county),
            "city": bench_user("bench_city", Role.BUREAU_VIEWER, city),
            "province": bench_user("bench_province", Role.BUREAU_VIEWER, province),
            "school": principal}


def session_for(user: Any) -> str:
    """A logged-in session, as the login form creates it (the server reads it from the shared database)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def capture_sql(session_key: str, url: str) -> list[str]:
    """The statements the same request runs, captured in this process (second of two runs: caches warm)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return [q["sql"] for q in captured.captured_queries]


REPLAY_RUNS = int(os.environ.get("BENCH_REPLAY_RUNS", "3"))


def replay_ms(database_url: str, statements: list[str], runs: int = REPLAY_RUNS) -> float:
    """Median time to run the statements (fetching every row) on a fresh psycopg connection, after one run that
    warms the connection and the buffer cache (BENCH_REPLAY_RUNS timed runs, default 3)."""
    import psycopg

    times = []
    with psycopg.connect(database_url, options="-c jit=off") as conn:
        for _ in range(runs + 1):  # the first run warms the connection and the buffer cache
            started = time.perf_counter()
            with conn.cursor() as cur:
                for sql in statements:
                    cur.execute(sql.encode())
                    if cur.description is not None:
                        cur.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            conn.rollback()
    return statistics.median(times[1:])


# ---------------------------------------------------------------- measuring


def measure_page(browser: Browser, scope: str, page: Page, repeat: int, budget_s: float) -> Row:
    row = Row(scope=scope, page=page.key, label=page.label, url=page.url)
    try:
        status, body, _ms = browser.get(page.url)  # warm-up
        row.status, row.html_bytes = status, len(body)
        if status != 200:
            row.error = f"HTTP {status}"
            return row
        started = time.monotonic()
        while len(row.times_ms) < repeat and (len(row.times_ms) < min(3, repeat)
                                              or time.monotonic() - started < budget_s):
            status, body, ms = browser.get(page.url)
            if status != 200:
                row.error = f"HTTP {status}"
                return row
            row.times_ms.append(ms)
    except (OSError, http.client.HTTPException) as exc:
        row.error = f"{type(exc).__name__}: {exc}"
        return row
    row.n = len(row.times_ms)
    row.p50_ms = statistics.median(row.times_ms)
    row.p95_ms = percentile(row.times_ms, 0.95)
    row.load1 = os.getloadavg()[0]
    return row


def run_load(port: int, sessions: dict[str, str], users: int, seconds: float) -> dict[str, Any]:
    """``users`` concurrent clients (threads, one keep-alive connection each) for ``seconds``: each picks the next
    request of a fixed mix (dashboard, ledger, my work, API list and counts), as its scope's user."""
    mix = [("dashboard", "/reports/dashboard/", ("county", "city", "province")),
           ("ledger", "/hazards/", ("county", "city", "province", "school")),
           ("my_work", "/obligations/", ("school", "county")),
           ("api_hazards", "/api/v1/hazards?limit=50", ("county", "city", "province", "school")),
           ("counts_api", "/api/v1/hazards/counts", ("county", "city", "province"))]
    # Most users of a province's system work in schools and counties: 2 in 5 schools, 2 in 5 counties, then
    # one city user and one province user in every ten.
    plan = ["school", "county", "school", "county", "city", "school", "county", "school", "county", "province"]
    results: list[tuple[str, str, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        scope = plan[n % len(plan)]
        mine = [(k, u) for k, u, scopes in mix if scope in scopes]
        browser = Browser(port, sessions[scope], timeout=120)
        i = n
        try:
            while time.monotonic() < stop_at:
                kind, url = mine[i % len(mine)]
                i += 1
                try:
                    status, _body, ms = browser.get(url)
                except (OSError, http.client.HTTPException) as exc:
                    with lock:
                        errors.append(f"{scope} {url}: {type(exc).__name__}")
                    browser.close()
                    browser = Browser(port, sessions[scope], timeout=120)
                    continue
                with lock:
                    results.append((scope, kind, ms, status))
                    if status != 200:
                        errors.append(f"{scope} {url}: HTTP {status}")
        finally:
            browser.close()

    load_before = os.getloadavg()[0]
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 300)
    wall = time.monotonic() - started
    times = [r[2] for r in results if r[3] == 200]
    by_kind = {}
    for kind in sorted({r[1] for r in results}):
        ks = [r[2] for r in results if r[1] == kind and r[3] == 200]
        if ks:
            by_kind[kind] = {"n": len(ks), "p50_ms": statistics.median(ks), "p95_ms": percentile(ks, 0.95)}
    return {"users": users, "seconds": seconds, "wall_s": wall, "requests": len(results),
            "throughput_rps": len(results) / wall if wall else 0.0,
            "p50_ms": statistics.median(times) if times else None,
            "p95_ms": percentile(times, 0.95) if times else None,
            "errors": len(errors), "error_samples": errors[:10], "by_kind": by_kind,
            "load1_before": load_before, "load1_after": os.getloadavg()[0]}


def bench(database_url: str, schools: int, *, port: int | None = None, repeat: int = 10, budget_s: float = 20,
          load_users: int = 20, load_seconds: float = 60, only: str = "", var_dir: Path | None = None,
          check: bool = True,
          report: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the server, measure every page at every scope, run the load test; return the figures."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(64)
    env = server_env(database_url, secret, var_dir)
    port = port or free_port()
    # The server boots (imports Django and the app in its workers: tens of seconds on a loaded machine) while
    # this process sets Django up and makes the users and their sessions.
    server = Server(env, port)
    try:
        setup_django(env)
        users = bench_users()
        sessions = {scope: session_for(u) for scope, u in users.items()}
    except BaseException:
        server.stop()
        raise
    from django.conf import settings
    from django.utils import timezone

    from anxiao.reports import ledger

    cookie = settings.SESSION_COOKIE_NAME
    month = (ledger.first_of_month(timezone.localdate()) - datetime.timedelta(days=1)).replace(day=1)
    result: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "schools": schools,
        "database": database_url.rsplit("/", 1)[-1], "cpus": os.cpu_count(), "load_start": os.getloadavg(),
        "workers": 2, "only": only, "rows": [], "memory": {}, "load_test": None, "figures_check": None}
    try:
        server.wait_ready()
        report(f"anxiao serve on {HOST}:{port} (2 workers, production settings) ready "
               f"{time.monotonic() - server.started:.1f} s after its start")
        # Each worker answers a small page before the memory baseline.
        for _ in range(4):
            Browser(port, sessions["county"], cookie).get("/healthz")
        result["memory"]["after_start"] = server.memory()
        export = Browser(port, sessions["county"], cookie)
        for _ in range(3):
            status, body, ms = export.get(f"/reports/rollup.xlsx?month={month:%Y-%m}")
            report(f"monthly roll-up XLSX export (county): HTTP {status}, {len(body) / 1024:.0f} KB, {ms:.0f} ms")
        export.close()
        result["memory"]["after_export"] = server.memory()
        for scope in ("county", "city", "province", "school"):
            browser = Browser(port, sessions[scope], cookie)
            for page in pages(f"{month:%Y-%m}"):
                if scope not in page.scopes or (only and only not in page.key):
                    continue
                row = measure_page(browser, scope, page, repeat, budget_s)
                if not row.error:
                    try:
                        statements = capture_sql(sessions[scope], page.url)
                        row.queries = len(statements)
                        row.sql_ms = replay_ms(database_url, statements)
                        row.ratio = row.p50_ms / row.sql_ms if row.sql_ms else None
                    except Exception as exc:  # the HTTP figure stands; say why the SQL one is missing
                        row.error = f"SQL capture: {type(exc).__name__}: {exc}"[:200]
                result["rows"].append(asdict(row))
                report(format_row(row))
            browser.close()
        result["memory"]["after_pages"] = server.memory()
        if load_seconds > 0 and load_users > 0:
            report(f"load test: {load_users} users for {load_seconds:.0f} s …")
            result["load_test"] = run_load(port, sessions, load_users, load_seconds)
            result["memory"]["after_load"] = server.memory()
        if check:
            report("figures consistency (the credible-figures test over HTTP) …")
            result["figures_check"] = check_figures(port, sessions, users, cookie)
    finally:
        server.stop()
    result["load_end"] = os.getloadavg()
    return result


# ---------------------------------------------------------------- output


def format_row(row: Row) -> str:
    if row.error and not row.n:
        return f"{row.scope:<9} {row.label:<34} ERROR {row.error}"
    sql = f"{row.sql_ms:8.1f}" if row.sql_ms is not None else "       -"
    ratio = f"{row.ratio:6.1f}×" if row.ratio is not None else "      -"
    queries = f"{row.queries:5d}" if row.queries is not None else "    -"
    return (f"{row.scope:<9} {row.label:<34} {row.p50_ms:8.1f} {row.p95_ms:8.1f} {row.n:3d} {queries} {sql} {ratio}"
            f" {row.html_bytes / 1024:8.1f} {row.load1:5.2f}{'  ' + row.error if row.error else ''}")


HEADER = (f"{'scope':<9} {'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'n':>3} {'qry':>5} {'SQL ms':>8} {'ratio':>7}"
          f" {'KB':>8} {'load1':>5}")


def table(result: dict[str, Any]) -> str:
    lines = [f"== {result['schools']} schools, database {result['database']}, {result['date']}, load average at "
             f"start {' '.join(f'{x:.2f}' for x in result['load_start'])}, at end "
             f"{' '.join(f'{x:.2f}' for x in result.get('load_end', ()))}", HEADER]
    for r in result["rows"]:
        lines.append(format_row(Row(**r)))
    mem = result["memory"]
    if mem:
        lines.append("worker peak RSS (VmHWM, MB): " + ", ".join(
            f"{stage} {m['worker_peak_mb']:.0f}" for stage, m in mem.items())
            + f"; master (anxiao serve) {max(m['master'].get('VmHWM', 0) for m in mem.values()):.0f}")
    lt = result.get("load_test")
    if lt:
        lines.append(f"load test: {lt['users']} users × {lt['seconds']:.0f} s: {lt['requests']} requests, "
                     f"{lt['throughput_rps']:.1f} req/s, p50 {lt['p50_ms'] or 0:.0f} ms, p95 {lt['p95_ms'] or 0:.0f} ms, "
                     f"errors {lt['errors']}, load {lt['load1_before']:.2f} → {lt['load1_after']:.2f}")
        for kind, k in lt["by_kind"].items():
            lines.append(f"  {kind:<12} n={k['n']:5d} p50 {k['p50_ms']:8.1f} ms  p95 {k['p95_ms']:8.1f} ms")
        for e in lt["error_samples"]:
            lines.append(f"  error: {e}")
    for scope, c in (result.get("figures_check") or {}).items():
        if c.get("error"):
            lines.append(f"figures check, {scope}: could not read the views: {c['error']}")
        else:
            lines.append(f"figures check, {scope}: {c['values']} figures in {c['views']} views, "
                         f"{len(c['mismatches'])} differ from the definition {c['expected']}")
            lines.extend(f"  {m}" for m in c["mismatches"][:12])
    return "\n".join(lines)


def side_by_side(small: dict[str, Any], large: dict[str, Any]) -> str:
    """p50 at both sizes for each page and scope, and the ratio large/small (1.0 = independent of size)."""
    index = {(r["scope"], r["page"]): r for r in small["rows"]}
    lines = [f"== size independence: {small['schools']} schools ({small['date']}, load {small['load_start'][0]:.2f})"
             f" against {large['schools']} ({large['date']}, load {large['load_start'][0]:.2f})",
             f"{'scope':<9} {'page':<34} {'p50 small':>10} {'p50 large':>10} {'large/small':>11}"
             f" {'qry small':>9} {'qry large':>9} {'KB small':>9} {'KB large':>9}"]
    for r in large["rows"]:
        s = index.get((r["scope"], r["page"]))
        if not s or not s["n"] or not r["n"]:
            continue
        lines.append(f"{r['scope']:<9} {r['label']:<34} {s['p50_ms']:10.1f} {r['p50_ms']:10.1f} "
                     f"{r['p50_ms'] / s['p50_ms']:10.2f}× {s['queries'] or 0:9d} {r['queries'] or 0:9d}"
                     f" {s['html_bytes'] / 1024:9.1f} {r['html_bytes'] / 1024:9.1f}")
    return "\n".join(lines)


def save(result: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = result["date"].replace(":", "").replace("-", "")[:15]
    path = OUT_DIR / f"bench-{result['schools']}-{stamp}.json"
    text = json.dumps(result, ensure_ascii=False, indent=1)
    path.write_text(text)
    if not result.get("only"):  # a partial run is not the size's latest full figures
        (OUT_DIR / f"bench-{result['schools']}-latest.json").write_text(text)
    return path


def latest(schools: int) -> dict[str, Any] | None:
    path = OUT_DIR / f"bench-{schools}-latest.json"
    return json.loads(path.read_text()) if path.exists() else None


# ---------------------------------------------------------------- consistency of the figures on the bench data


class _Response:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.content = status, body

    def json(self) -> Any:
        return json.loads(self.content)


class _ClientOverHttp:
    """What the figures test's ``_hazard_views`` needs of a test client, served by the running server."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser

    def get(self, url: str) -> _Response:
        status, body, _ms = self.browser.get(url)
        return _Response(status, body)


def check_figures(port: int, sessions: dict[str, str], users: dict[str, Any], cookie: str) -> dict[str, Any]:
    """The consistency test of the credible-figures issue (anxiao/reports/tests/test_figures.py) on the bench
    data, over HTTP: every page, list and API call that shows a hazard figure shows, for each scope's user,
    the count of that figure's one definition (hazards/figures.py) over the hazards the user may see."""
    from anxiao.hazards.figures import FIGURES, status_counts
    from anxiao.hazards.models import Hazard
    from anxiao.reports.tests.test_figures import _hazard_views, agrees

    out: dict[str, Any] = {}
    for scope, user in users.items():
        expected = status_counts(Hazard.objects.visible_to(user))
        browser = Browser(port, sessions[scope], cookie)
        try:
            views = _hazard_views(_ClientOverHttp(browser))
        except Exception as exc:  # a view without the figure's card, an error page: say which
            out[scope] = {"expected": {f: expected[f] for f in FIGURES}, "error": f"{type(exc).__name__}: {exc}"}
            continue
        finally:
            browser.close()
        mismatches = [f"{view} shows {figure} = {n}, expected {expected[figure]}"
                      for view, values in views.items() for figure, n in values.items()
                      if not agrees(n, expected[figure])]
        out[scope] = {"expected": {f: expected[f] for f in FIGURES}, "views": len(views),
                      "values": sum(len(v) for v in views.values()), "mismatches": mismatches}
    return out
