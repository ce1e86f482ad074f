"""Every URL and API operation, for every role, inside and outside its scope.

Each app lists its URLs in ``anxiao/<app>/tests/matrix.py`` (a list ``CASES``); this file runs
them all and fails when a URL or an API operation has no row.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from anxiao.accounts.models import ApiToken
from anxiao.core.testing import ROLES, Case

EXEMPT = {
    "accounts:login": "the log-in page itself, open to everyone",
    "accounts:logout": "POST only, ends the session",
    "set_language": "Django's language switch, no data",
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


def _request(client, case: Case, world, role: str | None):  # type: ignore[no-untyped-def]
    url = case.url(world)
    headers = {}
    if role is not None:
        if case.api:
            _token, raw = ApiToken.issue(world.users[role])
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        else:
            client.force_login(world.users[role])
    method = getattr(client, case.method)
    if case.data is not None:
        body = case.data(world)
        if case.api:
            return method(url, data=json.dumps(body), content_type="application/json", **headers)
        return method(url, data=body, **headers)
    return method(url, **headers)


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("case", CASES, ids=[f"{c.name}[{c.method}]" for c in CASES])
def test_matrix(case: Case, role: str | None, client, world) -> None:  # type: ignore[no-untyped-def]
    # given a record in a known place and a user with a known role
    # when the user calls the URL
    response = _request(client, case, world, role)
    # then the status follows from the role's scope
    expected = case.expected(role)
    assert response.status_code == expected, (
        f"{case.name} as {role}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )
    if role is not None and case.markers and response.status_code == 200:
        from anxiao.core.testing import VISIBLE

        body = response.content.decode()
        if case.api:
            body = json.dumps(response.json(), ensure_ascii=False)
        for target, marker in case.markers.items():
            assert (marker(world) in body) == (role in VISIBLE[target]), f"{case.name} as {role}: {target}"
