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


def bench_user(name: str, role: str, *regions: Any, unit: Any = None) -> Any:
    """The benchmark account ``name`` (made once) with a grant of ``role`` over each of ``regions``, or over ``unit``.
    Benchmarks log in with ``force_login`` or a made session, never a password: none is hashed (the production
    hasher takes a second or more per user on a loaded machine)."""
    from anxiao.accounts.models import Grant, User

    user, created = User.objects.get_or_create(username=name)
    if created:
        user.set_unusable_password()
        user.save()
        for region in regions or (None,):
            Grant.objects.create(user=user, role=role, region=region, unit=unit)
    return user
