"""Where computed indicators and veto checks come from.

An app that holds the evidence registers a function under a stable key:
``@indicator("obligation_compliance", "履职任务完成率")`` on ``fn(unit, year) -> float | None`` (a ratio from
0 to 1; None when nothing applied, which scores full marks), and ``@veto("late_accident_report", "…")`` on
``fn(unit, year) -> list[str]`` (the reasons found; empty when none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    fn: Callable[[Any, int], Any]


INDICATORS: dict[str, Source] = {}
VETOES: dict[str, Source] = {}


def indicator(key: str, label: str) -> Callable[[Callable[[Any, int], float | None]], Callable[[Any, int], float | None]]:
    def register(fn: Callable[[Any, int], float | None]) -> Callable[[Any, int], float | None]:
        INDICATORS[key] = Source(key, label, fn)
        return fn

    return register


def veto(key: str, label: str) -> Callable[[Callable[[Any, int], list[str]]], Callable[[Any, int], list[str]]]:
    def register(fn: Callable[[Any, int], list[str]]) -> Callable[[Any, int], list[str]]:
        VETOES[key] = Source(key, label, fn)
        return fn

    return register
