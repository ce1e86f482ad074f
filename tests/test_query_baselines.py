"""Stored query counts for every list page and API list (as NetBox keeps them), beside the relative N+1 checks
of each app: a change that adds a query to a list shows up here as a diff of ``tests/query_baselines.json``.

A list is a GET row of the permission matrix whose target is a collection ("any"). Each is requested as the
county bureau admin of the test world, with the cache cleared, and the number of queries
must equal the stored one for this database. After a deliberate change, rewrite the file with
``ANXIAO_UPDATE_QUERY_BASELINES=1 pytest tests/test_query_baselines.py`` on SQLite and on PostgreSQL, and let the
reviewer see the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxiao.core.testing import alone
from tests.test_permission_matrix import CASES, _request

BASELINES = Path(__file__).with_name("query_baselines.json")
ROLES = ("bureau_admin",)  # the county scope: where a per-row query would multiply
NOT_LISTS = ("create", "password", "template", "builtin_file", "zip", "print", "scan", "export")
LISTS = [c for c in CASES if c.method == "get" and c.kind == "read" and c.target == "any" and c.data is None
         and not any(word in c.name for word in NOT_LISTS)]


def _count(case: Any, world: Any, role: str) -> int | None:
    with alone(world):
        cache.clear()
        url = case.url(world)
        with CaptureQueriesContext(connection) as queries:
            response = _request(case, url, None, world, role)
        return len(queries) if response.status_code == 200 else None


def test_there_are_lists_to_count() -> None:
    assert len(LISTS) > 40 and any(c.api for c in LISTS) and any(not c.api for c in LISTS)


def test_every_list_makes_its_stored_number_of_queries(world: Any) -> None:
    measured: dict[str, int] = {}
    for case in LISTS:
        for role in ROLES:
            n = _count(case, world, role)
            if n is not None:
                measured[f"{case.name} {role}"] = n
    stored: dict[str, dict[str, int]] = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
    if os.environ.get("ANXIAO_UPDATE_QUERY_BASELINES"):
        stored[connection.vendor] = dict(sorted(measured.items()))
        BASELINES.write_text(json.dumps(stored, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        pytest.skip("baselines rewritten")
    baseline = stored.get(connection.vendor, {})
    changed = [f"{key}: {baseline.get(key)} → {n}" for key, n in measured.items() if baseline.get(key) != n]
    gone = sorted(set(baseline) - set(measured))
    assert not changed and not gone, (
        "query counts differ from tests/query_baselines.json (rewrite it with ANXIAO_UPDATE_QUERY_BASELINES=1 "
        "if the change is deliberate):\n" + "\n".join(changed + [f"{key}: no longer measured" for key in gone]))
