from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from anxiao.accounts import actions
from anxiao.accounts.models import LoginFailure
from anxiao.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_by_username_or_mobile(client, world):
    world.people["a1_teacher"].mobile = "13900001234"
    world.people["a1_teacher"].save()
    response = client.post("/accounts/login/", {"login": "13900001234", "password": PASSWORD})
    assert response.status_code == 302
    client.logout()
    response = client.post("/accounts/login/", {"login": "school_member", "password": PASSWORD})
    assert response.status_code == 302


def test_it_says_in_chinese_when_credentials_are_wrong(client, world):
    response = client.post("/accounts/login/", {"login": "school_member", "password": "wrong"})
    assert "用户名/手机号或密码不正确" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_locks_after_repeated_failures(client, world):
    for _ in range(3):
        client.post("/accounts/login/", {"login": "school_member", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "school_member", "password": PASSWORD})
    assert "登录失败次数过多" in response.content.decode()
    assert LoginFailure.objects.count() == 3


def test_it_issues_an_api_token_and_uses_it(client, world):
    response = client.post("/api/v1/auth/token", {"username": "school_admin", "password": PASSWORD},
                           content_type="application/json")
    token = response.json()["token"]
    units = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [u["name"] for u in units["items"]] == ["新华中学"]
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_api_refuses_bad_input_in_chinese(client, world):
    from anxiao.accounts.models import ApiToken

    _t, raw = ApiToken.issue(world.users["school_admin"])
    response = client.post("/api/v1/people", {"name": "X", "unit_id": "abc"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "unit_id", "message": "应为整数"}
    response = client.post("/api/v1/people", {"name": "X", "unit_id": world.a1.pk, "mobile": "1"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and "手机号" in response.json()["detail"]


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_school_admin_cannot_grant_beyond_their_school(world):
    from django.core.exceptions import PermissionDenied

    from anxiao.org.models import Person

    person = Person.objects.create(name="新人", unit=world.a1)
    with pytest.raises(PermissionDenied):
        actions.create_account(world.users["school_admin"], person, "newbie", "Strong-pass-88", "bureau_admin",
                               region=world.county_a)
    user = actions.create_account(world.users["school_admin"], person, "newbie", "Strong-pass-88",
                                  "school_member", unit=world.a1)
    assert user.grants.get().unit == world.a1


def test_it_rejects_weak_passwords_in_chinese(world):
    from django.core.exceptions import ValidationError

    from anxiao.org.models import Person

    person = Person.objects.create(name="新人", unit=world.a1)
    with pytest.raises(ValidationError) as exc:
        actions.create_account(None, person, "weak", "12345678", "school_member", unit=world.a1)
    assert any("密码" in m for m in exc.value.error_dict["password"][0].messages)


def test_production_settings_pass_the_deploy_check():
    inherited = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env = {**inherited, "ANXIAO_ENV": "production", "ANXIAO_SECRET_KEY": "k" * 20 + "-production-secret-key-for-tests-0123456789",
           "ANXIAO_ALLOWED_HOSTS": "anxiao.example.gov.cn", "DATABASE_URL": "sqlite:////tmp/anxiao-deploy-check.sqlite3"}
    result = subprocess.run([sys.executable, "-m", "anxiao.manage", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret():
    env = {**os.environ, "ANXIAO_ENV": "production", "ANXIAO_SECRET_KEY": "", "ANXIAO_ALLOWED_HOSTS": "x"}
    result = subprocess.run([sys.executable, "-m", "anxiao.manage", "check"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "ANXIAO_SECRET_KEY" in result.stderr
