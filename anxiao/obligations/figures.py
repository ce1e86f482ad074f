"""The compliance rate (履职按时完成率), one definition for every page that shows it: the compliance page and
API (per unit, person, department, region and in total), the dashboard's heat map and the assessment's
on-time indicator.

Counted per slot (a daily rule's month counts each day): the slots done by their deadline over the slots whose
outcome is known — done on time, done late, or missed (their deadline passed undone). Slots still running or
upcoming are not in it. A percentage with one decimal, None when nothing is known yet.
"""

from __future__ import annotations

GREEN, AMBER = 90, 70  # percent: green from 90, amber from 70, red below


def compliance_rate(done: int, late: int, missed: int) -> float | None:
    total = (done or 0) + (late or 0) + (missed or 0)
    return round(100 * (done or 0) / total, 1) if total else None


def rag(rate: float | None) -> str:
    if rate is None:
        return ""
    return "green" if rate >= GREEN else "amber" if rate >= AMBER else "red"
