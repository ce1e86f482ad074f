"""Issue 15, Concurrency and finality: concurrent "prepare ledger" requests never end in a 500, and a void is
final everywhere (422 "已作废", the first reason kept); under concurrency exactly one void succeeds.

The threaded tests need PostgreSQL (row locks); run them with DATABASE_URL=postgres://…"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from anxiao.obligations import actions as obligation_actions
from anxiao.obligations.models import Activity
from anxiao.reports.ledger import first_of_month
from anxiao.reports.models import MonthlyLedger

TODAY = timezone.localdate()
THREADS = 20
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _in_threads(work):  # type: ignore[no-untyped-def]
    """Run ``work(i)`` in THREADS threads released at once; return what each returned (or raised)."""
    from django.db import connections

    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _activity(world) -> Activity:  # type: ignore[no-untyped-def]
    return obligation_actions.record_activity(world.users["school_admin"], kind="meeting", unit=world.a1,
                                              occurred_on=TODAY, today=TODAY, title="安全会议")


@pytest.mark.django_db
def test_voiding_a_voided_activity_is_a_422_and_keeps_the_first_reason(world, as_user):
    activity = _activity(world)
    client = as_user("school_admin")
    first = client.post(f"/api/v1/activities/{activity.pk}/void", {"reason": "录错了"}, content_type="application/json")
    assert first.status_code == 200, first.content
    again = client.post(f"/api/v1/activities/{activity.pk}/void", {"reason": "第二个理由"},
                        content_type="application/json")
    assert again.status_code == 422
    assert "已作废" in again.json()["detail"]
    activity.refresh_from_db()
    assert activity.void_reason == "录错了"


@pytest.mark.django_db
def test_every_void_action_refuses_a_record_already_voided(world):
    """One lock-and-check (VoidableModel.void) under every void action: a stale copy cannot void twice."""
    activity = _activity(world)
    stale = Activity.objects.get(pk=activity.pk)
    obligation_actions.void_activity(world.users["school_admin"], activity, "录错了")
    with pytest.raises(ValidationError) as exc:
        obligation_actions.void_activity(world.users["school_admin"], stale, "再来一次")
    assert "已作废" in exc.value.message_dict["void_reason"][0]
    assert Activity.objects.get(pk=activity.pk).void_reason == "录错了"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_voids_let_exactly_one_succeed(world):
    activity = _activity(world)
    user = world.users["school_admin"]

    def void(i: int) -> object:
        return obligation_actions.void_activity(user, Activity.objects.get(pk=activity.pk), f"理由{i}")

    results = _in_threads(void)
    done = [r for r in results if isinstance(r, Activity)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == THREADS - 1, results
    assert all("已作废" in r.message_dict["void_reason"][0] for r in refused)
    assert Activity.objects.get(pk=activity.pk).void_reason == done[0].void_reason


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_ledger_prepares_never_answer_500(world):
    month = first_of_month(TODAY)
    user = world.users["school_admin"]

    def prepare(i: int) -> int:
        client = Client()
        client.force_login(user)
        response = client.post(f"/api/v1/reports/schools/{world.a1.pk}/ledgers",
                               {"month": str(month), "remarks": f"第{i}次"}, content_type="application/json")
        if response.status_code >= 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"]), response.content
        return response.status_code

    codes = Counter(_in_threads(prepare))
    assert set(codes) <= {201, 409, 422}, codes
    assert codes[201] >= 1
    assert MonthlyLedger.objects.filter(unit=world.a1, month=month).count() == 1
