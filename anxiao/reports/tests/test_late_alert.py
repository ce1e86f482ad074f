"""A late monthly ledger (past its due date, not submitted) alerts the bureau safety office and the school's
responsible people, and the bureau's group robots, once per school per month, from the worker's schedule."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anxiao.notifications import actions as notifications
from anxiao.notifications.models import Channel, Outbox, WebhookEndpoint
from anxiao.org.models import Group
from anxiao.reports import actions, figures

pytestmark = pytest.mark.django_db


def _setup(world):  # type: ignore[no-untyped-def]
    Group.objects.create(unit=world.bureau_a, name="安全工作领导小组", office_unit=world.dept_a)
    hook = WebhookEndpoint.objects.create(bureau=world.bureau_a, name="安全办群", kind="dingtalk",
                                          url="http://127.0.0.1:9/robot/send?access_token=t")
    month = figures.previous_month(figures.previous_month(figures.first_of_month(timezone.localdate())))
    return hook, month


def _submit(world, unit, month):  # type: ignore[no-untyped-def]
    now = timezone.make_aware(datetime.datetime.combine(figures.due_on(month), datetime.time(9)))
    report = actions.prepare(world.users["sysadmin"], unit, month, now=now)
    return actions.approve(None, report, now=now)


def _app_titles(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Outbox.objects.filter(channel=Channel.IN_APP, user=user).values_list("title", flat=True))


def test_a_late_ledger_alerts_the_office_the_principal_and_the_robot_once(world) -> None:
    hook, month = _setup(world)
    _submit(world, world.a2, month)  # a2 on time; a1 nothing; b1 (county B) nothing
    before_due = figures.due_on(month)
    actions.alert_late_ledgers(before_due)  # on its due day it is not late (the month before is what is due)
    assert not Outbox.objects.filter(title__contains=f"{month:%Y年%m月}").exists()
    Outbox.objects.all().delete()  # (the month before's alerts)

    day = before_due + datetime.timedelta(days=1)
    assert actions.alert_late_ledgers(day) == 2  # a1 and b1
    principal, office = world.users["school_admin"], world.users["bureau_admin"]
    title = f"台账月报逾期未报：新华中学 {month:%Y年%m月}"
    assert _app_titles(principal) == [title]
    assert title in _app_titles(office)
    assert not any("第二" in t or world.a2.name in t for t in _app_titles(office))  # a2 submitted: no alert
    robot = list(Outbox.objects.filter(channel=Channel.WEBHOOK, webhook=hook).values_list("title", flat=True))
    assert robot == [title]  # county B's school goes to its own bureau's robots, not A's
    # once per school per month: the next day (and the next run) adds nothing
    assert actions.alert_late_ledgers(day + datetime.timedelta(days=1)) == 0
    assert _app_titles(principal) == [title]


def test_a_prepared_but_unsubmitted_ledger_is_late_and_a_submitted_late_one_stops_the_alert(world) -> None:
    hook, month = _setup(world)
    day = figures.due_on(month) + datetime.timedelta(days=3)
    actions.prepare(world.users["sysadmin"], world.a1, month,
                    now=timezone.make_aware(datetime.datetime.combine(figures.due_on(month), datetime.time(9))))
    _submit(world, world.b1, month)
    _submit(world, world.a2, month)
    assert actions.alert_late_ledgers(day) == 1  # the prepared one counts as not submitted


def test_the_worker_schedule_runs_the_late_ledger_alert_once_a_day(world) -> None:
    _setup(world)
    month = figures.due_month()  # the most recent month whose deadline has passed
    for unit in (world.a2, world.b1):
        _submit(world, unit, month)
    assert actions.late_ledger_job in notifications.JOBS
    assert notifications.run_jobs(worker="t") == 0
    assert notifications.run_jobs(worker="t2") == 0
    assert _app_titles(world.users["school_admin"]) == [f"台账月报逾期未报：新华中学 {month:%Y年%m月}"]


def test_a_returned_ledger_not_resubmitted_by_the_due_date_alerts_once(world) -> None:
    """A ledger the bureau returned and the school did not submit again by the due date is as late as a missing
    one (the figures say 已退回, not 已报): the same people and robots hear it, once per school per month."""
    hook, month = _setup(world)
    before = timezone.make_aware(datetime.datetime.combine(figures.due_on(month), datetime.time(8)))
    for unit in (world.a1, world.a2, world.b1):
        _submit(world, unit, month)
    actions.return_report(world.users["bureau_admin"], actions.current(world.a2, month), "隐患整改期限未填",
                          now=before)
    returned_and_resubmitted = actions.return_report(world.users["sysadmin"], actions.current(world.a1, month),
                                                     "缺少签字", now=before)
    again = actions.prepare(world.users["sysadmin"], world.a1, month, now=before)
    actions.approve(None, again, now=before)
    assert returned_and_resubmitted.status == "returned"
    Outbox.objects.all().delete()  # (the month before's alerts)

    day = figures.due_on(month) + datetime.timedelta(days=1)
    assert actions.alert_late_ledgers(day) == 1  # a2 only: a1 submitted again, b1 never returned
    title = f"台账月报退回未重报：{world.a2.name} {month:%Y年%m月}"
    assert _app_titles(world.users["bureau_admin"]) == [title]
    robot = list(Outbox.objects.filter(channel=Channel.WEBHOOK, webhook=hook).values_list("title", flat=True))
    assert robot == [title]
    body = Outbox.objects.filter(channel=Channel.WEBHOOK).get().body
    assert "隐患整改期限未填" in body and "尚未重新报送" in body
    assert actions.alert_late_ledgers(day + datetime.timedelta(days=1)) == 0
