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


def check_gate_check_ins() -> None:
    """The demo's gate sign-ins went through the sign-in action (chiefs.actions.check_in, the gate's QR code): each
    inside its slot, and one person's sign-ins at one school's gate at least the gate's interval apart."""
    from django.utils import timezone

    from anxiao.chiefs.models import GateCheckIn
    from anxiao.inspections.models import PatrolPoint

    interval = {u: datetime.timedelta(minutes=m) for u, m in PatrolPoint.objects.filter(gate=True)
                .values_list("unit_id", "min_interval_minutes")}
    rows = list(GateCheckIn.objects.select_related("duty").order_by("person_id", "duty__school_id", "at"))
    assert rows
    last: dict[tuple[int, int], datetime.datetime] = {}
    for r in rows:
        local = timezone.localtime(r.at)
        assert local.weekday() == r.duty.weekday and r.duty.starts_at <= local.time() <= r.duty.ends_at, r.pk
        key = (r.person_id, r.duty.school_id)
        assert key not in last or r.at - last[key] >= interval[r.duty.school_id], r.pk
        last[key] = r.at


def check_task_history() -> None:
    """The demo's agency tasks were worked through the actions by the people who act (the town's chief routes and
    checks, the agency's liaison signs for and closes), each step on its own day, in order; only the overdue
    escalation is the system's."""
    from anxiao.chiefs.models import TaskEvent

    events = list(TaskEvent.objects.order_by("task_id", "created_at", "pk"))
    assert events
    days = {e.created_at.date() for e in events}
    assert len(days) > 5
    by_task: dict[int, list[TaskEvent]] = defaultdict(list)
    for e in events:
        by_task[e.task_id].append(e)
        assert (e.actor_repr == "系统") == (e.action == "escalated") or e.task.hazard_id, (e.pk, e.action)
    order = ["created", "accepted", "done", "verified"]
    for task_events in by_task.values():
        steps = [e.action for e in task_events if e.action in order]
        assert steps == order[:len(steps)], steps


def check_assessment() -> None:
    """The demo's annual assessment is computed on a year its history covers: no computed indicator scores 0 for
    every school (台账按时报送率 did, when the demo assessed the year before its history began)."""
    from decimal import Decimal

    from anxiao.assessment.models import Method, Result

    results = list(Result.objects.select_related("scheme"))
    assert results
    computed = {i.name for i in results[0].scheme.indicators.filter(method=Method.COMPUTED)}
    for name in computed:
        scores = [Decimal(b["score"]) for r in results for b in r.breakdown if b["indicator"] == name]
        assert scores and any(scores), (name, "every school scores 0")


def check_demo(today: datetime.date) -> None:
    check_assessment()
    check_task_history()
    check_gate_check_ins()
    check_credited_as_live()
    check_drills()
    check_patrols(today)
    check_letters()
