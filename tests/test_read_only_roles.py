"""A read-only role (the director's 教育局查看 grant) writes nothing, through any page or API operation.

Every URL and API operation the permission matrix lists is sent as a write — the matrix's own body for the
write rows, an empty form for the pages — by the read-only role, over a record it can see. Each must be
refused (403; 404 or 405 where the page takes no such request) and leave no audit row: every domain change
writes one (tests/test_actions_audited.py), so an unchanged log means nothing was stored.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from anxiao.accounts.models import ApiToken
from anxiao.core.access import OWN_ACCOUNT_VIEWS, PERSONAL_VIEWS
from anxiao.core.models import AuditAction, AuditLog
from anxiao.core.testing import alone
from tests.test_permission_matrix import CASES

READ_ONLY_ROLES = ["bureau_viewer"]

# The account's own housekeeping, not a change to anybody's records.
OWN_ACCOUNT = {
    "notifications:read_all": "marks the viewer's own messages read",
    "api:notifications_read": "marks the viewer's own message read",
    "api:tokens_revoke": "revokes a token (the viewer's own; another's answers 404)",
    "accounts:password": "the viewer's own password",
}
REFUSED = {403, 404, 405}


def _client(case: Any, world: Any, role: str) -> tuple[Client, dict[str, str]]:
    client = Client()
    if case.api:
        _token, raw = ApiToken.issue(world.users[role])
        return client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.force_login(world.users[role])
    return client, {}


def _send(case: Any, client: Client, headers: dict[str, str], url: str, body: Any) -> Any:
    method = case.method if case.method != "get" else "post"
    if case.api:
        return getattr(client, method)(url, data=json.dumps(body, default=str), content_type="application/json",
                                       **headers)
    return getattr(client, method)(url, data=body)


WRITES = [c for c in CASES if c.name not in OWN_ACCOUNT and (not c.api or c.method != "get")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_write_nothing(world: Any, role: str) -> None:
    failures = []
    for case in WRITES:
        with alone(world):
            url = case.url(world)  # the row's fixtures first: their audit rows are not the role's
            body = case.data(world) if case.data is not None else {}
            client, headers = _client(case, world, role)
            before = AuditLog.objects.exclude(action=AuditAction.LOGIN).count()
            response = _send(case, client, headers, url, body)
            written = AuditLog.objects.exclude(action=AuditAction.LOGIN).count() - before
            status = response.status_code
            # a person's own work (PERSONAL_VIEWS) reaches its action, which refuses another's record or
            # answers the form with its errors: nothing may be written either way
            if written or (status not in REFUSED and case.name not in PERSONAL_VIEWS):
                failures.append(f"{case.name} [{case.method}→{case.method if case.method != 'get' else 'post'}]: "
                                f"{status}, {written} audit rows: {getattr(response, 'content', b'')[:160]!r}")
    assert not failures, f"{role} wrote or was not refused:\n" + "\n".join(failures)


PAGES = [c for c in CASES if not c.api and c.method == "get"]
FORM = re.compile(r"<form\b[^>]*>", re.I)
METHOD = re.compile(r"""method\s*=\s*["']?post""", re.I)
ACTION = re.compile(r"""action\s*=\s*["']([^"']*)["']""", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_are_offered_no_write(world: Any, role: str) -> None:
    """No page shows a read-only account a form that changes something (it would only be refused)."""
    client = Client()
    client.force_login(world.users[role])
    failures = []
    for case in PAGES:
        with alone(world):
            url = case.url(world)
            response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for tag in FORM.findall(response.content.decode()):
            if not METHOD.search(tag):
                continue
            found = ACTION.search(tag)
            target = urlsplit(found.group(1) if found and found.group(1) else url).path
            try:
                name = resolve(target).view_name
            except Resolver404:
                name = target
            if name not in OWN_ACCOUNT_VIEWS and name not in PERSONAL_VIEWS:
                failures.append(f"{case.name} ({url}): a form posting to {name}")
    assert not failures, f"{role} is offered writes:\n" + "\n".join(sorted(set(failures)))


@pytest.mark.django_db
def test_the_director_with_a_read_only_grant_still_does_his_own_duties(world: Any) -> None:
    """The 局长 holds a read-only grant over the county and a post with its own duties: writing nothing for
    others must not stop him acknowledging his own list (web and API) — his record is what accountability reads."""
    from anxiao.responsibility.actions import _write_list, is_acknowledged

    # given the director's own current list and the teacher's
    own = _write_list(world.posts["bureau_head"], [{"category": "safety", "text": "全面负责全县教育系统安全工作"}],
                      None, "测试", edited=False)
    other = _write_list(world.posts["a1_teacher"], [{"category": "safety", "text": "负责本班学生安全教育"}],
                        None, "测试", edited=False)
    client = Client()
    client.force_login(world.users["bureau_viewer"])
    # when he acknowledges his own list, then it is recorded
    assert client.post(f"/responsibility/lists/{own.pk}/acknowledge/").status_code == 302
    assert is_acknowledged(own)
    # and the teacher's list is still refused to him, over the web and the API
    assert client.post(f"/responsibility/lists/{other.pk}/acknowledge/").status_code == 403
    _token, raw = ApiToken.issue(world.users["bureau_viewer"])
    response = client.post(f"/api/v1/responsibility-lists/{other.pk}/acknowledgement",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403 and not is_acknowledged(other)
