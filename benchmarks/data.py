"""Build the benchmark data set once per database: ``python benchmarks/data.py`` (DATABASE_URL, BENCH_SCHOOLS).

What it holds (all of it proportional to the number of schools, so 2,000 and 20,000 schools differ only in size):
- the province (``anxiao demo --scale N``): regions, schools, people, posts, last month's monthly ledgers;
- 100 hazards per school (``bench_hazards.ensure_hazards``, the status mix of the demo county);
- 10 risks per school;
- the national obligation rules for every bureau, a year of occurrences expanded by the real code
  (``expand_all``) and most past slots marked met (``_history``), the compliance tally rebuilt;
- the per-town dashboard tallies (the worker's ``refresh_tallies``).

A row in the table ``bench_ready`` (outside Django's models, so ``flush`` leaves it) says the build finished; a
build interrupted half-way is redone from the start. Generation takes minutes at 2,000 schools and tens of
minutes at 20,000 on a loaded machine: run it once in the background before ``make bench``.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")

HAZARDS_PER_SCHOOL = 100
RISKS_PER_SCHOOL = 10


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ready_schools() -> int | None:
    """The number of schools of a finished build in this database, or None."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_ready (schools integer NOT NULL, built_at timestamptz NOT NULL,"
                    " seconds real NOT NULL)")
        cur.execute("SELECT schools FROM bench_ready ORDER BY built_at DESC LIMIT 1")
        row = cur.fetchone()
    return row[0] if row else None


def _history(today: datetime.date) -> None:
    """Mark most past slots as met (about 85 % on time, 7 % late, the rest missed), as a year of recorded
    activities would, straight in SQL: recording 30 million activities one by one is not what is measured."""
    from django.db import connection

    from anxiao.obligations import tally
    from anxiao.obligations.models import ComplianceTally, Occurrence

    table = connection.ops.quote_name(Occurrence._meta.db_table)
    with connection.cursor() as cursor:
        # One-slot rows: met on time or late. A daily rule's month (slots > 1): every day met, so done on time.
        cursor.execute(f"""UPDATE {table} SET done_count = quota * slots, met_slots = slots,
            day_mask = (1::bigint << slots) - 1, alert_on = NULL,
            completed_on = CASE WHEN slots > 1 THEN period_end WHEN id %% 100 < 85 THEN period_start
                                ELSE deadline + 3 END
            WHERE deadline < %s AND id %% 100 < 92 AND (id %% 100 < 85 OR slots > 1 OR deadline + 3 < %s)""",
                       [today, today])
    tally.rebuild()
    # What autovacuum does on a live server after such a change: without fresh statistics and a visibility map
    # PostgreSQL plans the roll-ups over millions of dead rows.
    with connection.cursor() as cursor:
        for model in (Occurrence, ComplianceTally):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _step(label: str, fn: Callable[[], object], report: Callable[[str], None]) -> object:
    started = time.perf_counter()
    result = fn()
    report(f"  {label}: {time.perf_counter() - started:.1f} s{'' if result is None else f' ({result})'}")
    return result


def build(schools: int, report: Callable[[str], None] = print) -> None:
    """Generate the whole data set for ``schools`` schools into the (migrated) database, replacing what is there."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anxiao.obligations import actions as obligations
    from anxiao.org.models import Unit
    from anxiao.reports.dashboard import refresh_tallies
    from benchmarks.bench_hazards import ensure_hazards

    started = time.perf_counter()
    today = timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM bench_ready")
    report(f"building the benchmark data set: {schools} schools")
    from anxiao.accounts.models import User

    if Unit.objects.exists() or User.objects.exists():  # an empty database (the smoke test's) needs no flush
        _step("flush", lambda: call_command("flush", interactive=False, verbosity=0), report)
    _step("province (anxiao demo --scale)", lambda: call_command("demo", scale=schools, verbosity=0), report)
    _step("hazards", lambda: ensure_hazards(HAZARDS_PER_SCHOOL * schools, lambda s: None), report)

    def risks() -> int:
        with connection.cursor() as cur:
            cur.execute("""
                INSERT INTO risks_risk (created_at, updated_at, code, category, area, hazard_factors, consequences,
                    existing_controls, method, score, level, control_level, control_level_overridden, is_active,
                    school_id)
                SELECT now(), now(), '', 'fire', '风险点' || n, '', '', '', 'lec', 100,
                    (ARRAY['red','orange','yellow','yellow','blue','blue','blue','blue','blue','blue'])[(n + u.id) %% 10 + 1],
                    'department', false, true, u.id
                FROM org_unit u CROSS JOIN generate_series(1, %s) AS n WHERE u.kind = 'school'
            """, [RISKS_PER_SCHOOL])
            return cur.rowcount

    _step("risks", risks, report)

    def rules() -> int:
        bureaus = list(Unit.objects.filter(kind="bureau"))
        for bureau in bureaus:
            obligations.load_rules(None, bureau, ["national"])
        return len(bureaus)

    _step("national obligation rules per bureau", rules, report)
    jobs = int(os.environ.get("BENCH_JOBS", "2"))
    days = int(os.environ.get("BENCH_OBLIGATION_DAYS", "365"))
    _step(f"{days} days of obligation occurrences (expand_all)",
          lambda: obligations.expand_all(today, start=today - datetime.timedelta(days=days), jobs=jobs), report)
    _step("past slots met/late/missed, compliance tally rebuilt", lambda: _history(today), report)
    _step("dashboard tallies (refresh_tallies)", refresh_tallies, report)
    def vacuum() -> None:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")

    _step("VACUUM ANALYZE", vacuum, report)
    seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_ready (schools, built_at, seconds) VALUES (%s, now(), %s)", [schools, seconds])
    report(f"built {schools} schools in {seconds:.0f} s")


def ensure(schools: int, report: Callable[[str], None] = print) -> None:
    """Migrate, and build the data set unless a finished build of the same size is there."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    have = ready_schools()
    if have == schools and not os.environ.get("BENCH_REBUILD"):
        report(f"benchmark data present: {schools} schools")
        if os.environ.get("BENCH_REFRESH_TALLIES", "1") != "0":
            # What the worker does every quarter of an hour, with this code's definition of the tally (a newer
            # release may count more figures than the build did); the page figures read it.
            from anxiao.reports.dashboard import refresh_tallies

            _step("dashboard tallies (refresh_tallies)", refresh_tallies, report)
        return
    build(schools, report)


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (the benchmark data is generated by SQL)")
    ensure_database(url)
    import django

    django.setup()
    ensure(int(os.environ.get("BENCH_SCHOOLS", "20000")), lambda s: print(s, flush=True))


if __name__ == "__main__":
    main()
