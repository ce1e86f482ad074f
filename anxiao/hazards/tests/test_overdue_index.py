"""The dashboard's overdue list reads the partial index of open hazards by deadline (issue 18): closed hazards,
which own nearly every old deadline, are not walked. PostgreSQL only (run with DATABASE_URL=postgres://…)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from anxiao.hazards.figures import figure_q, overdue_list
from anxiao.hazards.models import Hazard, Status

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")]


def test_the_overdue_list_uses_the_partial_index_and_skips_closed_hazards(world):
    # given many closed hazards with old deadlines and fewer open overdue ones
    today = timezone.localdate()
    found = timezone.now() - datetime.timedelta(days=400)
    old = today - datetime.timedelta(days=300)
    common = {"location": "教学楼", "category": "XS", "description": "楼梯扶手松动", "found_at": found}
    Hazard.objects.bulk_create([Hazard(unit=world.a1 if i % 2 else world.a2, status=Status.CLOSED, closed_at=found,
                                       deadline=old + datetime.timedelta(days=i % 250), **common)
                                for i in range(20000)], batch_size=5000)
    Hazard.objects.bulk_create([Hazard(unit=world.a1, status=Status.RECTIFYING,
                                       deadline=today - datetime.timedelta(days=i % 200 + 1), **common)
                                for i in range(3000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE hazards_hazard")
    # when the dashboard asks for the oldest overdue hazards of a county
    qs = Hazard.objects.visible_to(world.users["bureau_admin"])
    plan = qs.filter(figure_q("overdue", today)).order_by("deadline", "id")[:15].explain()
    # then PostgreSQL reads the partial index in deadline order: no closed hazard walked, nothing sorted
    assert "hazard_overdue_by_deadline" in plan and "Sort" not in plan, plan
    rows = overdue_list(qs, today)
    assert len(rows) == 15 and all(h.status == Status.RECTIFYING for h in rows)

