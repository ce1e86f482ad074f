"""Accounts for a whole county from the people import (role from the post, inside the importer's scope, a
temporary password changed at first log-in), and bulk disable of accounts (a selection, or the people who left)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from anxiao.accounts import actions
from anxiao.accounts.models import Grant, User
from anxiao.core.models import AuditLog
from anxiao.core.testing import refused
from anxiao.org import excel
from anxiao.org.models import Person

pytestmark = pytest.mark.django_db

HEADER = ["姓名*", "性别", "手机号", "所属单位*", "岗位类别", "岗位名称", "岗位所在单位", "班级", "账号", "账号角色"]


def _xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("people.xlsx", buf.getvalue())


def test_the_people_import_opens_accounts_with_roles_from_the_post_and_a_forced_change(world, client) -> None:
    upload = _xlsx([HEADER,
                    ["李雷", "男", "13912345678", "新华中学", "班主任", "", "", "七年级（3）班", "", ""],
                    ["韩梅梅", "女", "13912345679", "新华中学", "分管安全副校长（直接责任人）", "", "", "", "hanmm", ""]])
    result = excel.import_file(world.users["school_admin"], "people", upload, accounts=True)
    assert result.ok, result.errors
    opened = {a["username"]: a for a in result.accounts}
    assert set(opened) == {"13912345678", "hanmm"} and {a["row"] for a in result.accounts} == {2, 3}
    li, han = User.objects.get(username="13912345678"), User.objects.get(username="hanmm")
    assert li.person == Person.objects.get(mobile="13912345678") and li.must_change_password
    assert [(g.role, g.unit) for g in Grant.objects.filter(user=li)] == [("school_member", world.a1)]
    assert [(g.role, g.unit) for g in Grant.objects.filter(user=han)] == [("school_admin", world.a1)]
    # the temporary password works once, and the holder is sent to change it
    assert client.login(username="hanmm", password=opened["hanmm"]["password"])
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/password/" in response["Location"]
    assert AuditLog.objects.filter(object_id=str(li.pk), action="create").exists()


def test_a_role_above_the_importer_or_a_taken_username_rejects_the_whole_file(world) -> None:
    people_before = Person.objects.count()
    upload = _xlsx([HEADER,
                    ["李雷", "男", "13912345678", "新华中学", "班主任", "", "", "", "", ""],
                    ["王芳", "女", "13912345680", "新华中学", "教职工", "", "", "", "", "教育局管理员"],
                    ["赵强", "男", "13912345681", "新华中学", "教职工", "", "", "", "school_member", ""]])
    result = excel.import_file(world.users["school_admin"], "people", upload, accounts=True)
    assert not result.ok
    rows = {(e.row, e.column) for e in result.errors}
    assert (3, None) in rows or (3, "账号角色") in rows
    assert (4, "账号") in rows  # the username is taken
    assert all(e.row in (3, 4) for e in result.errors)
    assert Person.objects.count() == people_before and not User.objects.filter(username="13912345678").exists()
    assert result.accounts == []


def test_without_the_option_the_import_opens_no_account(world) -> None:
    upload = _xlsx([HEADER, ["李雷", "男", "13912345678", "新华中学", "班主任", "", "", "", "", ""]])
    result = excel.import_file(world.users["school_admin"], "people", upload)
    assert result.ok and result.accounts == [] and not User.objects.filter(username="13912345678").exists()


def test_bulk_disable_refuses_out_of_scope_ids_like_missing_ones_and_is_audited(world) -> None:
    admin = world.users["bureau_admin"]
    member, outsider = world.users["school_member"], world.users["outsider"]
    with refused("ids") as out_of_scope:
        actions.disable_accounts(admin, [member.pk, outsider.pk], "调离")
    with refused("ids") as missing:
        actions.disable_accounts(admin, [member.pk, 999999], "调离")
    assert (out_of_scope.value.message_dict["ids"][0].replace(str(outsider.pk), "N")
            == missing.value.message_dict["ids"][0].replace("999999", "N"))
    member.refresh_from_db()
    assert member.is_active  # all or nothing
    with refused("ids"):
        actions.disable_accounts(admin, [admin.pk], "调离")  # not oneself
    with refused("reason") as no_reason:
        actions.disable_accounts(admin, [member.pk], " ")
    assert "reason" in no_reason.value.message_dict
    actions.disable_accounts(admin, [member.pk, world.users["school_admin"].pk], "已调离本校")
    assert not User.objects.filter(pk__in=[member.pk, world.users["school_admin"].pk], is_active=True).exists()
    logged = AuditLog.objects.filter(object_id=str(member.pk), action="update")
    assert any((e.changes or {}).get("disabled_reason") == ["", "已调离本校"] for e in logged)
    assert any((e.changes or {}).get("is_active") == [True, False] for e in logged)


def test_the_accounts_of_people_who_left_are_disabled_from_the_page(world, as_user) -> None:
    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(is_active=False)
    assert list(actions.departed_accounts(world.users["school_admin"])) == [member]
    client = as_user("school_admin")
    page = client.get("/accounts/grants/")
    assert "已离职人员的账号" in page.content.decode()
    response = client.post("/accounts/disable/", {"departed": "1", "reason": "已离职"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    # a selection by id through the same page; an out-of-scope id answers with the field message
    response = client.post("/accounts/disable/", {"ids": [world.users["outsider"].pk], "reason": "调离"}, follow=True)
    assert response.redirect_chain == [("/accounts/grants/", 302)]  # flashed on the list (core.flash)
    assert "不存在或不可见" in response.content.decode()
    assert User.objects.get(pk=world.users["outsider"].pk).is_active


def _api(client, user, method: str, url: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(user)
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {raw}", **kwargs)


def test_the_people_import_api_opens_accounts_like_the_page(world, client) -> None:
    admin = world.users["school_admin"]
    upload = _xlsx([HEADER, ["李雷", "男", "13912345678", "新华中学", "班主任", "", "", "七年级（3）班", "", ""]])
    answer = _api(client, admin, "post", "/api/v1/people/import", data={"file": upload, "accounts": "true"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["created"] == 1 and answer["Cache-Control"] == "no-store"
    (opened,) = body["accounts"]
    assert opened["username"] == "13912345678" and opened["row"] == 2 and opened["role"] == "学校成员"
    li = User.objects.get(username="13912345678")
    assert li.must_change_password and li.check_password(opened["password"])
    assert [(g.role, g.unit) for g in Grant.objects.filter(user=li)] == [("school_member", world.a1)]
    created = AuditLog.objects.get(object_id=str(li.pk), action="create", content_type__model="user")
    assert created.via == "api" and created.actor == admin
    # a role above the importer: the whole file is refused, with the row and the column
    above = _xlsx([HEADER, ["王芳", "女", "13912345680", "新华中学", "教职工", "", "", "", "", "教育局管理员"]])
    refused_file = _api(client, admin, "post", "/api/v1/people/import", data={"file": above, "accounts": "true"})
    assert refused_file.status_code == 422
    assert {e["row"] for e in refused_file.json()["errors"]} == {2}
    assert not Person.objects.filter(mobile="13912345680").exists()
    # the same access as the page: a member (no write scope) is refused before the file is read
    member = _api(client, world.users["school_member"], "post", "/api/v1/people/import",
                  data={"file": _xlsx([HEADER]), "accounts": "true"})
    assert member.status_code == 403


def test_bulk_disable_over_the_api_is_the_page_s_action(world, client) -> None:
    import json

    admin, member = world.users["school_admin"], world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(is_active=False)  # the member's person left
    departed = _api(client, admin, "get", "/api/v1/accounts/departed")
    assert [a["id"] for a in departed.json()] == [member.pk]
    outsider = world.users["outsider"]
    refused_ids = _api(client, admin, "post", "/api/v1/accounts/disable", content_type="application/json",
                       data=json.dumps({"ids": [member.pk, outsider.pk], "reason": "已调离"}))
    assert refused_ids.status_code == 422
    assert refused_ids.json()["errors"] == [{"field": "ids", "message": f"编号为 {outsider.pk} 的账号不存在或不可见"}]
    no_reason = _api(client, admin, "post", "/api/v1/accounts/disable", content_type="application/json",
                     data=json.dumps({"departed": True}))
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    done = _api(client, admin, "post", "/api/v1/accounts/disable", content_type="application/json",
                data=json.dumps({"departed": True, "reason": "已调离本校"}))
    assert done.status_code == 200 and done.json() == {"disabled": [member.pk]}
    member.refresh_from_db()
    assert not member.is_active
    event = AuditLog.objects.get(object_id=str(member.pk), changes__has_key="disabled_reason")
    assert event.changes["disabled_reason"] == ["", "已调离本校"] and event.via == "api" and event.actor == admin
    assert _api(client, world.users["school_member"], "get", "/api/v1/accounts/departed").status_code == 401
    assert _api(client, world.users["bureau_viewer"], "get", "/api/v1/accounts/departed").status_code == 403
