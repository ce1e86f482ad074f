from __future__ import annotations

import datetime

import pytest

from anxiao.core.periods import (
    TermCalendar,
    due_date,
    next_period,
    period_containing,
    periods_between,
)

D = datetime.date


def test_it_splits_a_month_into_halves_at_the_15th() -> None:
    # given a day in each half of February in a leap year
    # when the half-month periods are computed
    first = period_containing("half_month", D(2028, 2, 15))
    second = period_containing("half_month", D(2028, 2, 16))
    # then the first half ends on the 15th and the second runs to the month's last day
    assert (first.start, first.end, first.key) == (D(2028, 2, 1), D(2028, 2, 15), "2028-02a")
    assert (second.start, second.end, second.key) == (D(2028, 2, 16), D(2028, 2, 29), "2028-02b")
    assert next_period(second).key == "2028-03a"


def test_it_gives_calendar_quarters() -> None:
    # given days on quarter boundaries
    # when quarters are computed
    # then they follow the calendar
    assert period_containing("quarter", D(2026, 3, 31)).key == "2026-Q1"
    q2 = period_containing("quarter", D(2026, 4, 1))
    assert (q2.start, q2.end, q2.key) == (D(2026, 4, 1), D(2026, 6, 30), "2026-Q2")
    assert next_period(period_containing("quarter", D(2026, 11, 5))).key == "2027-Q1"


def test_it_uses_iso_weeks_across_the_new_year() -> None:
    # given 2026-12-31, a Thursday
    week = period_containing("week", D(2026, 12, 31))
    # then the week runs Monday to Sunday and is named by its ISO year
    assert (week.start, week.end) == (D(2026, 12, 28), D(2027, 1, 3))
    assert week.key == "2026-W53"


def test_it_makes_contiguous_terms_with_the_default_calendar() -> None:
    # given the default terms (spring from 1 Feb, autumn from 1 Sep)
    # when terms are computed around the year
    january = period_containing("term", D(2027, 1, 20))
    spring = period_containing("term", D(2027, 3, 1))
    autumn = period_containing("term", D(2027, 9, 1))
    # then January belongs to the autumn term begun the year before, and no day falls between terms
    assert (january.start, january.end, january.key) == (D(2026, 9, 1), D(2027, 1, 31), "2026-T2")
    assert (spring.start, spring.end, spring.key) == (D(2027, 2, 1), D(2027, 8, 31), "2027-T1")
    assert next_period(spring) == autumn
    assert next_period(january) == spring


def test_it_follows_a_bureaus_own_term_dates() -> None:
    # given a bureau whose spring term starts on 20 February and autumn term on 25 August
    terms = TermCalendar((2, 20), (8, 25))
    # when the term of 19 February and of 20 February are computed
    # then the boundary moves with the calendar
    assert period_containing("term", D(2026, 2, 19), terms).key == "2025-T2"
    spring = period_containing("term", D(2026, 2, 20), terms)
    assert (spring.start, spring.end) == (D(2026, 2, 20), D(2026, 8, 24))


def test_it_refuses_an_impossible_term_calendar() -> None:
    # given term starts in the wrong order or on an impossible date
    # when a calendar is made
    # then it is refused
    with pytest.raises(ValueError):
        TermCalendar((9, 1), (2, 1))
    with pytest.raises(ValueError):
        TermCalendar((2, 30), (9, 1))


def test_it_gives_half_years_and_years() -> None:
    assert period_containing("half_year", D(2026, 6, 30)).key == "2026-H1"
    assert period_containing("half_year", D(2026, 7, 1)).end == D(2026, 12, 31)
    assert period_containing("year", D(2026, 7, 1)).start == D(2026, 1, 1)
    assert period_containing("day", D(2026, 7, 1)).key == "2026-07-01"


def test_it_puts_the_28th_of_month_deadline_inside_the_month() -> None:
    # given months of different lengths
    # when the deadline "by the 28th" is computed
    # then it is the 28th, and never past the month's end for an early day rule
    assert due_date(period_containing("month", D(2026, 2, 3)), "day_of_month", 28) == D(2026, 2, 28)
    assert due_date(period_containing("month", D(2026, 4, 3)), "day_of_month", 31) == D(2026, 4, 30)
    assert due_date(period_containing("month", D(2026, 4, 3))) == D(2026, 4, 30)


def test_it_puts_the_quarter_deadline_in_the_quarters_last_month() -> None:
    # given the four quarters of 2026
    # when the rule "28th of the quarter's last month" is applied
    deadlines = [due_date(period_containing("quarter", D(2026, m, 1)), "day_in_last_month_of_quarter", 28)
                 for m in (1, 4, 7, 10)]
    # then the deadlines are 3/28, 6/28, 9/28 and 12/28
    assert deadlines == [D(2026, 3, 28), D(2026, 6, 28), D(2026, 9, 28), D(2026, 12, 28)]


def test_it_refuses_an_impossible_due_day() -> None:
    with pytest.raises(ValueError):
        due_date(period_containing("month", D(2026, 1, 1)), "day_of_month", 0)
    with pytest.raises(ValueError):
        due_date(period_containing("month", D(2026, 1, 1)), "someday", 3)


def test_it_lists_every_period_overlapping_a_range() -> None:
    # given a range from mid-January to early April
    periods = periods_between("month", D(2026, 1, 15), D(2026, 4, 2))
    # then January to April are listed once each
    assert [p.key for p in periods] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert len(periods_between("day", D(2026, 1, 1), D(2026, 12, 31))) == 365
    assert len(periods_between("half_month", D(2026, 1, 1), D(2026, 12, 31))) == 24


def test_it_refuses_an_unknown_period_kind() -> None:
    with pytest.raises(ValueError):
        period_containing("fortnight", D(2026, 1, 1))
