"""Checks that the demo county's records credit only as live use would (issue 14: "the demo follows the same
rules"). Run on a built demo by the one test that builds the whole demo (core/tests/test_access_audit.py), so they
add no demo build to CI."""

from __future__ import annotations

import datetime
from collections import defaultdict


def check_credited_as_live() -> None:
    from anxiao.obligations import crediting
    from anxiao.obligations.models import Activity, ActivityOccurrence

    # every link from a record to a slot is one crediting.py gives: the rule names the record and its evidence
    links = ActivityOccurrence.objects.select_related("activity", "occurrence__rule").order_by("pk")
    for link in links.iterator():
        rule, activity = link.occurrence.rule, link.activity
        assert crediting.accepts(crediting.credit_of(rule), rule, activity), (rule.code, activity.pk,
                                                                             activity.record_kind, activity.evidence)
    # a hand-typed entry counts as a complete record only with its supporting file, as live
    entries = Activity.objects.filter(record_kind="", meeting_kind="", counted__isnull=False).exclude(evidence="self")
    assert entries.exists() and not entries.filter(attachments__isnull=True).exists()
    # a record whose evidence is pending (a drill held but not closed) fills nothing
    assert not ActivityOccurrence.objects.filter(activity__evidence="pending").exists()
    assert not Activity.objects.filter(record_kind="", kind__in=("drill", "guard_drill", "bus_drill"),
                                       counted__isnull=False).exists()


def check_drills() -> None:
    from anxiao.drills.actions import evidence_of
    from anxiao.drills.models import Drill, DrillStatus

    drills = list(Drill.objects.filter(activity__isnull=False).select_related("activity"))
    assert drills
    for d in drills:
        activity = d.activity
        assert activity is not None and activity.source_ref == f"drill:{d.pk}", d.pk
    # the recent drills held but not yet closed with their evaluation count for nothing, as live
    held = [d for d in drills if d.status != DrillStatus.CLOSED or not d.evaluation_result]
    assert held and all(d.activity.evidence == "pending" and not d.activity.occurrences.exists()  # type: ignore[union-attr]
                        for d in held)
    for d in drills[:: max(1, len(drills) // 60)]:  # the live evidence of a sample, one query or two each
        assert d.activity is not None and d.activity.evidence == evidence_of(d), d.pk


def check_patrols(today: datetime.date) -> None:
    from anxiao.inspections.actions import rounds_on
    from anxiao.inspections.models import PatrolCheckIn
    from anxiao.obligations.models import Activity, Occurrence
    from anxiao.org.models import Unit

    rounds = Activity.objects.filter(record_kind="patrol_round", voided_at__isnull=True)
    assert rounds.exists() and PatrolCheckIn.objects.exists()
    per_day: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for unit_id, day, ref in rounds.values_list("unit_id", "occurred_on", "source_ref"):
        assert ref.startswith(f"patrol_round:{unit_id}:"), ref
        per_day[(unit_id, day)] += 1
    units = {u.pk: u for u in Unit.objects.filter(pk__in={u for u, _d in per_day})}
    for (unit_id, day), n in list(per_day.items())[:40]:
        assert n == rounds_on(units[unit_id], day), (unit_id, day)
    # the school's daily slot is met on the days with five rounds, and on no other
    months = Occurrence.objects.filter(rule__code="national.school.daily_keypoint_patrol", period_start__lte=today,
                                       period_end__gte=today)
    assert months.exists() and not months.filter(post__isnull=False).exists()
    for occ in months:
        for i in range((today - occ.period_start).days + 1):
            day = occ.period_start + datetime.timedelta(days=i)
            assert bool(occ.day_mask >> i & 1) == (per_day.get((occ.unit_id, day), 0) >= occ.quota), (occ.pk, day)


def check_letters() -> None:
    from anxiao.obligations.models import Activity, Occurrence
    from anxiao.responsibility.models import Letter, LetterStatus

    signed = set(Letter.objects.filter(status=LetterStatus.SIGNED).values_list("pk", flat=True))
    records = Activity.objects.filter(record_kind__startswith="letter:")
    assert signed and {int(r.split(":")[1]) for r in records.values_list("source_ref", flat=True)} == signed
    met = Occurrence.objects.filter(rule__activity_kind="letter_signing", met_slots__gt=0)
    assert met.exists()
    assert all(o.activities.filter(record_kind__startswith="letter:").exists() for o in met)


def check_demo(today: datetime.date) -> None:
    check_credited_as_live()
    check_drills()
    check_patrols(today)
    check_letters()
