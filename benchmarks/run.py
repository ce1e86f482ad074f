"""``make bench``: the pages of issue 18 over HTTP against ``anxiao serve``, and a bounded load test.

    make bench                          # 20,000 schools, database $(BENCH_URL)_20000 (anxiao_bench_20000)
    BENCH_SCHOOLS=2000 make bench       # 2,000 schools, database $(BENCH_URL)_2000 (anxiao_bench_2000)
    BENCH_SCHOOLS=2000,20000 make bench # both, then side by side

Environment: BENCH_URL (the base name: each size's database is BENCH_URL + "_<schools>", see ``database_for``),
or BENCH_DATABASE (exactly this database, for one size), BENCH_OUT (where the figures go, default var/bench),
BENCH_PORT (default: a free port), BENCH_REPEAT (timed requests per page, default 10), BENCH_PAGE_SECONDS
(time budget per page after the first three requests, default 20), BENCH_ONLY (pages whose key contains it),
BENCH_LOAD_USERS / BENCH_LOAD_SECONDS (load test, default 20 users for 60 s; 0 skips it), BENCH_CHECK=0 (skip
the figures consistency check: the credible-figures test's views over HTTP against each figure's definition).

The database is migrated first and the dashboard tallies recounted (as the worker does; BENCH_REFRESH_TALLIES=0
skips it). The data set is built first if the database does not hold a finished build of that size
(``benchmarks/data.py``, run in its own process; tens of minutes at 20,000 schools). Figures are printed as a
table and written to var/bench/bench-<schools>-<time>.json (and bench-<schools>-latest.json). When the latest
figures of the other size exist, both are printed side by side. The run exits 1 when a page answered an error,
the load test had errors or a figure differs from its definition. The in-process benchmarks of earlier sessions are in ``benchmarks/inproc.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402

DEFAULT_SCHOOLS = 20000


def database_for(base_url: str, schools: int) -> str:
    """Each size has its own database, named by its number of schools: BENCH_URL + "_<schools>"
    (postgres://…/anxiao_bench → anxiao_bench_2000, anxiao_bench_20000)."""
    return f"{base_url}_{schools}"


def build_data(url: str, schools: int) -> None:
    env = dict(os.environ, DATABASE_URL=url, BENCH_SCHOOLS=str(schools), ANXIAO_ENV="development")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "data.py")], env=env, cwd=ROOT, check=True)


def measure_one(url: str, schools: int) -> dict:
    """Build (if needed) and measure one size in a fresh process (Django is set up once per process)."""
    build_data(url, schools)
    out = harness.OUT_DIR / f"run-{schools}.json"
    env = dict(os.environ, DATABASE_URL=url, BENCH_SCHOOLS=str(schools), BENCH_CHILD=str(out))
    subprocess.run([sys.executable, str(Path(__file__).resolve())], env=env, cwd=ROOT, check=True)
    import json

    return json.loads(out.read_text())


def child() -> None:
    import json

    e = os.environ
    result = harness.bench(
        e["DATABASE_URL"], int(e["BENCH_SCHOOLS"]), port=int(e["BENCH_PORT"]) if e.get("BENCH_PORT") else None,
        repeat=int(e.get("BENCH_REPEAT", "10")), budget_s=float(e.get("BENCH_PAGE_SECONDS", "20")),
        load_users=int(e.get("BENCH_LOAD_USERS", "20")), load_seconds=float(e.get("BENCH_LOAD_SECONDS", "60")),
        only=e.get("BENCH_ONLY", ""), check=e.get("BENCH_CHECK", "1") != "0", report=lambda s: print(s, flush=True))
    path = harness.save(result)
    print(f"figures written to {path}")
    Path(e["BENCH_CHILD"]).write_text(json.dumps(result, ensure_ascii=False))


def main() -> int:
    if os.environ.get("BENCH_CHILD"):
        child()
        return 0
    base = os.environ.get("BENCH_URL") or os.environ.get("DATABASE_URL", "")
    exact = os.environ.get("BENCH_DATABASE", "")
    if not (exact or base).startswith("postgres"):
        print("make bench needs PostgreSQL: set BENCH_URL (or DATABASE_URL) to postgres://…", file=sys.stderr)
        return 2
    sizes = [int(s) for s in os.environ.get("BENCH_SCHOOLS", str(DEFAULT_SCHOOLS)).split(",") if s.strip()]
    if exact and len(sizes) != 1:
        print("BENCH_DATABASE names one database: give one BENCH_SCHOOLS", file=sys.stderr)
        return 2
    results = [measure_one(exact or database_for(base, n), n) for n in sizes]
    failed = False
    for result in results:
        print()
        print(harness.table(result))
        failed |= any(r["error"] and not r["n"] for r in result["rows"])
        failed |= bool(result.get("load_test") and result["load_test"]["errors"])
        failed |= any(c.get("error") or c["mismatches"] for c in (result.get("figures_check") or {}).values())
    # Side by side with the other size: from this run, or the latest figures of an earlier run.
    by_size = {r["schools"]: r for r in results}
    for size in (2000, DEFAULT_SCHOOLS) if not exact else ():
        if size not in by_size and (other := harness.latest(size)) is not None:
            by_size[size] = other
    if len(by_size) >= 2:
        small, large = min(by_size), max(by_size)
        print()
        print(harness.side_by_side(by_size[small], by_size[large]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
