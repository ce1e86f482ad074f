from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from anxiao.notifications import actions
from anxiao.notifications.models import Channel, Notification, Outbox, OutboxStatus, WebhookEndpoint
from anxiao.notifications.tests.robots import FakeRobot


def test_it_delivers_an_in_app_notice_once(world) -> None:
    # given a queued in-app notice for the school admin
    user = world.users["school_admin"]
    actions.enqueue(Channel.IN_APP, "即将到期：每月演练", "请在月底前完成", "/obligations/", user=user)
    # when two workers deliver in turn
    first = actions.deliver_due(worker="w1")
    second = actions.deliver_due(worker="w2")
    # then the notice is in the inbox once
    assert first == (1, 0) and second == (0, 0)
    assert Notification.objects.filter(user=user).count() == 1
    assert Outbox.objects.get().status == OutboxStatus.SENT


def test_it_claims_a_row_for_one_worker_only(world) -> None:
    # given one queued row
    actions.enqueue(Channel.IN_APP, "通知", user=world.users["school_admin"])
    # when two workers claim at the same moment
    mine = actions.claim(worker="w1")
    theirs = actions.claim(worker="w2")
    # then only the first gets it, and the second cannot deliver it
    assert len(mine) == 1 and theirs == []
    assert not actions.deliver(mine[0], worker="w2")
    assert actions.deliver(mine[0], worker="w1")


def test_it_queues_the_same_reminder_once(world) -> None:
    # given a reminder with a dedupe key
    user = world.users["school_admin"]
    # when it is queued twice
    first = actions.enqueue(Channel.IN_APP, "提醒", user=user, dedupe_key="occ1:reminded:app")
    again = actions.enqueue(Channel.IN_APP, "提醒", user=user, dedupe_key="occ1:reminded:app")
    # then one row exists
    assert first is not None and again is None
    assert Outbox.objects.count() == 1


def test_it_sends_email_to_a_person_with_an_address(world, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = world.people["a1_principal"]
    person.email = "principal@example.cn"
    person.save()
    actions.notify([person], "督办：未按期完成每月演练", "新华中学 三月演练未完成", "/obligations/")
    actions.deliver_due()
    assert [m.to for m in mail.outbox] == [["principal@example.cn"]]
    assert "督办" in mail.outbox[0].subject
    assert Notification.objects.filter(user=world.users["school_admin"]).count() == 1


@pytest.mark.parametrize("kind", ["dingtalk", "wecom"])
def test_it_posts_to_a_group_robot_in_its_format(world, kind) -> None:
    # given a group robot of bureau A on a local fake server
    with FakeRobot() as robot:
        hook = WebhookEndpoint.objects.create(bureau=world.bureau_a, name="安全办群", kind=kind, url=robot.url)
        # when an escalation is queued and delivered
        actions.notify_webhooks(world.bureau_a, "未按期完成：新华中学 每月演练", "三月演练未完成", "/obligations/")
        sent = actions.deliver_due()
    # then the robot received one markdown message in its own format
    assert sent == (1, 0)
    (message,) = robot.received
    assert message["msgtype"] == "markdown"
    if kind == "dingtalk":
        assert message["markdown"]["title"] == "未按期完成：新华中学 每月演练"
        assert "三月演练未完成" in message["markdown"]["text"]
    else:
        assert "三月演练未完成" in message["markdown"]["content"]
    assert hook.messages.get().status == OutboxStatus.SENT


def test_it_retries_when_the_robot_refuses(world) -> None:
    # given a robot that answers with an error code
    with FakeRobot({"errcode": 310000, "errmsg": "sign not match"}) as robot:
        WebhookEndpoint.objects.create(bureau=world.bureau_a, name="群", kind="dingtalk", url=robot.url)
        actions.notify_webhooks(world.bureau_a, "督办", "内容")
        sent = actions.deliver_due()
    # then the row is pending again, with the robot's message kept
    row = Outbox.objects.get()
    assert sent == (0, 1)
    assert row.status == OutboxStatus.PENDING and "310000" in row.error and row.attempts == 1


def test_it_runs_once_from_the_command_line(world) -> None:
    row = actions.enqueue(Channel.IN_APP, "通知", user=world.users["school_admin"])
    assert row is not None
    call_command("worker", "--once")
    # the day's jobs may queue their own alerts (late ledgers, say); every queued message is sent
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert not Outbox.objects.exclude(status=OutboxStatus.SENT).exists()


def test_it_shows_only_the_users_own_notifications(world, as_user) -> None:
    # given a notice for the school admin and one for the outsider
    Notification.objects.create(user=world.users["school_admin"], title="给校长的提醒")
    Notification.objects.create(user=world.users["outsider"], title="给别校的提醒")
    # when the school admin opens the inbox
    body = as_user("school_admin").get("/notifications/").content.decode()
    # then only their own notice is listed
    assert "给校长的提醒" in body and "给别校的提醒" not in body


def test_it_counts_unread_notices_in_the_bell(world, rf) -> None:
    from django.template import Context, Template

    Notification.objects.create(user=world.users["school_admin"], title="一")
    Notification.objects.create(user=world.users["school_admin"], title="二")
    request = rf.get("/")
    request.user = world.users["school_admin"]
    html = Template("{% load notifications %}{% bell %}").render(Context({"request": request}))
    assert "2 条未读" in html
    actions.mark_read(world.users["school_admin"])
    assert "0 条未读" in Template("{% load notifications %}{% bell %}").render(Context({"request": request}))


def test_a_bureau_adds_a_robot_on_the_web_and_sends_a_test_message(world, as_user) -> None:


    with FakeRobot() as robot:
        # given the bureau admin on the new-robot form
        client = as_user("bureau_admin")
        # when they save a WeCom robot with the fake robot's address and press the test button
        response = client.post("/notifications/webhooks/new/", {"bureau": world.bureau_a.pk, "name": "安全办企业微信群",
                                                                "kind": "wecom", "url": robot.url, "enabled": "on"})
        hook = WebhookEndpoint.objects.get(name="安全办企业微信群")
        assert response.status_code == 302
        page = client.get(f"/notifications/webhooks/{hook.pk}/").content.decode()
        response = client.post(f"/notifications/webhooks/{hook.pk}/test/", follow=True)
    # then the robot received one message in WeCom's format, the page says so, and the token is not shown
    assert len(robot.received) == 1 and robot.received[0]["msgtype"] == "markdown"
    assert "测试消息已发送" in response.content.decode()
    assert "access_token=t" not in page and "发送测试消息" in page


def test_a_failing_robot_says_why_on_the_page(world, as_user) -> None:


    with FakeRobot({"errcode": 310000, "errmsg": "keywords not in content"}) as robot:
        hook = WebhookEndpoint.objects.create(bureau=world.bureau_a, name="钉钉群", kind="dingtalk", url=robot.url)
        response = as_user("bureau_admin").post(f"/notifications/webhooks/{hook.pk}/test/", follow=True)
    assert "发送失败：群机器人返回错误 310000" in response.content.decode()


@pytest.mark.parametrize(("url", "message"), [
    ("oapi.dingtalk.com/robot/send?access_token=x", "地址应以 http:// 或 https:// 开头"),
    ("https://", "地址中缺少主机名"),
    ("https://oapi.dingtalk.com/robot/send?access token=x y", "地址格式不正确"),
    ("", "请填写群机器人的地址"),
])
def test_an_invalid_robot_address_is_refused_in_words(world, as_user, url, message) -> None:
    # when the bureau admin saves a robot with a bad address
    response = as_user("bureau_admin").post("/notifications/webhooks/new/", {
        "bureau": world.bureau_a.pk, "name": "群", "kind": "dingtalk", "url": url})
    # then the form is shown again with the reason on the address field, and nothing is saved


    assert response.status_code == 200 and message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
