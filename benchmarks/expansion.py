"""How long one province-year of obligation occurrences takes to expand (issue 18: ≤ 90 s on a quiet machine):

    BENCH_DATABASE=postgres://postgres@127.0.0.1:5432/anxiao_bench_20000 .venv/bin/python benchmarks/expansion.py

A scratch copy of the finished benchmark database (``CREATE DATABASE <name>_expand TEMPLATE <name>``: nothing
may be connected to the benchmark database meanwhile) has its occurrences and compliance tally emptied, then
``obligations.actions.expand_all`` expands a year of every bureau's rules as ``benchmarks/data.py`` does
(BENCH_JOBS bureaus at once, default 2; BENCH_OBLIGATION_DAYS, default 365), with the tally kept in the same
transactions. Prints the wall time, the occurrences made, this process's CPU time and the load average before
and after; the scratch database is dropped at the end (BENCH_KEEP=1 keeps it).
"""

from __future__ import annotations

import datetime
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")


class _ServerCpu:
    """The CPU time of the PostgreSQL backends that expand the bureaus (each bureau runs in a connection of its
    own with jobs > 1, see ``expand_all``): read from /proc around each bureau's expansion, where the server runs on this
    machine (0 where /proc does not show it)."""

    def __init__(self, actions: Any) -> None:
        self.actions, self.original, self.seconds = actions, actions.expand, 0.0
        self.lock = threading.Lock()

        def measured(*args: Any, **kwargs: Any) -> int:
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                pid = cur.fetchone()[0]
            before = _cpu_seconds(pid)
            try:
                return self.original(*args, **kwargs)
            finally:
                with self.lock:
                    self.seconds += _cpu_seconds(pid) - before

        actions.expand = measured

    def stop(self) -> None:
        self.actions.expand = self.original


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    import psycopg

    source = os.environ.get("BENCH_DATABASE") or os.environ.get("DATABASE_URL", "")
    if not source.startswith("postgres"):
        print("set BENCH_DATABASE to the benchmark database, postgres://…/anxiao_bench_20000", file=sys.stderr)
        return 2
    base, name = source.rsplit("/", 1)
    scratch = f"{name}_expand"
    started = time.perf_counter()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
    print(f"copied {name} to {scratch} in {time.perf_counter() - started:.0f} s", flush=True)
    os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    try:
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        from anxiao.obligations import actions
        from anxiao.obligations.models import ComplianceTally, Occurrence
        from anxiao.org.models import Unit

        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {Occurrence._meta.db_table}, {ComplianceTally._meta.db_table} CASCADE")
            cur.execute("VACUUM ANALYZE")
        schools = Unit.objects.filter(kind="school").count()
        jobs = int(os.environ.get("BENCH_JOBS", "2"))
        days = int(os.environ.get("BENCH_OBLIGATION_DAYS", "365"))
        today = timezone.localdate()
        load_before = os.getloadavg()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        server = _ServerCpu(actions)
        started = time.perf_counter()
        try:
            made = actions.expand_all(today, start=today - datetime.timedelta(days=days), jobs=jobs)
        finally:
            server.stop()
        seconds = time.perf_counter() - started
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        load_after = os.getloadavg()
        print(f"expanded {days} days for {schools} schools: {made} occurrences in {seconds:.1f} s "
              f"({jobs} bureaus at once); this process's CPU {cpu.ru_utime - cpu_before.ru_utime:.1f} s user "
              f"{cpu.ru_stime - cpu_before.ru_stime:.1f} s system; PostgreSQL's backends {server.seconds:.1f} s "
              f"CPU (CPU time hardly depends on what else runs: compare it across loaded runs); load average "
              f"before {' '.join(f'{x:.2f}' for x in load_before)}, after {' '.join(f'{x:.2f}' for x in load_after)}"
              f" on {os.cpu_count()} CPUs")
        connection.close()
    finally:
        if not os.environ.get("BENCH_KEEP"):
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
