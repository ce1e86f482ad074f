"""Issue 15: property-based requests over the whole OpenAPI document (schemathesis), as a bureau admin and as a
school admin. Any 5xx, or a response that does not match its documented schema, fails the test.

Bounded: ``ANXIAO_FUZZ_EXAMPLES`` examples per operation (default 3) and ``ANXIAO_FUZZ_SECONDS`` per token
(default 60; the whole API takes about that at 3 examples on an idle machine); operations not reached within the time are listed in the output.

Invalid input too: a third pass, as the bureau admin, sends schemathesis' negative data (bodies, queries and path
parameters that break the documented schema: wrong types, missing fields, out-of-range numbers, strings for ids)
and fails on any 5xx — every bad input must be a 4xx in Chinese (core.validation, core.api). Bounded by
``ANXIAO_FUZZ_NEGATIVE_EXAMPLES`` (default 2) per operation and ``ANXIAO_FUZZ_NEGATIVE_SECONDS`` (default 45)."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ANXIAO_FUZZ_EXAMPLES", "3"))
SECONDS = float(os.environ.get("ANXIAO_FUZZ_SECONDS", "60"))
NEGATIVE_EXAMPLES = int(os.environ.get("ANXIAO_FUZZ_NEGATIVE_EXAMPLES", "2"))
NEGATIVE_SECONDS = float(os.environ.get("ANXIAO_FUZZ_NEGATIVE_SECONDS", "45"))
# The positive passes check the documented response schemas, which do not depend on the database: they run in
# the SQLite pass of `make test` only (one_pass). The negative pass runs on both: PostgreSQL refuses input SQLite
# takes (a NUL byte in text), so a 500 may hide on either backend.
PASSES = [pytest.param("bureau_admin", "positive", marks=pytest.mark.one_pass, id="bureau_admin-positive"),
          pytest.param("school_admin", "positive", marks=pytest.mark.one_pass, id="school_admin-positive"),
          pytest.param("bureau_admin", "negative", id="bureau_admin-negative")]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request's end must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema():  # type: ignore[no-untyped-def]
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.mark.parametrize(("role", "mode"), PASSES)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_body(world, role, mode, settings):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    negative = mode == "negative"
    examples, seconds = (NEGATIVE_EXAMPLES, NEGATIVE_SECONDS) if negative else (EXAMPLES, SECONDS)
    # Invalid input is refused with a 4xx whose body need not be the success schema: only no 5xx is checked.
    checks = [not_a_server_error] if negative else [not_a_server_error, response_schema_conformance]

    from anxiao.accounts.models import ApiToken

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    _token, raw = ApiToken.issue(world.users[role])
    headers = {"Authorization": f"Bearer {raw}"}
    schema = _schema()
    failures: list[str] = []
    skipped: list[str] = []
    statuses: dict[int, int] = {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if time.monotonic() - started > seconds:
            skipped.append(label)
            continue
        if operation.path.startswith("/api/v1/auth/"):
            continue  # log-in throttling has its own tests

        @hsettings(max_examples=examples, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(GenerationMode.NEGATIVE if negative else GenerationMode.POSITIVE))
        def check(case):  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=headers, checks=checks)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then fail once
            failures.append(f"{label}: {str(exc)[:600]}")
    print(f"{role} {mode}: responses by status {dict(sorted(statuses.items()))}")
    if skipped:
        print(f"not reached within {seconds:.0f} s: {len(skipped)} operations")
    assert not failures, "\n\n".join(failures)
