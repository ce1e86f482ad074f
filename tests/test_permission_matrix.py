"""Every URL and API operation, for every role, inside and outside its scope.

Each app lists its URLs in ``anxiao/<app>/tests/matrix.py`` (a list ``CASES``); this file runs
them all and fails when a URL or an API operation has no row. One test per URL: the world is built
once, and each role's request runs inside a savepoint that is rolled back, so roles do not see each
other's writes.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from anxiao.accounts.models import ApiToken
from anxiao.core.testing import ROLES, VISIBLE, Case

EXEMPT = {
    "accounts:login": "the log-in page itself, open to everyone",
    "accounts:logout": "POST only, ends the session",
    "accounts:forgot": "self-service reset, open to everyone; same answer for every account (test_self_service_reset)",
    "accounts:forgot_code": "self-service reset with the SMS code, open to everyone (test_self_service_reset)",
    "accounts:reset_confirm": "the e-mail link's page, guarded by its token (test_self_service_reset)",
    "api:api-root": "ninja's root, no data",
    "api:openapi-json": "the schema, public by design",
    "api:openapi-view": "interactive docs, public by design",
    "api:issue_token": "log-in endpoint, tested in accounts tests",
}


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("anxiao."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tests.matrix")
        except ModuleNotFoundError as exc:
            if exc.name in (f"{app.name}.tests", f"{app.name}.tests.matrix"):
                continue
            raise
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def _url_names(resolver: URLResolver | None = None, ns: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            names |= _url_names(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{ns}{p.name}")
    return names


def _api_operations() -> set[str]:
    from anxiao.api import api

    schema = api.get_openapi_schema()
    ops = set()
    for methods in schema["paths"].values():
        for op in methods.values():
            ops.add(f"api:{op['operationId']}")
    return ops


def test_every_url_and_operation_has_a_row() -> None:
    covered = {c.name for c in CASES}
    web = {n for n in _url_names() if not n.startswith("api:")}
    missing = sorted((web | _api_operations()) - covered - set(EXEMPT))
    assert not missing, f"URLs / API operations without a permission-matrix row: {missing}"


def _request(case: Case, url: str, body: Any, world: Any, role: str | None) -> Any:
    client = Client()
    headers = {}
    if role is not None:
        if case.api:
            _token, raw = ApiToken.issue(world.users[role])
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        else:
            client.force_login(world.users[role])
    method = getattr(client, case.method)
    if body is not None:
        if case.api:
            return method(url, data=json.dumps(body, default=str), content_type="application/json", **headers)
        return method(url, data=body, **headers)
    return method(url, **headers)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.name}[{c.method}]" for c in CASES])
def test_matrix(case: Case, world: Any) -> None:
    # given a record in a known place (made before any role acts)
    url = case.url(world)
    body = case.data(world) if case.data is not None else None
    failures = []
    for role in [None, *ROLES]:
        # when each role calls the URL (its writes rolled back before the next role)
        savepoint = transaction.savepoint()
        try:
            response = _request(case, url, body, world, role)
            # then the status follows from the role's scope
            expected = case.expected(role)
            if response.status_code != expected:
                failures.append(f"{role}: expected {expected}, got {response.status_code}: {response.content[:200]!r}")
            elif role is not None and case.markers and response.status_code == 200:
                text = json.dumps(response.json(), ensure_ascii=False) if case.api else response.content.decode()
                for target, marker in case.markers.items():
                    if (marker(world) in text) != (role in VISIBLE[target]):
                        failures.append(f"{role}: record in {target} wrongly {'shown' if role not in VISIBLE[target] else 'hidden'}")
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not failures, f"{case.name} {url}\n" + "\n".join(failures)
