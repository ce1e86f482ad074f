"""Period and deadline arithmetic for recurring obligations. Pure functions, no database.

A period is a closed date range ``[start, end]`` with a stable key ("2026-03", "2026-W12",
"2026-03b", "2026-Q1", "2026-T1", "2026-H2", "2026", "2026-03-05"). Terms (学期) are contiguous so
that every day falls in exactly one: the spring term runs from the spring start to the day before
the autumn start, the autumn term from the autumn start to the day before next year's spring start.
A bureau can move both starts (:class:`TermCalendar`).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

PERIOD_KINDS = ("day", "week", "half_month", "month", "quarter", "term", "half_year", "year")
DUE_RULES = ("end_of_period", "day_of_month", "day_in_last_month_of_quarter")


# Statutory holidays fixed by date (《全国年节及纪念日放假办法》): 元旦, 劳动节, 国庆节. The lunar ones (春节、清明、端午、
# 中秋) and the year's 调休 move every year: a bureau lists them (``holidays``, ``workdays``).
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


@dataclass(frozen=True)
class TermCalendar:
    """A bureau's school year. Terms (for term quotas) are contiguous; inside each, teaching runs from the term's
    start to its end (``spring_end``, ``autumn_end``; an autumn end before the spring start is in the next year)
    and the rest is vacation. A school day is a teaching weekday that is not a holiday, or a listed 调休 workday."""

    spring_start: tuple[int, int] = (2, 1)  # (month, day)
    autumn_start: tuple[int, int] = (9, 1)
    spring_end: tuple[int, int] = (7, 10)
    autumn_end: tuple[int, int] = (1, 20)
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()

    def __post_init__(self) -> None:
        for month, day in (self.spring_start, self.autumn_start, self.spring_end, self.autumn_end):
            datetime.date(2001, month, day)  # raises ValueError on an impossible date (29 Feb excluded)
        if self.spring_start >= self.autumn_start:
            raise ValueError("春季学期开始日期必须早于秋季学期开始日期")
        if not self.spring_start <= self.spring_end < self.autumn_start:
            raise ValueError("春季学期结束日期应在春季学期开始之后、秋季学期开始之前")
        if self.spring_start <= self.autumn_end < self.autumn_start:
            raise ValueError("秋季学期结束日期应在秋季学期开始之后、下一春季学期开始之前")

    def in_vacation(self, day: datetime.date) -> bool:
        md = (day.month, day.day)
        if self.spring_end < md < self.autumn_start:
            return True  # summer
        if self.autumn_end >= self.autumn_start:
            return md > self.autumn_end or md < self.spring_start  # winter, the autumn term ending in December
        return self.autumn_end < md < self.spring_start

    def is_school_day(self, day: datetime.date) -> bool:
        if self.in_vacation(day):
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays and (day.month, day.day) not in FIXED_HOLIDAYS

    def school_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)
                if self.is_school_day(start + datetime.timedelta(days=i))]


DEFAULT_TERMS = TermCalendar()


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive
    key: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if self.kind == "day":
            return f"{s.year}年{s.month}月{s.day}日"
        if self.kind == "week":
            return f"{s.month}月{s.day}日–{e.month}月{e.day}日当周"
        if self.kind == "half_month":
            return f"{s.year}年{s.month}月{'上' if s.day == 1 else '下'}半月"
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "quarter":
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind == "term":
            return f"{s.year}年{'春季' if self.key.endswith('T1') else '秋季'}学期"
        if self.kind == "half_year":
            return f"{s.year}年{'上' if s.month <= 6 else '下'}半年"
        return f"{s.year}年"


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _term(day: datetime.date, terms: TermCalendar) -> Period:
    spring = datetime.date(day.year, *terms.spring_start)
    autumn = datetime.date(day.year, *terms.autumn_start)
    if day < spring:  # still the autumn term that began last year
        start = datetime.date(day.year - 1, *terms.autumn_start)
        return Period("term", start, spring - datetime.timedelta(days=1), f"{day.year - 1}-T2")
    if day < autumn:
        return Period("term", spring, autumn - datetime.timedelta(days=1), f"{day.year}-T1")
    next_spring = datetime.date(day.year + 1, *terms.spring_start)
    return Period("term", autumn, next_spring - datetime.timedelta(days=1), f"{day.year}-T2")


def period_containing(kind: str, day: datetime.date, terms: TermCalendar = DEFAULT_TERMS) -> Period:
    y, m = day.year, day.month
    if kind == "day":
        return Period(kind, day, day, day.isoformat())
    if kind == "week":  # ISO week, Monday to Sunday
        start = day - datetime.timedelta(days=day.weekday())
        iso = start.isocalendar()
        return Period(kind, start, start + datetime.timedelta(days=6), f"{iso.year}-W{iso.week:02d}")
    if kind == "half_month":
        if day.day <= 15:
            return Period(kind, datetime.date(y, m, 1), datetime.date(y, m, 15), f"{y}-{m:02d}a")
        return Period(kind, datetime.date(y, m, 16), month_end(y, m), f"{y}-{m:02d}b")
    if kind == "month":
        return Period(kind, datetime.date(y, m, 1), month_end(y, m), f"{y}-{m:02d}")
    if kind == "quarter":
        q = (m - 1) // 3
        return Period(kind, datetime.date(y, 3 * q + 1, 1), month_end(y, 3 * q + 3), f"{y}-Q{q + 1}")
    if kind == "term":
        return _term(day, terms)
    if kind == "half_year":
        if m <= 6:
            return Period(kind, datetime.date(y, 1, 1), datetime.date(y, 6, 30), f"{y}-H1")
        return Period(kind, datetime.date(y, 7, 1), datetime.date(y, 12, 31), f"{y}-H2")
    if kind == "year":
        return Period(kind, datetime.date(y, 1, 1), datetime.date(y, 12, 31), str(y))
    raise ValueError(f"unknown period kind {kind!r}")


def next_period(period: Period, terms: TermCalendar = DEFAULT_TERMS) -> Period:
    return period_containing(period.kind, period.end + datetime.timedelta(days=1), terms)


def periods_between(kind: str, first: datetime.date, last: datetime.date,
                    terms: TermCalendar = DEFAULT_TERMS) -> list[Period]:
    """Every period of ``kind`` that overlaps ``[first, last]``, in order."""
    out = []
    period = period_containing(kind, first, terms)
    while period.start <= last:
        out.append(period)
        period = next_period(period, terms)
    return out


def due_date(period: Period, rule: str = "end_of_period", day: int | None = None) -> datetime.date:
    """The deadline of one period under a due rule, never outside the period.

    ``day_of_month``: that day of the period's last month (the 28th of a month; for a quarter,
    the 28th of its last month). ``day_in_last_month_of_quarter``: that day in the last month of
    the quarter the period ends in (3/28, 6/28, 9/28, 12/28). A day past the month's end is the
    month's last day.
    """
    if rule == "end_of_period":
        return period.end
    if day is None or not 1 <= day <= 31:
        raise ValueError("due day must be 1–31")
    end = period.end
    if rule == "day_of_month":
        year, month = end.year, end.month
    elif rule == "day_in_last_month_of_quarter":
        year, month = end.year, ((end.month - 1) // 3) * 3 + 3
    else:
        raise ValueError(f"unknown due rule {rule!r}")
    target = min(datetime.date(year, month, min(day, calendar.monthrange(year, month)[1])), end)
    return max(target, period.start)
