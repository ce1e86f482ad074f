"""The occurrence scope filter (issue 18): the same rows as ``scope_unit_fields`` (the slot's unit, or its post's
unit, in scope), written so PostgreSQL reads a scope's slots by the unit index instead of scanning the table for
``unit_id IN (…) OR post_id IN (every post of the scope)``."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxiao.core.access import Scope, default_scope_q, user_scope
from anxiao.obligations import actions
from anxiao.obligations.models import Occurrence, posts_holding_elsewhere

D = datetime.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def expanded(world):  # type: ignore[no-untyped-def]
    actions.load_rules(None, world.bureau_a, ["national"])
    actions.load_rules(None, world.bureau_b, ["national"])
    actions.expand(world.bureau_a, TODAY, start=D(2026, 1, 1))
    actions.expand(world.bureau_b, TODAY)
    return world


def _scopes(w) -> dict[str, Scope]:  # type: ignore[no-untyped-def]
    # (everything: ``visible_to`` does not filter)
    scopes = {role: user_scope(user) for role, user in w.users.items() if not user_scope(user).everything}
    # a bureau department's own scope: its head's 包保 school lies outside it, reached through the post only
    scopes["department"] = Scope(unit_paths=frozenset({w.dept_a.path}))
    scopes["town"] = Scope(region_paths=frozenset({w.town_a.path}))
    return scopes


def test_the_scope_filter_finds_the_same_slots_as_the_unit_and_post_definition(expanded) -> None:
    w = expanded
    # given slots of schools, classes and a bureau department head's 包保 school (unit a1, post in dept_a)
    baobao = Occurrence.objects.filter(post=w.posts["dept_head"], unit=w.a1)
    assert baobao.exists()
    for name, scope in _scopes(w).items():
        # when the slots of each scope are read with the fast filter
        fast = set(Occurrence.objects.filter(Occurrence.scope_q(scope)).values_list("pk", flat=True))
        # then they are the slots whose unit or post's unit is in scope, no more, no fewer
        assert fast == set(Occurrence.objects.filter(default_scope_q(Occurrence, scope)).values_list("pk", flat=True)), name
    # and the department's scope sees its head's 包保 slots of a school outside it
    department = _scopes(w)["department"]
    assert set(baobao.values_list("pk", flat=True)) <= set(
        Occurrence.objects.filter(Occurrence.scope_q(department)).values_list("pk", flat=True))


def test_only_posts_holding_slots_outside_the_scope_are_named_in_the_filter(expanded) -> None:
    w = expanded
    from anxiao.core.access import units_in_scope

    # when the posts of a county's scope are asked which hold other units' slots: none (its 包保 school is its own)
    assert posts_holding_elsewhere(units_in_scope(user_scope(w.users["bureau_admin"]))) == []
    # and for the department alone: its head, for the school outside it; no school's own post
    held = posts_holding_elsewhere(units_in_scope(_scopes(w)["department"]))
    assert held == [w.posts["dept_head"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")
def test_a_countys_capped_count_reads_the_unit_index_not_the_table(world) -> None:
    w = world
    # given a province's slots, the county's a twentieth of them
    from anxiao.obligations.models import ObligationRule

    rule = ObligationRule.objects.create(bureau=w.bureau_a, code="t.weekly", title="周检查", activity_kind="patrol",
                                         unit_kinds=["school"], period="week")
    rows = []
    for i in range(40000):
        unit = w.a1 if i % 20 == 0 else w.b1
        day = D(2026, 1, 1) + datetime.timedelta(days=i // 40)
        rows.append(Occurrence(rule=rule, unit=unit, subject_key=f"u{unit.pk}", period_key=f"k{i}", period_start=day,
                               period_end=day, due_on=day, deadline=day))
    Occurrence.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Occurrence._meta.db_table}")
    # when the county's list counts its slots (capped, as every API list does) and takes its first page
    from anxiao.core.paging import COUNT_CAP

    def plan(qs) -> str:  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            assert qs[:COUNT_CAP].count() == 2000
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + ctx.captured_queries[-1]["sql"])
            return "\n".join(line for (line,) in cursor.fetchall())

    county = plan(Occurrence.objects.visible_to(w.users["bureau_admin"]))
    # then PostgreSQL reads the county's units by the unit index, never the whole table
    assert "Seq Scan" not in county and "unit_id = ANY" in county, county
    # and a scope whose post holds another unit's slots (a department head's 包保 school) reads both indexes
    Occurrence.objects.create(rule=rule, unit=w.b1, post=w.posts["dept_head"], subject_key="p", period_key="p",
                              period_start=D(2026, 1, 1), period_end=D(2026, 1, 1), due_on=D(2026, 1, 1),
                              deadline=D(2026, 1, 1))
    department = Occurrence.objects.filter(Occurrence.scope_q(Scope(unit_paths=frozenset({w.dept_a.path}))))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + str(department.query))
        both = "\n".join(line for (line,) in cursor.fetchall())
    assert "Seq Scan" not in both and "occurrence_post_deadline" in both, both
