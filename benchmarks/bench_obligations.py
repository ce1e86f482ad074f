"""Obligations at province scale: expansion, compliance roll-up, and the principal's "my work" page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from anxiao.accounts.models import Grant, User
from anxiao.core.choices import Role
from anxiao.obligations import actions
from anxiao.obligations.models import ObligationRule, Occurrence
from anxiao.obligations.views import compliance_rows
from anxiao.org.models import Region, Unit

from .common import measure


def _user(name: str, role: str, region: Region | None = None, unit: Unit | None = None) -> User:
    user, created = User.objects.get_or_create(username=name)
    if created:
        user.set_password("Bench-pass-2026")
        user.save()
        Grant.objects.create(user=user, role=role, region=region, unit=unit)
    return user


def run(report: Callable[[str], None]) -> None:
    today = timezone.localdate()
    bureaus = list(Unit.objects.filter(kind="bureau"))
    started = time.perf_counter()
    for bureau in bureaus:
        if not ObligationRule.objects.filter(bureau=bureau).exists():
            actions.load_rules(None, bureau, ["national"])
    report(f"load national rules for {len(bureaus)} bureaus: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    created = actions.expand_all(today)
    report(f"expand current + next period for every rule and subject: {time.perf_counter() - started:.1f} s, "
           f"{created} occurrences created ({Occurrence.objects.count()} in total)")
    started = time.perf_counter()
    again = actions.expand_all(today)
    report(f"expand again (idempotent): {time.perf_counter() - started:.1f} s, {again} created")

    province = Region.objects.get(level="province", name="基准省")
    counties = Region.objects.filter(level="county", name__startswith="基准").order_by("id")
    county = counties[min(5, counties.count() - 1)]
    provincial = _user("bench_province", Role.BUREAU_VIEWER, region=province)
    bureau_user = _user("bench_bureau", Role.BUREAU_ADMIN, region=county)
    measure("compliance roll-up by region, whole province",
            lambda: compliance_rows(Occurrence.objects.visible_to(provincial), "region", today, province), report,
            repeat=3)
    measure("compliance roll-up by unit, one county",
            lambda: compliance_rows(Occurrence.objects.visible_to(bureau_user), "unit", today), report, repeat=3)

    school = Unit.objects.filter(kind="school", region_path__startswith=county.path).first()
    assert school is not None
    post = school.posts.filter(kind="principal", holder__isnull=False).select_related("holder").first()
    principal = User.objects.filter(person=post.holder).first() if post else None
    if principal is None:
        principal = _user("bench_principal_mywork", Role.SCHOOL_ADMIN, unit=school)
        if post is not None:
            principal.person = post.holder
            principal.save()
    client = Client()
    client.force_login(principal)

    def my_work() -> None:
        assert client.get("/obligations/").status_code == 200

    measure("principal's my-work page", my_work, report)
