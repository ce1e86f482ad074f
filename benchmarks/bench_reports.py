"""Monthly ledger roll-up and XLSX export for a county-sized set of schools, and the dashboard at province scale."""

from __future__ import annotations

import datetime
import time
import tracemalloc
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from anxiao.accounts.models import Grant, User
from anxiao.core.choices import Role
from anxiao.org.models import Region, Unit
from anxiao.reports import actions, exports, ledger

from .common import measure


def _user(name: str, role: str, region: Region) -> User:
    user, created = User.objects.get_or_create(username=name)
    if created:
        Grant.objects.create(user=user, role=role, region=region)
    return user


def run(report: Callable[[str], None]) -> None:
    month = (ledger.first_of_month(timezone.localdate()) - datetime.timedelta(days=1)).replace(day=1)
    city = Region.objects.filter(level="city", name__startswith="基准").order_by("id").first()
    assert city is not None
    for size in (500, 2000):
        schools = list(Unit.objects.filter(kind="school", region_path__startswith=city.path).select_related("region")
                       .order_by("id")[:size])
        tracemalloc.start()
        started = time.perf_counter()
        rows = actions.month_status(schools, month)
        content = exports.rollup_xlsx("汇总", rows)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        report(f"roll-up + XLSX for {len(schools)} schools: {elapsed:.2f} s, peak Python memory {peak / 2**20:.0f} MB, "
               f"file {len(content) / 1024:.0f} KB")
    province = Region.objects.get(level="province", name="基准省")
    county = Region.objects.filter(level="county", name__startswith="基准").order_by("id").first()
    assert county is not None
    for label, user in (("province dashboard (all schools)", _user("bench_dash_province", Role.BUREAU_VIEWER, province)),
                        ("county dashboard", _user("bench_dash_county", Role.BUREAU_ADMIN, county))):
        client = Client()
        client.force_login(user)

        def call(client: Client = client) -> None:
            assert client.get("/reports/dashboard/").status_code == 200

        measure(label, call, report, repeat=3)
