"""The compliance tally: occurrence counts per region × activity kind × period (see ``models.ComplianceTally``).

Only the obligation actions call the writers here (expansion, recounting, rule changes); the compliance
pages and the API read :func:`region_rows`. :func:`live_counts` computes the same figures from the
occurrences themselves; the tests compare the two after every kind of change.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, Q, Sum

from .models import ComplianceMonthTally, ComplianceTally, Occurrence, Status

Key = tuple[int, str, datetime.date, datetime.date]  # region id, activity kind, period start, deadline
TABLE = ComplianceTally._meta.db_table
MONTH_TABLE = ComplianceMonthTally._meta.db_table


def slot_keys(region_id: int, kind: str, start: datetime.date, deadline: datetime.date, slots: int) -> list[Key]:
    """The tally key of each slot of a row."""
    from .models import slot_dates

    return [(region_id, kind, day, day_deadline) for day, day_deadline in slot_dates(start, slots, deadline)]


def slot_states(mask: int, slots: int, completed_on: datetime.date | None, deadline: datetime.date) -> list[str]:
    """'done', 'late' or 'open' for each slot of a row."""
    met = "late" if completed_on is not None and completed_on > deadline else "done"
    return [met if mask >> i & 1 else "open" for i in range(slots)]


class Deltas:
    """Changes to apply to the tally in one statement per batch."""

    def __init__(self) -> None:
        self.rows: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, key: Key, st: str, sign: int = 1) -> None:
        row = self.rows[key]
        row[0] += sign
        if st == "done":
            row[1] += sign
        elif st == "late":
            row[2] += sign

    def move(self, key: Key, old: str, new: str) -> None:
        if old != new:
            self.add(key, old, -1)
            self.add(key, new, 1)

    def apply(self) -> None:
        changes = [(k, v) for k, v in self.rows.items() if any(v)]
        self.rows.clear()
        if not changes:
            return
        # the month roll-up's changes are the same changes summed by month (ComplianceMonthTally)
        months: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
        for (region_id, kind, start, deadline), v in changes:
            row = months[(region_id, kind, start.replace(day=1), deadline.replace(day=1))]
            for i in range(3):
                row[i] += v[i]
        with transaction.atomic():
            _upsert(TABLE, ("period_start", "deadline"), changes)
            _upsert(MONTH_TABLE, ("month", "deadline_month"), [(k, v) for k, v in months.items() if any(v)])


def _upsert(table_name: str, days: tuple[str, str], changes: list[tuple[Key, list[int]]]) -> None:
    """Add (total, done, late) to the rows of one tally table keyed (region, kind, *days)."""
    ops = connection.ops
    day = ops.adapt_datefield_value
    table = ops.quote_name(table_name)
    upsert = (f"ON CONFLICT (region_id, activity_kind, {days[0]}, {days[1]}) "
              f"DO UPDATE SET total = {table}.total + excluded.total, done = {table}.done + excluded.done, "
              f"late = {table}.late + excluded.late")
    columns = f"region_id, activity_kind, {days[0]}, {days[1]}, total, done, late"
    rows = sorted(changes)  # one order for every writer, so concurrent ones do not deadlock
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for any number of keys (a county-year of history is some 50,000), each column
            # as one comma-separated string: adapting Python lists element by element was slower than the
            # database's work.
            for i in range(0, len(rows), 20000):
                part = rows[i:i + 20000]
                arrays = ", ".join(f"string_to_array(%s, ','){cast}" for cast in (
                    "::int[]", "", "::date[]", "::date[]", "::int[]", "::int[]", "::int[]"))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) {upsert}",
                    [",".join(str(k[0]) for k, _v in part), ",".join(k[1] for k, _v in part),
                     ",".join(k[2].isoformat() for k, _v in part), ",".join(k[3].isoformat() for k, _v in part),
                     ",".join(str(v[0]) for _k, v in part), ",".join(str(v[1]) for _k, v in part),
                     ",".join(str(v[2]) for _k, v in part)])
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) {upsert}",
                               [(r, k, day(s), day(d), t, dn, lt) for (r, k, s, d), (t, dn, lt) in rows])


def _slot_sql() -> tuple[str, str, str, str]:
    """SQL for slot ``n.i`` of occurrence row ``o`` (joined to the numbers 0–31): its day, its own deadline,
    whether it is met (its bit of ``day_mask``) and whether the row was completed late — as ``models.slot_dates``
    and ``models.slot_days`` judge a slot."""
    if connection.vendor == "postgresql":
        day, day_deadline = "o.period_start + n.i", "o.deadline - (o.slots - 1 - n.i)"
    else:
        day = "date(o.period_start, '+' || n.i || ' days')"
        day_deadline = "date(o.deadline, '-' || (o.slots - 1 - n.i) || ' days')"
    return day, day_deadline, "(o.day_mask >> n.i) & 1 = 1", "o.completed_on IS NOT NULL AND o.completed_on > o.deadline"


def rebuild() -> int:
    """Recompute the whole tally from the occurrences. Returns the number of tally rows."""
    ops = connection.ops
    table = ops.quote_name(TABLE)
    occ = ops.quote_name(Occurrence._meta.db_table)
    from anxiao.org.models import Unit

    from .models import ObligationRule

    unit = ops.quote_name(Unit._meta.db_table)
    rule = ops.quote_name(ObligationRule._meta.db_table)
    day_start, day_deadline, met, late = _slot_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        # One tally key per slot: n numbers the slots of a row (a daily rule's month has up to 31).
        cursor.execute(
            f"INSERT INTO {table} (region_id, activity_kind, period_start, deadline, total, done, late) "
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 31) "
            f"SELECT u.region_id, r.activity_kind, {day_start}, {day_deadline}, COUNT(*), "
            f"SUM(CASE WHEN {met} AND NOT ({late}) THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {met} AND {late} THEN 1 ELSE 0 END) "
            f"FROM {occ} o JOIN n ON n.i < o.slots JOIN {unit} u ON u.id = o.unit_id "
            f"JOIN {rule} r ON r.id = o.rule_id "
            f"GROUP BY u.region_id, r.activity_kind, {day_start}, {day_deadline}")
        rebuild_months(cursor)
    return int(ComplianceTally.objects.count())


def _month_of(column: str) -> str:
    """SQL for the first day of the month of a date column."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def rebuild_months(cursor: Any) -> None:
    """The month roll-up recomputed from the per-day tally (inside the caller's transaction)."""
    ops = connection.ops
    table, months = ops.quote_name(TABLE), ops.quote_name(MONTH_TABLE)
    month, deadline_month = _month_of("period_start"), _month_of("deadline")
    cursor.execute(f"DELETE FROM {months}")
    cursor.execute(
        f"INSERT INTO {months} (region_id, activity_kind, month, deadline_month, total, done, late) "
        f"SELECT region_id, activity_kind, {month}, {deadline_month}, SUM(total), SUM(done), SUM(late) "
        f"FROM {table} GROUP BY region_id, activity_kind, {month}, {deadline_month} "
        "HAVING SUM(total) <> 0 OR SUM(done) <> 0 OR SUM(late) <> 0")


def month_drift() -> dict[tuple[Any, ...], tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """Where the month roll-up differs from the per-day tally summed by month: {key: (month row, summed days)}.
    Empty when they agree (the tests and ``anxiao figures check`` hold it)."""
    from django.db.models.functions import TruncMonth

    summed = (ComplianceTally.objects.annotate(m=TruncMonth("period_start"), dm=TruncMonth("deadline"))
              .values_list("region_id", "activity_kind", "m", "dm")
              .annotate(t=Sum("total"), d=Sum("done"), lt=Sum("late")).order_by())
    days = {(r, k, m, dm): (t, d, lt) for r, k, m, dm, t, d, lt in summed if t or d or lt}
    months = {(r, k, m, dm): (t, d, lt) for r, k, m, dm, t, d, lt in ComplianceMonthTally.objects.values_list(
        "region_id", "activity_kind", "month", "deadline_month", "total", "done", "late") if t or d or lt}
    return {key: (months.get(key, (0, 0, 0)), days.get(key, (0, 0, 0)))
            for key in set(days) | set(months) if months.get(key) != days.get(key)}


def recount_rule_kind(rule_id: int, old_kind: str, new_kind: str) -> None:
    """A rule changed its activity kind: move its occurrences' counts from the old kind to the new one."""
    if old_kind == new_kind:
        return
    deltas = Deltas()
    rows = (Occurrence.objects.filter(rule_id=rule_id)
            .values_list("unit__region_id", "period_start", "deadline", "slots", "day_mask", "completed_on"))
    for region_id, start, deadline, slots, mask, completed_on in rows.iterator(chunk_size=5000):
        states = slot_states(mask, slots, completed_on, deadline)
        for (_r, _k, s, d), st in zip(slot_keys(region_id, old_kind, start, deadline, slots), states, strict=True):
            deltas.add((region_id, old_kind, s, d), st, -1)
            deltas.add((region_id, new_kind, s, d), st, 1)
    deltas.apply()


# --- reading -------------------------------------------------------------------------------------------


def _classify(rows: Iterable[tuple[Any, datetime.date, datetime.date, int, int, int]],
              today: datetime.date) -> dict[Any, dict[str, int]]:
    """(group, period start, deadline, total, done, late) rows -> counts per status per group."""
    out: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for group, start, deadline, total, done, late in rows:
        counts = out[group]
        counts[Status.DONE] += done
        counts[Status.LATE] += late
        open_ = total - done - late
        if deadline < today:
            counts[Status.MISSED] += open_
        elif start > today:
            counts[Status.UPCOMING] += open_
        else:
            counts[Status.DUE] += open_
    return out


def _month_after(day: datetime.date) -> datetime.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def region_counts(region_paths: Iterable[str] | None, start: datetime.date, end: datetime.date,
                  today: datetime.date, kind: str = "", months: bool = False) -> dict[str, dict[str, int]]:
    """Counts per status for each region (keyed by the region's path) whose slots start in [start, end].

    ``region_paths`` limits the regions (a user's region scope); None means every region. ``months`` (a large
    scope, ``reports.dashboard.large_scope``) reads the window's whole months from the month roll-up
    (``ComplianceMonthTally``) where the two months of a row decide every open slot's status, and only the rest
    from the per-day rows: the same figures (``test_tally``), a twelfth of the rows for a year.
    """
    from anxiao.org.models import Region

    region_ids: list[int] | None = None
    if region_paths is not None:
        # The regions under the user's (one query; a county is a few dozen towns, a province about a thousand).
        q = Q(pk__in=[])
        for prefix in region_paths:
            q |= Q(path__startswith=prefix)
        region_ids = list(Region.objects.filter(q).values_list("pk", flat=True))
    qs = ComplianceTally.objects.filter(period_start__gte=start, period_start__lte=end)
    whole: tuple[datetime.date, datetime.date] | None = None  # the window's whole months, first days
    if months:
        first = start if start.day == 1 else _month_after(start)
        last = end.replace(day=1) if _month_after(end) == end + datetime.timedelta(days=1) else \
            (end.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        if first <= last:
            whole = (first, last)
    this_month = (today.replace(day=1), _month_after(today) - datetime.timedelta(days=1))
    if whole is not None:
        # the per-day rows the month rows do not decide: outside the whole months, or starting or due this month
        qs = qs.filter(Q(period_start__lt=whole[0]) | Q(period_start__gte=_month_after(whole[1]))
                       | Q(period_start__range=this_month) | Q(deadline__range=this_month))
    if region_ids is not None:
        qs = qs.filter(region_id__in=region_ids)
    if kind:
        qs = qs.filter(activity_kind=kind)
    open_ = F("total") - F("done") - F("late")
    grouped = list(qs.values("region_id").annotate(
        done_=Sum("done"), late_=Sum("late"),
        missed_=Sum(open_, filter=Q(deadline__lt=today)),
        upcoming_=Sum(open_, filter=Q(period_start__gt=today)),
        due_=Sum(open_, filter=Q(period_start__lte=today, deadline__gte=today))).order_by())
    if whole is not None:
        mq = ComplianceMonthTally.objects.filter(month__gte=whole[0], month__lte=whole[1]).exclude(
            month=this_month[0]).exclude(deadline_month=this_month[0])
        if region_ids is not None:
            mq = mq.filter(region_id__in=region_ids)
        if kind:
            mq = mq.filter(activity_kind=kind)
        grouped += list(mq.values("region_id").annotate(
            done_=Sum("done"), late_=Sum("late"),
            missed_=Sum(open_, filter=Q(deadline_month__lt=this_month[0])),
            upcoming_=Sum(open_, filter=Q(month__gt=this_month[0])),
            due_=Sum(open_, filter=Q(month__lt=this_month[0], deadline_month__gt=this_month[0]))).order_by())
    by_region: dict[int, dict[str, int]] = {}
    for g in grouped:
        counts = by_region.setdefault(g["region_id"], dict.fromkeys(
            (Status.DONE, Status.LATE, Status.MISSED, Status.UPCOMING, Status.DUE), 0))
        for status, column in ((Status.DONE, "done_"), (Status.LATE, "late_"), (Status.MISSED, "missed_"),
                               (Status.UPCOMING, "upcoming_"), (Status.DUE, "due_")):
            counts[status] += g[column] or 0
    paths = dict(Region.objects.filter(pk__in=list(by_region)).values_list("pk", "path"))
    out: dict[str, dict[str, int]] = {}
    allowed = tuple(region_paths) if region_paths is not None else None
    for region_id, counts in by_region.items():
        path = paths.get(region_id)
        if path is None or (allowed is not None and not path.startswith(allowed)):
            continue
        out[path] = counts
    return out


def slot_counts(qs: Any, group: tuple[str, ...], today: datetime.date, start: datetime.date | None = None,
                end: datetime.date | None = None) -> dict[tuple[Any, ...], dict[str, int]]:
    """Counts per status of the slots (not rows) of ``qs``, per tuple of ``group`` values, for the slots that
    start in ``[start, end]``. Two queries whatever the size.

    Every row is counted in SQL: every one-slot row, and a daily rule's month when it lies inside the window
    and is not running today, by their columns; the months that run today or cross the window's edge (one or
    two per daily rule and subject: some 100,000 at province scale) day by day in the database
    (:func:`_partial_counts`), never in Python.
    """
    whole = Q(slots=1)
    if start is not None:
        whole &= Q(period_start__gte=start)
    if end is not None:
        whole &= Q(period_start__lte=end)
    inside = Q(slots__gt=1) & ~Q(period_start__lte=today, deadline__gte=today)
    partial = Q(slots__gt=1, period_start__lte=today, deadline__gte=today)
    if start is not None:
        inside &= Q(period_start__gte=start)
        partial |= Q(slots__gt=1, period_start__lt=start, period_end__gte=start)
    if end is not None:
        inside &= Q(period_end__lte=end)
        partial |= Q(slots__gt=1, period_start__lte=end, period_end__gt=end)
    if start is not None:
        # a daily month's slots are consecutive days (at most 31): one reaching the window starts at most 31 days
        # before it, which bounds the index range read
        partial &= Q(period_end__gte=start, period_start__gte=start - datetime.timedelta(days=31))
    if end is not None:
        partial &= Q(period_start__lte=end)
    open_ = F("slots") - F("met_slots")
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    rows = qs.filter(whole | (inside & ~partial)).values(*group).annotate(
        met=Sum("met_slots"), late=Sum("met_slots", filter=Q(completed_on__gt=F("deadline"))),
        missed=Sum(open_, filter=Q(deadline__lt=today)), upcoming=Sum(open_, filter=Q(period_start__gt=today)),
        due=Sum(open_, filter=Q(period_start__lte=today, deadline__gte=today))).order_by()
    for row in rows:
        counts = out[tuple(row[g] for g in group)]
        counts[Status.DONE] += (row["met"] or 0) - (row["late"] or 0)
        counts[Status.LATE] += row["late"] or 0
        for open_status in (Status.MISSED, Status.UPCOMING, Status.DUE):
            counts[open_status] += row[open_status.value] or 0
    for key, partial_counts in _partial_counts(qs.filter(partial), group, today, start, end).items():
        counts = out[key]
        for status, n in partial_counts.items():
            counts[status] += n
    return out


STATUS_ORDER = (Status.DONE, Status.LATE, Status.MISSED, Status.UPCOMING, Status.DUE)


def _partial_counts(qs: Any, group: tuple[str, ...], today: datetime.date, start: datetime.date | None,
                    end: datetime.date | None) -> dict[tuple[Any, ...], dict[str, int]]:
    """Counts per status of the slots of ``qs`` (daily months) that start in ``[start, end]``, per group: each
    row is joined to the numbers 0–31 and every slot is judged as ``models.slot_days`` judges it (met: on time
    or late by the row's completion; else missed once its own deadline is past, upcoming, or due). One query."""
    ops = connection.ops
    aliases = [f"g{i}" for i in range(len(group))]
    inner = qs.order_by().annotate(**{a: F(g) for a, g in zip(aliases, group, strict=True)}).values(
        *aliases, "period_start", "slots", "day_mask", "deadline", "completed_on")
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an unknown subtree, say): no slots to count
        return {}
    day, day_deadline, met, late = _slot_sql()
    cases = {Status.DONE: f"{met} AND NOT ({late})", Status.LATE: f"{met} AND {late}",
             Status.MISSED: f"NOT ({met}) AND {day_deadline} < %s",
             Status.UPCOMING: f"NOT ({met}) AND {day_deadline} >= %s AND {day} > %s",
             Status.DUE: f"NOT ({met}) AND {day_deadline} >= %s AND {day} <= %s"}
    case_params = {Status.DONE: 0, Status.LATE: 0, Status.MISSED: 1, Status.UPCOMING: 2, Status.DUE: 2}
    where, where_params = ["n.i < o.slots"], []
    if start is not None:
        where.append(f"{day} >= %s")
        where_params.append(ops.adapt_datefield_value(start))
    if end is not None:
        where.append(f"{day} <= %s")
        where_params.append(ops.adapt_datefield_value(end))
    groups = ", ".join(f"o.{a}" for a in aliases)
    sums = ", ".join(f"SUM(CASE WHEN {cases[s]} THEN 1 ELSE 0 END)" for s in STATUS_ORDER)
    day_today = ops.adapt_datefield_value(today)
    full = (f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 31) "
            f"SELECT {groups}, {sums} FROM ({sql}) o JOIN n ON {' AND '.join(where)} GROUP BY {groups}")
    all_params = [day_today for s in STATUS_ORDER for _ in range(case_params[s])] + list(params) + where_params
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(full, all_params)
        for row in cursor.fetchall():
            out[tuple(row[:len(group)])] = {str(s): int(n or 0) for s, n in zip(STATUS_ORDER, row[len(group):],
                                                                             strict=True)}
    return out


def live_counts(qs: Any, today: datetime.date) -> dict[tuple[int, str], dict[str, int]]:
    """The same figures computed from occurrences: counts per status per (region id, activity kind)."""
    counts = slot_counts(qs, ("unit__region_id", "rule__activity_kind"), today)
    return {(r, k): v for (r, k), v in counts.items() if any(v.values())}


def tally_counts(today: datetime.date) -> dict[tuple[int, str], dict[str, int]]:
    rows = ComplianceTally.objects.values_list("region_id", "activity_kind", "period_start", "deadline", "total",
                                               "done", "late")
    out = _classify((((r, k), s, d, t, dn, lt) for r, k, s, d, t, dn, lt in rows), today)
    return {k: v for k, v in out.items() if any(v.values())}


def _status_q(status: str, today: datetime.date) -> Q:
    from .models import status_q

    return status_q(status, today)

