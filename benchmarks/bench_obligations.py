"""Obligations at province scale: a year of occurrences, re-run, compliance roll-ups and the principal's "my work".

BENCH_OBLIGATION_DAYS (default 365) sets how much history the expansion creates; BENCH_JOBS (default 2, the
machine's cores) how many bureaus expand at once.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Callable

from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from anxiao.accounts.models import User
from anxiao.core.choices import Role
from anxiao.obligations import actions
from anxiao.obligations.models import ComplianceTally, ObligationRule, Occurrence
from anxiao.obligations.views import compliance_data
from anxiao.org.models import Region, Unit

from .common import bench_user, measure
from .data import _history


def _timed(label: str, fn: Callable[[], object], report: Callable[[str], None]) -> object:
    started = time.perf_counter()
    result = fn()
    report(f"{label}: {time.perf_counter() - started:.1f} s ({result})")
    return result


def run(report: Callable[[str], None]) -> None:
    today = timezone.localdate()
    days = int(os.environ.get("BENCH_OBLIGATION_DAYS", "365"))
    bureaus = list(Unit.objects.filter(kind="bureau"))
    started = time.perf_counter()
    for bureau in bureaus:
        if not ObligationRule.objects.filter(bureau=bureau).exists():
            actions.load_rules(None, bureau, ["national"])
    report(f"load national rules for {len(bureaus)} bureaus: {time.perf_counter() - started:.1f} s")
    start = today - datetime.timedelta(days=days)
    fresh = not Occurrence.objects.exists()
    if os.environ.get("BENCH_OBLIGATION_EXPAND", "1") == "0":
        report(f"expansion skipped: {Occurrence.objects.count()} occurrences present")
        _read(report, today, start)
        return
    jobs = int(os.environ.get("BENCH_JOBS", "2"))
    _timed(f"expand {days} days of history + the next period, every rule and subject, {jobs} bureaus at once"
           f"{'' if fresh else ' (occurrences existed already)'}",
           lambda: actions.expand_all(today, start=start, jobs=jobs), report)
    report(f"  occurrences: {Occurrence.objects.count()}, tally rows: {ComplianceTally.objects.count()}")
    report(f"  slots: {Occurrence.objects.aggregate(n=Sum('slots'))['n']}")
    _timed("expand the same year again (idempotent)", lambda: actions.expand_all(today, start=start, jobs=jobs),
           report)
    _timed("routine run: current + next period, one bureau at a time", lambda: actions.expand_all(today), report)
    _timed(f"routine run, {jobs} bureaus at once (what the worker does daily)",
           lambda: actions.expand_all(today, jobs=jobs), report)
    if fresh:
        _timed("bench data: mark past slots done/late/missed and rebuild the tally", lambda: _history(today), report)
    _read(report, today, start)


def _read(report: Callable[[str], None], today: datetime.date, start: datetime.date) -> None:

    province = Region.objects.get(level="province", name="基准省")
    counties = Region.objects.filter(level="county", name__startswith="基准").order_by("id")
    county = counties[min(5, counties.count() - 1)]
    provincial = bench_user("bench_province", Role.BUREAU_VIEWER, province)
    bureau_user = bench_user("bench_bureau", Role.BUREAU_ADMIN, county)
    year = {"from": start.isoformat(), "to": today.isoformat()}
    measure("province roll-up by region (tally), 1 year",
            lambda: compliance_data(provincial, {"by": "region", **year}, today), report, repeat=5)
    measure("county roll-up by town (tally), 1 year",
            lambda: compliance_data(bureau_user, {"by": "region", "region": county.pk, **year}, today), report,
            repeat=5)
    measure("county roll-up by unit (occurrences), 1 year",
            lambda: compliance_data(bureau_user, {"by": "unit", **year}, today), report, repeat=3)
    measure("county roll-up by unit (occurrences), year to date",
            lambda: compliance_data(bureau_user, {"by": "unit"}, today), report, repeat=3)
    client = Client()
    client.force_login(provincial)
    measure("province compliance page by region",
            lambda: client.get("/obligations/compliance/", {"by": "region", **year}), report, repeat=5)

    school = Unit.objects.filter(kind="school", region_path__startswith=county.path).first()
    assert school is not None
    post = school.posts.filter(kind="principal", holder__isnull=False).select_related("holder").first()
    principal = User.objects.filter(person=post.holder).first() if post else None
    if principal is None:
        principal = bench_user("bench_principal_mywork", Role.SCHOOL_ADMIN, unit=school)
        if post is not None:
            principal.person = post.holder
            principal.save()
    client = Client()
    client.force_login(principal)

    def my_work() -> None:
        assert client.get("/obligations/").status_code == 200

    measure("principal's my-work page", my_work, report)

    officer = school.posts.filter(kind="safety_officer").first()

    def record() -> None:
        # A completed daily patrol as the inspections app writes it (crediting.py: it fills the day's patrol slot).
        actions.record_activity(None, kind="patrol", unit=school, responsible_post=officer, occurred_on=today,
                                title="日常巡查", record_kind="inspection:daily_patrol", evidence="record")

    measure("record one activity (matches its slots, updates the tally)", record, report)
