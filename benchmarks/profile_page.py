"""Where one page's time goes, in process, on a benchmark database (no server):

    DATABASE_URL=postgres://…/anxiao_bench_20000 .venv/bin/python benchmarks/profile_page.py province /hazards/rollup/
    … benchmarks/profile_page.py county,city,province dashboard compliance     # page keys of harness.pages()

For each scope and page: the wall time of the request through ``django.test.Client`` (production settings, the
bench user of that scope, caches warm: the second of two requests), the time of every SQL statement (the
slowest ones with their EXPLAIN (ANALYZE, BUFFERS) when they take over PROFILE_EXPLAIN_MS, default 20 ms), the
Python time outside SQL, and the functions of the app and of Django's templates that take most of it
(cProfile, cumulative). Nothing is written to the database (EXPLAIN ANALYZE of a write is rolled back).
PROFILE_TOP (default 25) profile lines, PROFILE_NO_PROFILE=1 to skip cProfile.

PROFILE_REPEAT=N (default 0) adds N more unprofiled requests and prints the best of them: its wall time, its
SQL time, the app's time (wall − SQL) and the ratio wall / SQL, with the target of issue 18 (the app adds at most
2× the SQL time or 15 ms, whichever is larger). The best of N is what a quiet machine shows; the median is
printed beside it.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    url = os.environ.get("DATABASE_URL", "")
    harness.setup_django(harness.server_env(url, secrets.token_urlsafe(64)))
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    scopes = argv[1].split(",")
    targets = argv[2:]
    keyed = {p.key: p for p in harness.pages("2026-11")}
    users = harness.bench_users()
    explain_ms = float(os.environ.get("PROFILE_EXPLAIN_MS", "20"))
    top = int(os.environ.get("PROFILE_TOP", "25"))
    repeat = int(os.environ.get("PROFILE_REPEAT", "0"))
    for scope in scopes:
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.cookies[settings.SESSION_COOKIE_NAME] = harness.session_for(users[scope])
        for target in targets:
            url_ = keyed[target].url if target in keyed else target
            if target in keyed and scope not in keyed[target].scopes:
                continue
            client.get(url_)  # warm
            timings: list[tuple[float, str, Any]] = []

            def timer(execute: Any, sql: str, params: Any, many: bool, context: Any,
                      timings: list[tuple[float, str, Any]] = timings) -> Any:
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    timings.append(((time.perf_counter() - started) * 1000, sql, params))

            profiler = cProfile.Profile() if not os.environ.get("PROFILE_NO_PROFILE") else None
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                if profiler:
                    profiler.enable()
                response = client.get(url_)
                body = b"".join(response.streaming_content) if getattr(response, "streaming", False) \
                    else response.content
                if profiler:
                    profiler.disable()
            wall = (time.perf_counter() - started) * 1000
            # a second, unprofiled request for the wall time without cProfile's overhead
            started = time.perf_counter()
            client.get(url_)
            plain = (time.perf_counter() - started) * 1000
            sql_ms = sum(t for t, _s, _p in timings)
            if repeat:
                print(best_of(client, url_, repeat, f"{scope} {target}"))
            print(f"\n===== {scope} {target} {url_}: HTTP {response.status_code}, {len(body) / 1024:.1f} KB, "
                  f"{plain:.0f} ms unprofiled ({wall:.0f} ms profiled), {len(timings)} queries, SQL {sql_ms:.0f} ms, "
                  f"Python ≈ {plain - sql_ms:.0f} ms, load {os.getloadavg()[0]:.2f}")
            for ms, sql, _params in sorted(timings, key=lambda t: -t[0])[:8]:
                print(f"  {ms:8.1f} ms  {' '.join(sql.split())[:600]}")
            for ms, sql, params in sorted(timings, key=lambda t: -t[0]):
                if ms < explain_ms or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                print(f"\n  --- EXPLAIN (ANALYZE, BUFFERS) of the {ms:.0f} ms statement:")
                with transaction.atomic(), connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    for (line,) in cur.fetchall():
                        print("    " + line)
                    transaction.set_rollback(True)
            if profiler:
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
                    os.environ.get("PROFILE_FILTER", r"anxiao/|django/template/(base|loader_tags|defaulttags)"),
                                                           top)
                lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
                start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
                # the number of Python calls does not depend on the machine's load, unlike any time measured here
                print(f"\n  --- Python (cProfile, {stats.total_calls} calls ({stats.prim_calls} primitive); "  # type: ignore[attr-defined]
                      f"{os.environ.get('PROFILE_SORT', 'cumulative')} ms; profiled run):")
                for ln in lines[start:start + top + 1]:
                    print("    " + ln)
    return 0


def best_of(client: Any, url: str, n: int, label: str) -> str:
    """N requests: the fastest one's wall, SQL and app time (see PROFILE_REPEAT)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    runs: list[tuple[float, float, int]] = []
    cpu, server = time.process_time(), _cpu_seconds(backend)
    for _i in range(n):
        sql: list[float] = []

        def timer(execute: Any, sql_: str, params: Any, many: bool, context: Any, sql: list[float] = sql) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql_, params, many, context)
            finally:
                sql.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        runs.append(((time.perf_counter() - started) * 1000, sum(sql), len(sql)))
    # CPU time hardly depends on what else runs on the machine: this process's (the app, incl. the driver) and
    # the PostgreSQL backend's (the SQL), per request (/proc counts in ticks: averaged over the N requests)
    app_cpu = (time.process_time() - cpu) * 1000 / n
    sql_cpu = (_cpu_seconds(backend) - server) * 1000 / n
    wall, sql_ms, queries = min(runs)
    median = sorted(r[0] for r in runs)[len(runs) // 2]
    app = wall - sql_ms
    verdict = "within" if app <= max(2 * sql_ms, 15) else "OVER"
    return (f"  best of {n}: {label}: {wall:.1f} ms (median {median:.1f}), {queries} queries, SQL {sql_ms:.1f} ms, "
            f"app {app:.1f} ms, ratio {wall / sql_ms if sql_ms else 0:.1f}×: {verdict} the target "
            f"(app ≤ max(2 × SQL, 15 ms) = {max(2 * sql_ms, 15):.1f} ms); CPU per request: app {app_cpu:.1f} ms, "
            f"PostgreSQL {sql_cpu:.1f} ms; load {os.getloadavg()[0]:.2f}")


def _cpu_seconds(pid: int) -> float:
    """The CPU time of a process on this machine (0 where /proc does not show it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
