"""The compliance tally equals the live computation from the occurrences after every kind of change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from anxiao.obligations import actions, tally
from anxiao.obligations.models import ComplianceTally, HeightenedPeriod, ObligationRule, Occurrence, Status
from anxiao.obligations.views import compliance_rows, region_rows

D = datetime.date
# What the apps write for a real record (crediting.py): a closed, evaluated drill; a ledger the principal submitted.
DRILL: dict[str, Any] = {"record_kind": "drill:drill", "evidence": "record"}
LEDGER: dict[str, Any] = {"record_kind": "ledger", "evidence": "record+approval"}
TODAY = D(2026, 3, 10)


def _same(today: datetime.date) -> dict:  # type: ignore[type-arg]
    live = {k: v for k, v in tally.live_counts(Occurrence.objects.all(), today).items() if any(v.values())}
    kept = tally.tally_counts(today)
    assert kept == live
    assert tally.month_drift() == {}  # the month roll-up is the per-day tally summed by month
    return kept


@pytest.fixture
def expanded(world):  # type: ignore[no-untyped-def]
    actions.load_rules(None, world.bureau_a, ["national"])
    actions.load_rules(None, world.bureau_b, ["national"])
    actions.expand(world.bureau_a, TODAY, start=D(2026, 1, 1))
    actions.expand(world.bureau_b, TODAY)
    return world


def test_the_tally_follows_expansion_activities_voids_and_rule_changes(expanded) -> None:
    w = expanded
    # given a quarter of slots expanded for bureau A and the current ones for bureau B
    counts = _same(TODAY)
    assert counts[(w.town_a.pk, "drill")][Status.MISSED] == 2  # a1 missed January and February
    # when drills are recorded on time, late (backdated into a closed month) and for county B
    actions.save_settings(None, w.bureau_a, backdate_days=90)
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 2), today=TODAY)
    late = actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 2, 20), today=TODAY)
    actions.record_activity(None, kind="meeting", meeting_kind="situation_analysis", notes="纪要", unit=w.b1, occurred_on=D(2026, 3, 1), today=TODAY)
    # then the tally moved them from open to done
    counts = _same(TODAY)
    assert counts[(w.town_a.pk, "drill")][Status.DONE] == 2
    # when one is voided
    actions.void_activity(None, late, "录错了")
    assert _same(TODAY)[(w.town_a.pk, "drill")][Status.DONE] == 1
    # when a rule changes its activity kind, and another is switched off and the expansion runs again
    rule = ObligationRule.objects.get(bureau=w.bureau_a, code="national.school.monthly_drill")
    actions.save_rule(None, rule, activity_kind="guard_drill")
    off = ObligationRule.objects.get(bureau=w.bureau_a, code="national.school.monthly_safety_meeting")
    actions.save_rule(None, off, enabled=False)
    actions.expand(w.bureau_a, TODAY)
    # and a heightened period raises a quota and a new school opens
    HeightenedPeriod.objects.create(bureau=w.bureau_a, name="两会", starts_on=D(2026, 3, 1), ends_on=D(2026, 3, 15))
    ObligationRule.objects.filter(code="national.school.half_month_inspection").update(heightened=True)
    from anxiao.org.models import Unit

    Unit.objects.create(name="新开小学", kind="school", region=w.town_a, stage="primary", supervising_unit=w.bureau_a)
    actions.expand(w.bureau_a, TODAY)
    # then the tally still equals the live figures, on several days
    for day in (TODAY, D(2026, 3, 31), D(2026, 5, 1)):
        _same(day)
    # and a rebuild from scratch gives the same rows
    before = set(ComplianceTally.objects.filter(total__gt=0).values_list(
        "region_id", "activity_kind", "period_start", "deadline", "total", "done", "late"))
    tally.rebuild()
    after = set(ComplianceTally.objects.filter(total__gt=0).values_list(
        "region_id", "activity_kind", "period_start", "deadline", "total", "done", "late"))
    assert before == after


def test_region_rows_read_from_the_tally_equal_the_live_roll_up(expanded) -> None:
    w = expanded
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 2), today=TODAY)
    start, end = D(2026, 1, 1), TODAY
    for within in (w.province, w.city, w.county_a):
        live = compliance_rows(Occurrence.objects.filter(period_start__gte=start, period_start__lte=end), "region",
                               TODAY, within)
        fast = region_rows(None, within, start, end, TODAY)
        assert [(r["name"], r["done"], r["late"], r["missed"]) for r in fast] == [
            (r["name"], r["done"], r["late"], r["missed"]) for r in live]
    # and a kind filter narrows both the same way
    live = compliance_rows(Occurrence.objects.filter(period_start__gte=start, rule__activity_kind="drill"), "region",
                           TODAY, w.city)
    fast = region_rows(None, w.city, start, end, TODAY, kind="drill")
    assert [(r["done"], r["missed"]) for r in fast] == [(r["done"], r["missed"]) for r in live]


def test_a_large_scope_reads_whole_months_from_the_month_roll_up_with_the_per_day_figures(expanded) -> None:
    w = expanded
    # given a quarter of slots, some met on time, some late, a daily rule's month cut by today
    actions.save_settings(None, w.bureau_a, backdate_days=90)
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 2), today=TODAY)
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 2, 20), today=TODAY)
    assert tally.month_drift() == {}
    # when the figures are read with the month roll-up (a large scope) and from the per-day rows alone, for
    # windows with and without whole months, on days inside, before and after them, per kind and per scope
    windows = [(D(2026, 1, 1), TODAY), (D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 1, 15), D(2026, 2, 28)),
               (D(2026, 2, 1), D(2026, 2, 27)), (D(2025, 9, 1), D(2026, 12, 31))]
    days = [TODAY, D(2026, 1, 20), D(2026, 2, 1), D(2026, 2, 28), D(2026, 4, 2), D(2027, 1, 5)]
    for start, end in windows:
        for today in days:
            for paths, kind in ((None, ""), ([w.city.path], ""), ([w.county_a.path], "drill"), ([], "")):
                slow = tally.region_counts(paths, start, end, today, kind)
                # then they are the same figures
                assert tally.region_counts(paths, start, end, today, kind, months=True) == slow, (start, end, today)
    # and some of them really came from month rows (the roll-up is not empty)
    from anxiao.obligations.models import ComplianceMonthTally

    assert ComplianceMonthTally.objects.filter(month=D(2026, 1, 1)).exists()


def test_the_month_roll_up_is_rebuilt_with_the_tally(expanded) -> None:
    from anxiao.obligations.models import ComplianceMonthTally

    before = set(ComplianceMonthTally.objects.values_list("region_id", "activity_kind", "month", "deadline_month",
                                                         "total", "done", "late"))
    ComplianceMonthTally.objects.all().delete()
    tally.rebuild()
    assert set(ComplianceMonthTally.objects.values_list("region_id", "activity_kind", "month", "deadline_month",
                                                       "total", "done", "late")) == before != set()
    assert tally.month_drift() == {}
