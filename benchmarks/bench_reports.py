"""Monthly ledger roll-up and XLSX export for a county-sized set of schools, and the dashboard at province scale.

Issue 6 targets: the roll-up of 500 schools and its XLSX export under 3 s and 200 MB; the province dashboard
(20,000 schools) under 1 s on PostgreSQL.

The data set is benchmarks/data.py's (schools, people, last month's ledgers, hazards, risks, a year of
obligation occurrences).

Peak memory here is Python allocations (tracemalloc) in this process; the server's peak resident set during
the export is measured over HTTP by ``make bench`` (benchmarks/harness.py, VmHWM of the gunicorn workers): a
forked child's ru_maxrss inherits its parent's peak and measured nothing.
"""

from __future__ import annotations

import datetime
import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from anxiao.core.choices import Role
from anxiao.org.models import Region, Unit
from anxiao.reports import actions, exports, ledger

from .common import bench_user, measure


def _five_hundred(province: Region) -> list[Region]:
    """Two counties and four towns of a third: a bureau scope of exactly 500 schools (counties here have 200)."""
    counties = list(Region.objects.filter(level="county", path__startswith=province.path).order_by("id")[:3])
    towns = list(Region.objects.filter(level="town", path__startswith=counties[2].path).order_by("id")[:4])
    return counties[:2] + towns


def run(report: Callable[[str], None]) -> None:
    month = (ledger.first_of_month(timezone.localdate()) - datetime.timedelta(days=1)).replace(day=1)
    province = Region.objects.get(level="province", name="基准省")
    regions = _five_hundred(province)
    county_user = bench_user("bench_rollup_500", Role.BUREAU_ADMIN, *regions)
    client = Client()
    client.force_login(county_user)
    schools_qs = Unit.objects.visible_to(county_user).filter(kind="school")
    report(f"roll-up scope: {schools_qs.count()} schools ({', '.join(r.name for r in regions)})")

    # The functions alone (time and Python allocations).
    for size in (500, 2000):
        city = Region.objects.filter(level="city", path__startswith=province.path).order_by("id").first()
        assert city is not None
        schools = list(Unit.objects.filter(kind="school", region_path__startswith=city.path).select_related("region")
                       .order_by("id")[:size])
        runs = []
        for _ in range(3):
            tracemalloc.start()
            started = time.perf_counter()
            content = exports.rollup_xlsx("汇总", actions.month_status(schools, month))
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            runs.append((elapsed, peak))
        report(f"month_status + rollup_xlsx, {len(schools)} schools: median {statistics.median(r[0] for r in runs):.2f} s, "
               f"peak Python allocations {max(r[1] for r in runs) / 2**20:.1f} MB, file {len(content) / 1024:.0f} KB")

    # The real request path as the bureau user of 500 schools.
    for label, url in (("roll-up page", f"/reports/?month={month:%Y-%m}"),
                       ("roll-up XLSX", f"/reports/rollup.xlsx?month={month:%Y-%m}")):
        def call(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]

        measure(f"{label} (500 schools, view)", call, report, repeat=5)
    from anxiao.reports.dashboard import refresh_tallies

    runs = []
    for _ in range(2):
        started = time.perf_counter()
        count = refresh_tallies()
        runs.append(time.perf_counter() - started)
    report(f"refresh the per-town dashboard tallies (worker job): {min(runs):.1f} s (runs: "
           f"{', '.join(f'{r:.1f}' for r in runs)}), {count} rows")
    county = Region.objects.filter(level="county", name__startswith="基准").order_by("id").first()
    assert county is not None
    for label, user in (("province dashboard (20,000 schools)", bench_user("bench_dash_province", Role.BUREAU_VIEWER, province)),
                        ("city dashboard (2,000 schools)", bench_user("bench_dash_city", Role.BUREAU_VIEWER, county.parent)),
        ("county dashboard (200 schools, live)", bench_user("bench_dash_county", Role.BUREAU_ADMIN, county))):
        dash = Client()
        dash.force_login(user)

        def show(dash: Client = dash) -> None:
            assert dash.get("/reports/dashboard/").status_code == 200

        measure(label, show, report, repeat=5)

