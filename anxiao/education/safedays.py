"""National safety-education days (安全教育节点), computed for any year. Pure functions, no database.

rules.md §3.3 lists the five nodes used for calendar reminders; seed 001 七(七) and 003 四(三)3 ask schools to
use them ("利用安全教育日、防灾减灾日、消防日等重要时间节点开展有针对性的宣传教育活动"). 国际禁毒日 is added
because schools mark it with a drug-prevention class every year.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# A record made within this many days of a node (the "安全教育周" around it) marks that node.
WINDOW_DAYS = 7


def _last_monday_of_march(year: int) -> datetime.date:
    day = datetime.date(year, 3, 31)
    return day - datetime.timedelta(days=day.weekday())


def _fixed(month: int, day: int) -> Callable[[int], datetime.date]:
    return lambda year: datetime.date(year, month, day)


@dataclass(frozen=True)
class SafetyDay:
    code: str
    name: str
    rule: str  # how the date is found, shown to the user
    source: str
    date_in: Callable[[int], datetime.date]


SAFETY_DAYS: tuple[SafetyDay, ...] = (
    SafetyDay("student_safety_day", "全国中小学生安全教育日", "每年3月最后一个星期一", "rules.md §3.3；S001 七(七)",
              _last_monday_of_march),
    SafetyDay("national_security_day", "全民国家安全教育日", "4月15日", "rules.md §3.3", _fixed(4, 15)),
    SafetyDay("disaster_prevention_day", "全国防灾减灾日", "5月12日", "rules.md §3.3；S001 七(七)", _fixed(5, 12)),
    SafetyDay("anti_drug_day", "国际禁毒日", "6月26日", "联合国大会决议（1987）", _fixed(6, 26)),
    SafetyDay("fire_safety_day", "全国消防日", "11月9日", "rules.md §3.3；S001 七(七)", _fixed(11, 9)),
    SafetyDay("traffic_safety_day", "全国交通安全日", "12月2日", "rules.md §3.3", _fixed(12, 2)),
)
BY_CODE = {d.code: d for d in SAFETY_DAYS}
CODES = tuple(BY_CODE)
CHOICES = [(d.code, d.name) for d in SAFETY_DAYS]


def days_in(year: int) -> list[tuple[SafetyDay, datetime.date]]:
    return sorted(((d, d.date_in(year)) for d in SAFETY_DAYS), key=lambda pair: pair[1])


def days_between(first: datetime.date, last: datetime.date) -> list[tuple[SafetyDay, datetime.date]]:
    return [(d, on) for year in range(first.year, last.year + 1) for d, on in days_in(year) if first <= on <= last]


def node_for(code: str, on: datetime.date) -> datetime.date | None:
    """The date of node ``code`` that a record made ``on`` marks, or None when it is outside every window."""
    day = BY_CODE.get(code)
    if day is None:
        return None
    for year in (on.year - 1, on.year, on.year + 1):
        node = day.date_in(year)
        if abs((on - node).days) <= WINDOW_DAYS:
            return node
    return None
