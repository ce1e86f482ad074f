"""Run the benchmarks and print figures (not pass/fail tests).

    make bench                      # PostgreSQL database anxiao_bench, 20000 schools
    BENCH_SCHOOLS=2000 make bench   # smaller
    BENCH_ONLY=hazards make bench   # only the modules whose name contains "hazards"

Each module ``benchmarks/bench_*.py`` has ``run(report)``; the province data set is generated once
(``anxiao demo --scale``) into an empty database.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxiao.settings")
os.environ.setdefault("ANXIAO_ENV", "development")


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from anxiao.org.models import Unit

    call_command("migrate", verbosity=0)
    schools = int(os.environ.get("BENCH_SCHOOLS", "20000"))
    have = Unit.objects.filter(kind="school").count()
    print(f"database: {django.db.connection.vendor}; schools wanted {schools}, present {have}")
    if have != schools:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        call_command("demo", scale=schools, verbosity=0)
        print(f"generate {schools} schools (every app's build_scale): {time.perf_counter() - started:.1f} s")
    only = os.environ.get("BENCH_ONLY", "")
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if only and only not in path.stem:
            continue
        module = importlib.import_module(f"benchmarks.{path.stem}")
        print(f"\n== {path.stem}")
        module.run(print)


if __name__ == "__main__":
    main()
