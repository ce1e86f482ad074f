"""Log-in throttling per account and per client address, trusted proxies, API token lifetime and revocation,
and the security headers."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from anxiao.accounts.models import ApiToken
from anxiao.core.middleware import client_ip
from anxiao.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, login, password="wrong", ip="10.1.1.1", **headers):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip, **headers)


@override_settings(LOGIN_FAILURE_LIMIT=4)
def test_failures_count_per_account_whatever_identifier_was_typed(client, world):
    # given the account's user name in any case and the mobile of its person
    world.people["a1_teacher"].mobile = "13900001234"
    world.people["a1_teacher"].save()
    # when four wrong passwords come under four spellings, from four addresses
    for n, login in enumerate(["school_member", "SCHOOL_MEMBER", "13900001234", " School_Member "]):
        _login(client, login, ip=f"10.1.1.{n}")
    # then the account is locked, whatever is typed and from wherever
    response = _login(client, "13900001234", PASSWORD, ip="10.9.9.9")
    assert "登录失败次数过多" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=3)
def test_one_address_is_not_locked_for_the_known_accounts_behind_it(client, world):
    # given a county office behind one address where three people mistype their own passwords
    for name in ("school_member", "school_admin", "bureau_viewer"):
        _login(client, name)
    # then a fourth colleague still logs in from it
    assert _login(client, "bureau_admin", PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=3)
def test_an_address_guessing_unknown_names_is_locked_for_unknown_names(client, world):
    for n in range(3):
        _login(client, f"nobody{n}")
    assert "登录失败次数过多" in _login(client, "nobody9").content.decode()
    # a wrong password for a real account gets the same answer there (no oracle for which names exist)
    assert "登录失败次数过多" in _login(client, "school_member").content.decode()
    # but a real account with its right password still gets in
    assert _login(client, "school_admin", PASSWORD).status_code == 302
    # and another address is not affected
    assert "登录失败次数过多" not in _login(client, "nobody9", ip="10.2.2.2").content.decode()


def test_the_client_address_honours_trusted_proxies_only(rf, settings):
    settings.ANXIAO_TRUSTED_PROXIES = ["10.0.0.1", "172.16.0.0/12"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.7, 172.16.3.4")
    assert client_ip(request) == "203.0.113.7"
    # a client that is not a trusted proxy cannot choose its address
    request = rf.get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "198.51.100.2"
    settings.ANXIAO_TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="garbage")
    settings.ANXIAO_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request) == "10.0.0.1"


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ADDRESS_FAILURE_LIMIT=3, ANXIAO_TRUSTED_PROXIES=["10.0.0.1"])
def test_the_address_lock_applies_to_the_real_client_behind_the_proxy(client, world):
    for n in range(3):
        _login(client, f"nobody{n}", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert "登录失败次数过多" in _login(client, "x", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").content.decode()
    assert "登录失败次数过多" not in _login(client, "x", ip="10.0.0.1",
                                          HTTP_X_FORWARDED_FOR="203.0.113.8").content.decode()


def _token(client, role="school_admin"):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/auth/token", {"username": role, "password": PASSWORD},
                           content_type="application/json")
    return response.json()["token"]


def _get(client, raw, url="/api/v1/units"):  # type: ignore[no-untyped-def]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_tokens_expire(client, world, settings):
    settings.API_TOKEN_DAYS = 30
    raw = _token(client)
    token = ApiToken.objects.get()
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert _get(client, raw).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _get(client, raw).status_code == 401


def test_tokens_are_revoked_on_password_change_and_deactivation(client, world):
    raw = _token(client, "school_admin")
    user = world.users["school_admin"]
    user.set_password("Another-pass-2027")
    user.save()
    assert _get(client, raw).status_code == 401
    raw = _token(client, "school_member")
    member = world.users["school_member"]
    member.is_active = False
    member.save()
    assert _get(client, raw).status_code == 401
    assert ApiToken.objects.filter(user=member, revoked_at__isnull=False).exists()


def test_the_password_page_revokes_tokens(client, world):
    raw = _token(client, "school_admin")
    client.force_login(world.users["school_admin"])
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Another-pass-2027",
                                                  "new_password2": "Another-pass-2027"})
    assert response.status_code == 302
    client.logout()  # the session would otherwise answer for the token
    assert _get(client, raw).status_code == 401


def test_owners_list_and_revoke_their_tokens(client, world):
    raw = _token(client, "school_admin")
    other = _token(client, "school_admin")
    listed = _get(client, raw, "/api/v1/auth/tokens").json()
    assert len(listed) == 2 and {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"} <= set(listed[0])
    assert all("key_hash" not in t for t in listed)
    victim = next(t for t in listed if other.startswith(t["prefix"]) and t["prefix"] != raw[:8]) \
        if raw[:8] != other[:8] else listed[0]
    response = client.post(f"/api/v1/auth/tokens/{victim['id']}/revoke", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_an_admin_revokes_the_tokens_of_accounts_below_it_and_nobody_else_does(client, world):
    _token(client, "school_member")
    member_token = ApiToken.objects.get(user=world.users["school_member"])
    # a peer's or a stranger's tokens are not theirs to see (answered as missing)
    for role in ("outsider", "bureau_viewer"):
        raw = _token(client, role)
        assert client.post(f"/api/v1/auth/tokens/{member_token.pk}/revoke",
                           HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
        assert _get(client, raw, f"/api/v1/auth/tokens?user_id={world.users['school_member'].pk}").status_code == 404
    # the school admin above the member lists and revokes them
    raw = _token(client, "school_admin")
    listed = _get(client, raw, f"/api/v1/auth/tokens?user_id={world.users['school_member'].pk}").json()
    assert [t["id"] for t in listed] == [member_token.pk]
    assert client.post(f"/api/v1/auth/tokens/{member_token.pk}/revoke",
                       HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    member_token.refresh_from_db()
    assert member_token.revoked_at is not None


def test_pages_carry_a_content_security_policy(client, world):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_hsts_preload_is_off_by_default():
    import os
    import subprocess
    import sys

    env = {**os.environ, "ANXIAO_ENV": "production", "ANXIAO_SECRET_KEY": "x" * 60, "ANXIAO_ALLOWED_HOSTS": "a.b"}
    env.pop("ANXIAO_HSTS_PRELOAD", None)
    out = subprocess.run([sys.executable, "-c", "from django.conf import settings; import django; django.setup();"
                          "print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS > 0)"],
                         env={**env, "DJANGO_SETTINGS_MODULE": "anxiao.settings"}, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_the_api_docs_load_nothing_from_outside(client):
    import re

    page = client.get("/api/v1/docs").content.decode()
    assert not [u for u in re.findall(r'(?:src|href)="([^"]+)"', page) if u.startswith(("http:", "https:", "//"))]


def test_token_ids_out_of_range_are_missing_tokens(client, world):
    raw = _token(client, "school_admin")
    assert _get(client, raw, f"/api/v1/auth/tokens?user_id={2**63}").status_code == 404
    assert client.post(f"/api/v1/auth/tokens/{2**63}/revoke", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
