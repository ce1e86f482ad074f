"""Self-service password reset: a link by e-mail (Django's e-mail backend) or a code by SMS through the configured
HTTP gateway (a local HTTP server here). The same answer for unknown accounts, throttled, audited, expiring."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator

from anxiao.accounts import actions
from anxiao.accounts.models import User
from anxiao.core.models import AuditLog
from anxiao.core.testing import refused
from anxiao.notifications.actions import deliver_due
from anxiao.notifications.tests.test_notifications import FakeRobot
from anxiao.org.models import Person

pytestmark = pytest.mark.django_db
NEW = "Xin-mima-2026"


def _answer(response) -> str:  # type: ignore[no-untyped-def]
    text = response.content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "", text)  # the CSRF tokens (form field and htmx header) differ per request


def _reset_events(user: User, key: str) -> list[list[str]]:
    return [e.changes[key] for e in AuditLog.objects.filter(object_id=str(user.pk)) if key in (e.changes or {})]


def test_an_email_link_resets_the_password_once_and_unknown_accounts_get_the_same_answer(world, client,
                                                                                        mailoutbox) -> None:
    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(email="teacher@school.example.cn")
    known = client.post("/accounts/forgot/", {"login": "school_member", "channel": "email"})
    unknown = client.post("/accounts/forgot/", {"login": "nobody-here", "channel": "email"})
    deliver_due()  # the worker sends
    assert known.status_code == unknown.status_code == 200
    assert _answer(known).replace("school_member", "X") == _answer(unknown).replace("nobody-here", "X")
    assert "重设密码的信息已发送" in _answer(known)
    (mail,) = mailoutbox
    assert mail.to == ["teacher@school.example.cn"]
    link = re.search(r"https?://[^\s]+/accounts/reset/[^\s]+/", mail.body).group(0)  # type: ignore[union-attr]
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert _reset_events(member, "password_reset_sent") == [["", "电子邮件"]]
    assert _reset_events(member, "password_reset_by") == [["", "电子邮件"]]
    # the link works once
    again = client.get("/" + path, follow=True)
    assert "链接无效" in again.content.decode()


def test_an_email_link_expires(world, client, mailoutbox, settings, monkeypatch) -> None:
    member = world.users["school_member"]
    User.objects.filter(pk=member.pk).update(email="m@school.example.cn")
    client.post("/accounts/forgot/", {"login": "school_member", "channel": "email"})
    deliver_due()
    path = re.search(r"/accounts/reset/[^\s]+/", mailoutbox[0].body).group(0)  # type: ignore[union-attr]
    later = PasswordResetTokenGenerator._now(PasswordResetTokenGenerator())  # type: ignore[attr-defined]
    import datetime

    monkeypatch.setattr(PasswordResetTokenGenerator, "_now",
                        lambda self: later + datetime.timedelta(minutes=settings.PASSWORD_RESET_MINUTES + 1))
    assert "链接无效" in client.get(path, follow=True).content.decode()


def test_an_sms_code_from_the_gateway_resets_the_password_and_expires(world, client, settings) -> None:
    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(mobile="13900000001")
    with FakeRobot() as gateway:
        settings.SMS_URL = gateway.url
        settings.SMS_TEMPLATE = '{"phone": "{mobile}", "params": ["{code}", "{minutes}"], "sign": "安校"}'
        answer = client.post("/accounts/forgot/", {"login": "13900000001", "channel": "sms"})
        nobody = client.post("/accounts/forgot/", {"login": "13900000009", "channel": "sms"})
        deliver_due()
        assert _answer(answer).replace("13900000001", "X") == _answer(nobody).replace("13900000009", "X")
        (sent,) = gateway.received
    assert sent["phone"] == "13900000001" and sent["sign"] == "安校" and sent["params"][1] == "30"
    code = sent["params"][0]
    assert re.fullmatch(r"\d{6}", code)
    # an expired code, a wrong code and an unknown account get the same answer
    with refused("code") as expired:
        actions.reset_with_code(None, "13900000001", code, NEW, at=time.time() + 31 * 60)
    with refused("code") as unknown:
        actions.reset_with_code(None, "13900000009", code, NEW)
    assert str(expired.value) == str(unknown.value)
    wrong = client.post("/accounts/forgot/code/", {"login": "13900000001", "code": "000000" if code != "000000"
                                                   else "111111", "new_password1": NEW, "new_password2": NEW})
    assert actions.CODE_WRONG in wrong.content.decode()
    ok = client.post("/accounts/forgot/code/", {"login": "13900000001", "code": code, "new_password1": NEW,
                                                "new_password2": NEW})
    assert ok.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW) and _reset_events(member, "password_reset_by") == [["", "短信"]]
    # the code was for the old password: it does not work twice
    with refused("code"):
        actions.reset_with_code(None, "13900000001", code, "Another-pass-77")


def test_requests_and_codes_are_throttled(world, client, settings) -> None:
    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(mobile="13900000001")
    with FakeRobot() as gateway:
        settings.SMS_URL = gateway.url
        for _ in range(settings.PASSWORD_RESET_REQUEST_LIMIT + 2):
            response = client.post("/accounts/forgot/", {"login": "13900000001", "channel": "sms"})
            assert "重设密码的信息已发送" in response.content.decode()
        deliver_due()
        assert len(gateway.received) == settings.PASSWORD_RESET_REQUEST_LIMIT
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        with refused("code"):
            actions.reset_with_code(None, "13900000001", "999999x", NEW)
    with pytest.raises(actions.LoginLocked):
        actions.reset_with_code(None, "13900000001", gateway.received[0]["text"][8:14], NEW)


def test_without_a_gateway_sms_is_not_offered(world, client, settings) -> None:
    settings.SMS_URL = ""
    page = client.get("/accounts/forgot/").content.decode()
    assert "电子邮件" in page and "短信" not in page
    assert client.get("/accounts/login/").content.decode().count("/accounts/forgot/") == 1


def _statements(queries) -> list[str]:  # type: ignore[no-untyped-def]
    """The SQL run, with the values taken out (quoted text, numbers, NULL): what work was done, not on what."""
    shapes = []
    for q in queries:
        sql = re.sub(r'"s\d+_x\d+"', "savepoint", q["sql"])
        sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
        sql = re.sub(r"\b(NULL|TRUE|FALSE|\d+(\.\d+)?)\b", "?", sql, flags=re.IGNORECASE)
        shapes.append(sql)
    return shapes


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_known_and_unknown_accounts_cost_the_request_the_same_and_the_worker_sends(world, client, settings,
                                                                                 mailoutbox, channel) -> None:
    """Sending inside the request made an existing account's answer measurably slower (mail server or SMS
    gateway round trip): the request only queues; the worker's outbox sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(email="teacher@school.example.cn", mobile="13900000001")
    login = {"email": "school_member", "sms": "13900000001"}[channel]
    with FakeRobot() as gateway:
        settings.SMS_URL = gateway.url
        client.get("/accounts/forgot/")  # session and CSRF set up alike for both posts
        with CaptureQueriesContext(connection) as known:
            client.post("/accounts/forgot/", {"login": login, "channel": channel})
        with CaptureQueriesContext(connection) as unknown:
            client.post("/accounts/forgot/", {"login": "nobody-here", "channel": channel})
        # nothing left the site while the visitor waited
        assert mailoutbox == [] and gateway.received == []
        assert _statements(known.captured_queries) == _statements(unknown.captured_queries)
        assert _reset_events(member, "password_reset_sent") == []
        deliver_due()
    sent = mailoutbox if channel == "email" else gateway.received
    assert len(sent) == 1
    assert _reset_events(member, "password_reset_sent") == [["", actions.RESET_CHANNELS[channel]]]
    from anxiao.notifications.models import Outbox

    assert not Outbox.objects.filter(user=None).exists()  # the unknown account's request queued nothing to keep


def test_a_reset_the_worker_reaches_too_late_is_dropped_unsent(world, client, settings, mailoutbox) -> None:
    import datetime

    from django.utils import timezone

    from anxiao.notifications.models import Outbox

    member = world.users["school_member"]
    Person.objects.filter(pk=member.person_id).update(email="teacher@school.example.cn")
    client.post("/accounts/forgot/", {"login": "school_member", "channel": "email"})
    (row,) = Outbox.objects.all()
    assert row.user == member and row.body == "" and "reset" not in row.url  # no link or code waits in the table
    Outbox.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=settings.PASSWORD_RESET_MINUTES + 1))
    deliver_due()
    assert mailoutbox == [] and not Outbox.objects.exists()
    assert _reset_events(member, "password_reset_sent") == []
