"""Issue 15: every schema in the OpenAPI document has its own name, so the documented responses are true
(two apps' ``DutyOut`` used to share one component, and one of them was documented wrong)."""

from __future__ import annotations

import sys
from collections import defaultdict

from ninja import Schema


def test_no_two_api_schemas_share_a_name():
    from anxiao.api import api  # imports every app's api module

    assert api is not None
    owners: dict[str, set[str]] = defaultdict(set)
    for name, module in list(sys.modules.items()):
        if not name.startswith("anxiao.") or module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == name:
                owners[value.__name__].add(name)
    clashes = {n: sorted(m) for n, m in owners.items() if len(m) > 1}
    assert clashes == {}
