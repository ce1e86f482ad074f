from __future__ import annotations

import datetime
from typing import Any

import pytest

from anxiao.notifications.models import Channel, Outbox, WebhookEndpoint
from anxiao.obligations import actions, alerts
from anxiao.obligations.models import ObligationRule, Occurrence

D = datetime.date
# What the apps write for a real record (crediting.py): a closed, evaluated drill; a ledger the principal submitted.
DRILL: dict[str, Any] = {"record_kind": "drill:drill", "evidence": "record"}
LEDGER: dict[str, Any] = {"record_kind": "ledger", "evidence": "record+approval"}


@pytest.fixture
def drill(world):
    """A monthly drill for the schools of bureau A, expanded on 2 March 2026."""
    rule = ObligationRule.objects.create(bureau=world.bureau_a, code="t.drill", title="每月应急疏散演练",
                                         activity_kind="drill", unit_kinds=["school"], stages=["junior"],
                                         period="month", quota=1, pack_code="national", clause_ref="演练指南(2014)")
    actions.expand(world.bureau_a, D(2026, 3, 2))
    world.occ = Occurrence.objects.get(rule=rule, unit=world.a1, period_key="2026-03")
    return world


def _titles_for(user) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(Outbox.objects.filter(user=user, channel=Channel.IN_APP).values_list("title", flat=True))


def test_it_reminds_the_responsible_person_before_the_deadline(drill) -> None:
    # given the March drill of a1 is due on 31 March and nothing is recorded
    w = drill
    assert w.occ.alert_on == D(2026, 3, 28)
    from anxiao.accounts.models import User

    officer = User.objects.create_user(username="officer", person=w.people["a1_officer"])
    # when the worker runs on 27 March, then on 28 March
    assert alerts.run(D(2026, 3, 27)) == 0
    alerts.run(D(2026, 3, 28))
    # then the school's safety officer (responsible for school-level work) has a due-soon reminder
    assert _titles_for(officer) == ["即将到期：每月应急疏散演练"]
    w.occ.refresh_from_db()
    assert (w.occ.alert_stage, w.occ.alert_on) == ("reminded", D(2026, 4, 1))
    # and the principal is not bothered yet
    assert _titles_for(w.users["school_admin"]) == []


def test_it_escalates_a_missed_drill_to_the_principal(drill) -> None:
    # given the principal (school_admin) and a bureau robot
    w = drill
    WebhookEndpoint.objects.create(bureau=w.bureau_a, name="安全办群", kind="dingtalk", url="http://127.0.0.1:9/")
    # when the worker runs after the deadline
    alerts.run(D(2026, 3, 28))
    alerts.run(D(2026, 4, 1))
    # then the principal is told the drill was missed, and the bureau robot gets a message
    assert any(t.startswith("督办：新华中学未按期完成") for t in _titles_for(w.users["school_admin"]))
    assert Outbox.objects.filter(channel=Channel.WEBHOOK, title__contains="新华中学").count() == 1
    # and running again sends nothing more
    before = Outbox.objects.count()
    alerts.run(D(2026, 4, 2))
    assert Outbox.objects.count() == before


def test_it_sends_nothing_for_a_slot_that_is_done(drill) -> None:
    # given the drill was recorded before the reminder day
    w = drill
    actions.record_activity(None, kind="drill", **DRILL, unit=w.a1, occurred_on=D(2026, 3, 20), today=D(2026, 3, 20))
    # when the worker runs on the reminder day and after the deadline
    alerts.run(D(2026, 3, 28))
    alerts.run(D(2026, 4, 1))
    # then nobody is reminded
    assert not Outbox.objects.exists()


def test_it_escalates_a_principals_missed_meeting_to_the_baobao_leader(world) -> None:
    # given the principal of a1 must chair a quarterly safety meeting; the department head looks after a1
    w = world
    w.assignment_a1.started_on = D(2026, 1, 1)
    w.assignment_a1.save()
    rule = ObligationRule.objects.create(bureau=w.bureau_a, code="t.meeting", title="校长每季度主持安全工作会议",
                                         activity_kind="meeting", post_kinds=["principal"], unit_kinds=["school"],
                                         period="quarter", quota=1)
    actions.expand(w.bureau_a, D(2026, 3, 2))
    occ = Occurrence.objects.get(rule=rule, post=w.posts["a1_principal"], period_key="2026-Q1")
    # when the quarter ends without the meeting
    alerts.run(D(2026, 4, 1))
    # then the principal hears it is overdue, and the 包保 leader (the department head) is told to follow up
    assert _titles_for(w.users["school_admin"]) == ["已逾期未完成：校长每季度主持安全工作会议"]
    assert _titles_for(w.users["bureau_admin"]) == ["督办：新华中学未按期完成校长每季度主持安全工作会议"]
    occ.refresh_from_db()
    assert occ.alert_stage == "escalated" and occ.alert_on is None


def test_it_acts_once_when_two_workers_race(drill) -> None:
    # given a slot due for escalation, loaded by two workers
    w = drill
    stale = Occurrence.objects.get(pk=w.occ.pk)
    alerts.run(D(2026, 4, 1))
    # when the second worker tries to move the same stage
    # then the conditional update changes nothing and it does not act
    assert alerts._advance(stale, D(2026, 4, 1)) is None
