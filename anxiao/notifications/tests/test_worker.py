"""The worker keeps going: a failing job or message never stops the others; SIGTERM finishes the current job;
the daily expansion runs once a day across workers; a heartbeat row feeds /readyz; failed messages are retried."""

from __future__ import annotations

import datetime
import json
import os
import signal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from anxiao.notifications import actions
from anxiao.notifications.models import Channel, DailyRun, Notification, Outbox, OutboxStatus, WorkerHeartbeat


@pytest.fixture
def jobs(monkeypatch):
    registered: list = []
    monkeypatch.setattr(actions, "JOBS", registered)
    return registered


def test_one_failing_job_never_stops_the_others(world, jobs, monkeypatch, caplog) -> None:
    ran = []
    cleaned = []
    monkeypatch.setattr(actions, "between_jobs", lambda: cleaned.append(1))

    def broken() -> None:
        raise RuntimeError("boom")

    jobs += [broken, lambda: ran.append("second")]
    assert actions.run_jobs(worker="w1") == 1
    assert ran == ["second"] and len(cleaned) == 2  # connections are checked after every job
    assert "job anxiao.notifications.tests.test_worker" in caplog.text and "RuntimeError: boom" in caplog.text
    beat = WorkerHeartbeat.objects.get(worker="w1")
    assert beat.failures == 1


def test_one_failing_message_never_stops_the_others(world, monkeypatch) -> None:
    user = world.users["school_admin"]
    bad = actions.enqueue(Channel.IN_APP, "坏消息", user=user)
    good = actions.enqueue(Channel.IN_APP, "好消息", user=user)
    assert bad is not None and good is not None
    real = actions._send

    def send(row: Outbox) -> bool:
        if row.pk == bad.pk:
            raise RuntimeError("unexpected")
        return real(row)

    monkeypatch.setattr(actions, "_send", send)
    assert actions.deliver_due() == (1, 1)
    assert Notification.objects.filter(user=user, title="好消息").exists()
    bad.refresh_from_db()
    assert bad.status == OutboxStatus.PENDING and "unexpected" in bad.error
    good.refresh_from_db()
    assert good.status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_connections_are_closed_between_jobs_outside_a_transaction(monkeypatch) -> None:
    import django.db

    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append(1))
    actions.between_jobs()
    assert calls == [1]


def test_sigterm_finishes_the_current_job_and_exits(world, jobs) -> None:
    done = []

    def long_job() -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the job runs
        done.append("first finished")

    jobs += [long_job, lambda: done.append("second")]
    before = signal.getsignal(signal.SIGTERM)
    call_command("worker", "--interval", "3600")  # returns instead of sleeping an hour
    assert done == ["first finished"]
    assert signal.getsignal(signal.SIGTERM) == before
    assert WorkerHeartbeat.objects.exists()


def test_the_daily_run_happens_once_across_workers(world) -> None:
    today = timezone.localdate()
    runs = []
    assert actions.once_a_day("t.expand", today, lambda: runs.append(1), worker="w1")
    assert not actions.once_a_day("t.expand", today, lambda: runs.append(2), worker="w2")
    assert runs == [1]
    # a run that fails gives its claim back, so the next round tries again
    with pytest.raises(RuntimeError):
        actions.once_a_day("t.other", today, lambda: (_ for _ in ()).throw(RuntimeError("x")), worker="w1")
    assert actions.once_a_day("t.other", today, lambda: runs.append(3), worker="w2")
    # a claim whose worker died is taken over after the lease
    DailyRun.objects.create(name="t.dead", day=today, worker="w9",
                            started_at=timezone.now() - actions.DAILY_LEASE - datetime.timedelta(minutes=1))
    assert actions.once_a_day("t.dead", today, lambda: runs.append(4), worker="w2")
    assert runs == [1, 3, 4]


def test_healthz_touches_no_database(db, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        answer = Client().get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_needs_a_recent_worker_and_reports_the_backlog(world, settings) -> None:
    answer = Client().get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["worker"] == "never"
    call_command("worker", "--once")
    actions.enqueue(Channel.IN_APP, "待发", user=world.users["school_admin"])
    answer = Client().get("/readyz", HTTP_HOST="internal.example")  # any host: the probe precedes the host check
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations_pending"] == 0
    assert body["checks"]["outbox_due"] == 1 and body["checks"]["worker"] == "ok"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(minutes=settings.READY_WORKER_MINUTES + 1))
    answer = Client().get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["worker"] == "stale"
    json.dumps(body)


def test_a_system_admin_retries_failed_and_stuck_messages(world, as_user) -> None:
    from anxiao.core.models import AuditLog

    user = world.users["school_admin"]
    failed = Outbox.objects.create(channel=Channel.IN_APP, title="失败", user=user, status=OutboxStatus.FAILED,
                                   attempts=5, error="SMTP 535")
    stuck = Outbox.objects.create(channel=Channel.IN_APP, title="滞留", user=user, status=OutboxStatus.SENDING,
                                  attempts=1, claimed_by="dead:1", claimed_until=timezone.now() - datetime.timedelta(minutes=1))
    fine = Outbox.objects.create(channel=Channel.IN_APP, title="正常", user=user)
    client = as_user("sysadmin")
    page = client.get("/notifications/outbox/").content.decode()
    assert "SMTP 535" in page and "滞留" in page and "正常" not in page
    client.post("/notifications/outbox/retry/", {"ids": [failed.pk, stuck.pk, fine.pk]})
    failed.refresh_from_db()
    stuck.refresh_from_db()
    assert failed.status == stuck.status == OutboxStatus.PENDING and failed.attempts == 0
    retried = AuditLog.objects.filter(object_repr__startswith="重发消息")
    assert sorted(retried.values_list("object_id", flat=True)) == sorted([str(failed.pk), str(stuck.pk)])
    assert actions.deliver_due() == (3, 0)  # the two retried and the one that was never in trouble
    # nobody else may look or retry
    assert as_user("bureau_admin").get("/notifications/outbox/").status_code == 403
