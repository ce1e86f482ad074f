"""Daily rules: a month of daily slots in one row, counted day by day everywhere."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from anxiao.obligations import actions, tally
from anxiao.obligations.models import ActivityOccurrence, HeightenedPeriod, ObligationRule, Occurrence, Status
from anxiao.obligations.views import compliance_rows, my_work_items

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def patrol(world):  # type: ignore[no-untyped-def]
    world.patrol = ObligationRule.objects.create(bureau=world.bureau_a, code="t.patrol", title="每日安全巡查",
                                                 activity_kind="patrol", unit_kinds=["school"], period="day",
                                                 # a self-attested rule: one tap or an entry is enough
                                                 credit={"records": ["entry"], "evidence": "self"})
    actions.expand(world.bureau_a, TODAY)
    return world


def _month(w, unit=None, key="2026-03") -> Occurrence:  # type: ignore[no-untyped-def]
    return Occurrence.objects.get(rule=w.patrol, unit=unit or w.a1, period_key=key)


def _patrol(w, day: datetime.date, unit=None, today: datetime.date = TODAY):  # type: ignore[no-untyped-def]
    return actions.record_activity(None, kind="patrol", unit=unit or w.a1, occurred_on=day, today=today)


def _same(today: datetime.date) -> None:
    live = tally.live_counts(Occurrence.objects.all(), today)
    assert tally.tally_counts(today) == live
    assert tally.month_drift() == {}


def test_a_daily_rule_keeps_one_row_per_month_with_a_slot_per_day(patrol) -> None:
    w = patrol
    # given the daily patrol expanded on 10 March (current and next period)
    march, april = _month(w), _month(w, key="2026-04")
    # then March is one row of 31 daily slots and April one of 30
    assert (march.period_start, march.period_end, march.slots, march.met_slots) == (D(2026, 3, 1), D(2026, 3, 31), 31, 0)
    assert april.slots == 30 and april.status_on(TODAY) == Status.UPCOMING
    # and expanding again creates nothing
    assert actions.expand(w.bureau_a, TODAY) == 0
    # and the tally holds one key per day
    assert tally.tally_counts(TODAY)[(w.town_a.pk, "patrol")][Status.MISSED] == 9 * 2  # two schools in town A
    _same(TODAY)


def test_recording_a_patrol_meets_that_day_only_and_counts_per_day(patrol) -> None:
    w = patrol
    # when a1 records patrols on 9 and 10 March (two on the 10th)
    _patrol(w, D(2026, 3, 9))
    _patrol(w, D(2026, 3, 10))
    second = _patrol(w, D(2026, 3, 10))
    # then those two days are met and the month is still running
    occ = _month(w)
    assert occ.day_met(D(2026, 3, 9)) and occ.day_met(D(2026, 3, 10)) and not occ.day_met(D(2026, 3, 8))
    assert (occ.met_slots, occ.done_count, occ.status_on(TODAY)) == (2, 3, Status.DUE)
    assert occ.progress == "2/31 天"
    states = dict(occ.slot_states(TODAY))
    assert (states[D(2026, 3, 1)], states[D(2026, 3, 10)], states[D(2026, 3, 11)]) == (
        Status.MISSED, Status.DONE, Status.UPCOMING)
    # and compliance counts days: 2 done, 8 missed, the rest to come
    counts = tally.slot_counts(Occurrence.objects.filter(unit=w.a1, rule=w.patrol), ("unit_id",), TODAY)[(w.a1.pk,)]
    assert counts == {Status.DONE: 2, Status.LATE: 0, Status.MISSED: 8, Status.DUE: 0,
                      Status.UPCOMING: 21 + 30}
    # and a window from 5 to 10 March counts only its six days
    rows = {r["id"]: r for r in compliance_rows(Occurrence.objects.filter(rule=w.patrol), "unit", TODAY,
                                                start=D(2026, 3, 5), end=TODAY)}
    assert (rows[w.a1.pk]["done"], rows[w.a1.pk]["missed"], rows[w.a1.pk]["rate"]) == (2, 4, 33.3)
    assert (rows[w.a2.pk]["done"], rows[w.a2.pk]["missed"]) == (0, 5)  # the 10th is still due
    _same(TODAY)
    # when the second patrol of the 10th is voided the day stays met; voiding the 9th's unmeets it
    actions.void_activity(None, second, "重复录入")
    assert _month(w).met_slots == 2
    first = ActivityOccurrence.objects.filter(occurrence=occ, activity__occurred_on=D(2026, 3, 9)).get().activity
    actions.void_activity(None, first, "录错了")
    occ = _month(w)
    assert (occ.met_slots, occ.day_met(D(2026, 3, 9))) == (1, False)
    for day in (TODAY, D(2026, 3, 31), D(2026, 4, 15)):
        _same(day)
    # and a rebuild gives the same tally
    kept = tally.tally_counts(TODAY)
    tally.rebuild()
    assert tally.tally_counts(TODAY) == kept


def test_a_month_with_every_day_met_is_done(patrol) -> None:
    w = patrol
    # given February expanded as history and a patrol every day of it (backdating allowed)
    actions.save_settings(None, w.bureau_a, backdate_days=60)
    actions.expand(w.bureau_a, TODAY, start=D(2026, 2, 1))
    for i in range(28):
        _patrol(w, D(2026, 2, 1) + datetime.timedelta(days=i))
    feb = _month(w, key="2026-02")
    # then the month is done, on the day of its last patrol
    assert (feb.met_slots, feb.status_on(TODAY), feb.completed_on) == (28, Status.DONE, D(2026, 2, 28))
    # and a2, which did nothing, has missed the month
    assert _month(w, unit=w.a2, key="2026-02").status_on(TODAY) == Status.MISSED
    _same(TODAY)


def test_a_heightened_period_raises_the_daily_quota_on_its_own_days(patrol) -> None:
    w = patrol
    ObligationRule.objects.filter(pk=w.patrol.pk).update(heightened=True)
    HeightenedPeriod.objects.create(bureau=w.bureau_a, name="两会", starts_on=D(2026, 3, 9), ends_on=D(2026, 3, 9),
                                    factor=2)
    # when one patrol is recorded on the 9th (heightened) and one on the 10th
    _patrol(w, D(2026, 3, 9))
    _patrol(w, D(2026, 3, 10))
    # then only the 10th is met: the 9th needs two
    occ = _month(w)
    assert (occ.day_met(D(2026, 3, 9)), occ.day_met(D(2026, 3, 10))) == (False, True)
    # when the second patrol of the 9th is recorded, the 9th is met too
    _patrol(w, D(2026, 3, 9))
    assert _month(w).day_met(D(2026, 3, 9))
    _same(TODAY)


def test_my_work_shows_today_and_one_tap_counts_for_today(patrol, as_user, monkeypatch) -> None:
    w = patrol
    today = timezone.localdate()
    actions.expand(w.bureau_a, today)
    # given the principal of a1 and today's patrol not done
    user = w.users["school_admin"]
    items = my_work_items(user, today)
    occ = next(o for o in items["week"] if o.rule_id == w.patrol.pk)
    assert occ.tap_due
    # when they tap it
    response = as_user("school_admin").post(f"/obligations/occurrences/{occ.pk}/done/", {"next": "/"})
    assert response.status_code == 302
    # then today is met, the month moves out of this week's list and the button is gone
    occ.refresh_from_db()
    assert occ.day_met(today) and not occ.tap_due
    items = my_work_items(user, today)
    assert occ.pk in [o.pk for o in items["period"]] + [o.pk for o in items["late"]] or occ.is_met
    assert occ.pk not in [o.pk for o in items["week"]]
    # and the slot page shows the month day by day
    body = as_user("school_admin").get(f"/obligations/occurrences/{occ.pk}/").content.decode()
    assert "逐日完成情况" in body and body.count('class="badge st-') >= occ.slots


def test_the_calendar_counts_each_daily_slot_on_its_own_day(patrol, as_user) -> None:
    w = patrol
    today = timezone.localdate()
    actions.expand(w.bureau_a, today)
    response = as_user("bureau_admin").get(f"/obligations/calendar/?month={today:%Y-%m}")
    weeks = response.context["weeks"]
    cells = {c["date"]: c["counts"] for week in weeks for c in week if c["in_month"]}
    # every day of the month has the two schools' patrol slots (and nothing else but a month-end drill)
    assert all(c is not None and sum(c.values()) >= 2 for c in cells.values())
    first = today.replace(day=1)
    assert sum(cells[first].values()) == 2


def test_the_api_lists_a_daily_month_with_its_days(patrol, client) -> None:
    from anxiao.accounts.models import ApiToken

    w = patrol
    today = timezone.localdate()
    actions.expand(w.bureau_a, today)
    _patrol(w, today, today=today)
    _token, raw = ApiToken.issue(w.users["bureau_admin"])
    r = client.get(f"/api/v1/occurrences?subtree={w.a1.pk}&kind=patrol&on={today}",
                   HTTP_AUTHORIZATION=f"Bearer {raw}")
    items = r.json()["items"]
    assert len(items) == 1
    item = items[0]
    assert item["met_slots"] == 1 and item["slots"] == len(item["days"])
    assert {d["date"]: d["status"] for d in item["days"]}[today.isoformat()] == "done"


def test_the_migration_folds_daily_rows_into_months(world) -> None:
    # given a daily rule's slots stored the old way, one row per day, two of them met and linked to activities
    rule = ObligationRule.objects.create(bureau=world.bureau_a, code="t.old", title="每日巡查", activity_kind="patrol",
                                         unit_kinds=["school"], period="day")
    rows = []
    for i in range(5):
        day = D(2026, 3, 1) + datetime.timedelta(days=i)
        rows.append(Occurrence.objects.create(rule=rule, unit=world.a1, subject_key=f"u{world.a1.pk}",
                                              period_key=day.isoformat(), period_start=day, period_end=day,
                                              due_on=day, deadline=day, done_count=1 if i in (1, 3) else 0,
                                              completed_on=day if i in (1, 3) else None))
    act = actions.Activity.objects.create(kind="patrol", occurred_on=D(2026, 3, 2), unit=world.a1)
    ActivityOccurrence.objects.create(activity=act, occurrence=rows[1])
    # when the migration runs
    migration = importlib.import_module("anxiao.obligations.migrations.0004_daily_slots_by_month")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.forwards(apps, editor)
    # (and the later one that sums the per-day tally into the month roll-up)
    importlib.import_module("anxiao.obligations.migrations.0014_compliance_month_tally").fill_from_days(apps, editor)
    # then one month row holds the five days, with days 2 and 4 met, and the activity points at it
    occ = Occurrence.objects.get(rule=rule)
    assert (occ.period_key, occ.slots, occ.met_slots, occ.day_mask, occ.done_count) == ("2026-03", 5, 2, 0b01010, 2)
    assert ActivityOccurrence.objects.get(activity=act).occurrence_id == occ.pk
    _same(TODAY)


@pytest.mark.django_db(transaction=True)
def test_expanding_every_bureau_two_at_a_time_gives_what_one_at_a_time_gives(world) -> None:
    from anxiao.obligations.models import ComplianceMonthTally, ComplianceTally

    actions.load_rules(None, world.bureau_a, ["national"])
    actions.load_rules(None, world.bureau_b, ["national"])
    # when a quarter of history is expanded for every bureau, two at once (serially on SQLite)
    created = actions.expand_all(TODAY, start=D(2026, 1, 1), jobs=2)
    rows = set(Occurrence.objects.values_list("rule__code", "subject_key", "period_key", "slots", "deadline"))
    kept = tally.tally_counts(TODAY)
    # then the tally equals the live figures, and a second run makes nothing
    assert created == len(rows) > 0
    _same(TODAY)
    assert actions.expand_all(TODAY, start=D(2026, 1, 1), jobs=2) == 0
    # and one bureau at a time makes the same slots and the same tally
    Occurrence.objects.all().delete()
    ComplianceTally.objects.all().delete()
    ComplianceMonthTally.objects.all().delete()
    assert actions.expand_all(TODAY, start=D(2026, 1, 1), jobs=1) == created
    assert set(Occurrence.objects.values_list("rule__code", "subject_key", "period_key", "slots", "deadline")) == rows
    assert tally.tally_counts(TODAY) == kept


def test_history_is_not_chased_and_the_cli_expands_it(world) -> None:
    from django.core.management import CommandError, call_command

    actions.load_rules(None, world.bureau_a, ["national"])
    # when a bureau starts with a quarter of history from the command line
    call_command("obligations", "expand", "--date", "2026-03-10", "--since", "2026-01-01", "--jobs", "2")
    drills = Occurrence.objects.filter(rule__code="national.school.monthly_drill", unit=world.a1)
    # then January's drill exists, is missed, and no reminder or escalation will be sent for it
    january = drills.get(period_key="2026-01")
    assert january.status_on(TODAY) == Status.MISSED and january.alert_on is None
    # while March's is still reminded before its deadline
    assert drills.get(period_key="2026-03").alert_on is not None
    # and bad options are refused in Chinese
    with pytest.raises(CommandError, match="--since 不能晚于"):
        call_command("obligations", "expand", "--date", "2026-03-10", "--since", "2026-04-01")
    with pytest.raises(CommandError, match="--jobs"):
        call_command("obligations", "expand", "--jobs", "0")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("obligations", "expand", "--since", "去年")


def test_the_workers_daily_job_expands_every_bureau(world, settings) -> None:
    from anxiao.obligations import alerts

    settings.EXPAND_JOBS = 2
    ObligationRule.objects.create(bureau=world.bureau_a, code="t.patrol", title="每日安全巡查", activity_kind="patrol",
                                  unit_kinds=["school"], period="day")
    # when the worker's job runs
    alerts.daily_job()
    # then this month's daily row exists for each school of bureau A, and a second run the same day expands nothing
    today = timezone.localdate()
    assert Occurrence.objects.filter(rule__code="t.patrol", period_start__lte=today, period_end__gte=today).count() == 2
    from anxiao.notifications.models import DailyRun

    assert DailyRun.objects.get(name="obligations.expand", day=today).finished_at is not None
    alerts.daily_job()
    assert DailyRun.objects.filter(name="obligations.expand").count() == 1
