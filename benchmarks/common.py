from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection


def measure(label: str, fn: Callable[[], Any], report: Callable[[str], None], repeat: int = 5) -> None:
    """Median wall time and the query count of one call."""
    fn()  # warm up caches and the connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fn()
    report(f"{label}: median {statistics.median(times):.1f} ms (min {min(times):.1f}), {count} queries")
