"""The dashboard's overdue list reads a partial index of open hazards (issue 18): by deadline for a large scope
(closed hazards, which own nearly every old deadline, are not walked), by unit for a small one (a county is not
found by walking a province's deadlines). PostgreSQL only (run with DATABASE_URL=postgres://…)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxiao.hazards.figures import figure_q, overdue_list
from anxiao.hazards.models import Hazard, Status

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")]


FOUND_DAYS_AGO = 400


def _hazards(unit, status, count, deadline):  # type: ignore[no-untyped-def]
    """``count`` hazards of ``unit`` in ``status`` found long ago, the i-th due on ``deadline(i)``; then ANALYZE, so
    the planner sees the table as it now is."""
    found = timezone.now() - datetime.timedelta(days=FOUND_DAYS_AGO)
    closed = {"closed_at": found} if status == Status.CLOSED else {}
    Hazard.objects.bulk_create([Hazard(unit=unit(i) if callable(unit) else unit, status=status, deadline=deadline(i),
                                       location="教学楼", category="XS", description="楼梯扶手松动", found_at=found,
                                       **closed)
                                for i in range(count)], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_hazard")


def test_the_overdue_list_uses_the_partial_index_and_skips_closed_hazards(world):
    # given many closed hazards with old deadlines and fewer open overdue ones
    today = timezone.localdate()
    old = today - datetime.timedelta(days=300)
    _hazards(lambda i: world.a1 if i % 2 else world.a2, Status.CLOSED, 20000,
             lambda i: old + datetime.timedelta(days=i % 250))
    _hazards(world.a1, Status.RECTIFYING, 3000, lambda i: today - datetime.timedelta(days=i % 200 + 1))
    # when the dashboard asks for the oldest overdue hazards of a county
    qs = Hazard.objects.visible_to(world.users["bureau_admin"])
    plan = qs.filter(figure_q("overdue", today)).order_by("deadline", "id")[:15].explain()
    # then PostgreSQL reads the partial index in deadline order: no closed hazard walked, nothing sorted
    assert "hazard_overdue_by_deadline" in plan and "Sort" not in plan, plan
    rows = overdue_list(qs, today)
    assert len(rows) == 15 and all(h.status == Status.RECTIFYING for h in rows)


def test_a_small_scope_reads_its_own_units_overdue_hazards_not_the_provinces(world):
    # given a province whose overdue hazards lie almost all in another county (a county is 1 % of a province)
    today = timezone.localdate()
    _hazards(world.b1, Status.RECTIFYING, 8000, lambda i: today - datetime.timedelta(days=i % 300 + 1))
    _hazards(world.a1, Status.CLOSED, 1000, lambda i: today - datetime.timedelta(days=i % 300 + 1))  # mostly closed
    _hazards(world.a1, Status.GRADED, 40, lambda i: today - datetime.timedelta(days=i % 30 + 1))
    # when the county's dashboard asks for its oldest overdue hazards
    qs = Hazard.objects.visible_to(world.users["bureau_admin"])
    with CaptureQueriesContext(connection) as ctx:
        rows = overdue_list(qs, today, small=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + ctx.captured_queries[-1]["sql"])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    # then PostgreSQL reads the county's own units' rows by unit (the partial index by unit, or the unit index when
    # the statistics of a small table favour it) and sorts the few, never walking the province's deadline index
    assert "hazard_overdue_by_deadline" not in plan and "Index Cond: (unit_id = ANY" in plan, plan
    assert len(rows) == 15 and {h.unit_id for h in rows} == {world.a1.pk}
    assert [h.deadline for h in rows] == sorted(h.deadline for h in rows)
