"""Group robots against a local HTTP server that checks what DingTalk and WeCom check: DingTalk's 加签
(timestamp within an hour, sign = base64 HMAC-SHA256 of "timestamp\\nsecret"), and the message format."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import pytest

from anxiao.notifications import actions
from anxiao.notifications.models import Outbox, OutboxStatus, WebhookEndpoint
from anxiao.notifications.tests.robots import FakeRobot

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


class SigningRobot(FakeRobot):
    """Answers like DingTalk: 310000 "sign not match" unless timestamp and sign are right for its secret."""

    def __init__(self, secret: str = "") -> None:
        super().__init__()
        self.secret = secret

    def answer(self, query: dict, body: Any) -> dict:
        if self.secret:
            stamp = query.get("timestamp", "0")
            expected = base64.b64encode(hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
            fresh = abs(int(stamp) - time.time() * 1000) < 3600 * 1000
            if not fresh or query.get("sign") != expected:
                return {"errcode": 310000, "errmsg": "sign not match"}
        self.received.append(body)
        return {"errcode": 0, "errmsg": "ok"}


def test_a_signed_dingtalk_robot_accepts_our_messages(world, settings) -> None:
    settings.BASE_URL = "https://anxiao.example.gov.cn"
    with SigningRobot(SECRET) as robot:
        actions.save_webhook(world.users["bureau_admin"], None, bureau=world.bureau_a, name="加签群", kind="dingtalk",
                             url=robot.url, secret=SECRET)
        actions.notify_webhooks(world.bureau_a, "隐患超期：新华中学", "消防通道堵塞，已超期 3 天", "/hazards/1/")
        assert actions.deliver_due() == (1, 0)
    (message,) = robot.received
    assert robot.queries[0]["access_token"] == "t"
    assert "[查看详情](https://anxiao.example.gov.cn/hazards/1/)" in message["markdown"]["text"]


def test_a_wrong_secret_is_refused_and_retried(world) -> None:
    with SigningRobot(SECRET) as robot:
        WebhookEndpoint.objects.create(bureau=world.bureau_a, name="错密钥", kind="dingtalk", url=robot.url,
                                       secret="SECwrong")
        actions.notify_webhooks(world.bureau_a, "督办", "内容")
        assert actions.deliver_due() == (0, 1)
    row = Outbox.objects.get()
    assert row.status == OutboxStatus.PENDING and "310000" in row.error and robot.received == []


def test_a_keyword_robot_and_a_wecom_robot_get_no_signature(world) -> None:
    with SigningRobot() as ding, SigningRobot() as wecom:
        WebhookEndpoint.objects.create(bureau=world.bureau_a, name="关键词", kind="dingtalk", url=ding.url)
        WebhookEndpoint.objects.create(bureau=world.bureau_a, name="企微", kind="wecom", url=wecom.url)
        actions.notify_webhooks(world.bureau_a, "安校提醒", "内容")
        assert actions.deliver_due() == (2, 0)
    assert "sign" not in ding.queries[0] and "sign" not in wecom.queries[0]
    assert wecom.received[0]["markdown"]["content"].startswith("### 安校提醒")


def test_secrets_are_checked_in_chinese(world) -> None:
    from django.core.exceptions import ValidationError

    admin = world.users["bureau_admin"]
    with pytest.raises(ValidationError) as wecom:
        actions.save_webhook(admin, None, bureau=world.bureau_a, name="企微", kind="wecom",
                             url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret="SECabc")
    assert "企业微信群机器人没有加签" in wecom.value.message_dict["secret"][0]
    with pytest.raises(ValidationError) as ding:
        actions.save_webhook(admin, None, bureau=world.bureau_a, name="钉钉", kind="dingtalk",
                             url="https://oapi.dingtalk.com/robot/send?access_token=x", secret="abc")
    assert "SEC 开头" in ding.value.message_dict["secret"][0]


def test_the_sign_matches_dingtalks_documented_example() -> None:
    # Computed independently: base64(HMAC-SHA256(b"SECtest", b"1577808000000\nSECtest")), URL-encoded.
    expected = base64.b64encode(hmac.new(b"SECtest", b"1577808000000\nSECtest", hashlib.sha256).digest()).decode()
    from urllib.parse import quote_plus

    assert actions.dingtalk_sign("SECtest", 1577808000000) == quote_plus(expected)
    hook = WebhookEndpoint(kind="dingtalk", url="https://oapi.dingtalk.com/robot/send?access_token=x", secret="SECtest")
    assert actions.signed_url(hook, 1577808000000).endswith(f"&timestamp=1577808000000&sign={quote_plus(expected)}")
