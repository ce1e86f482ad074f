"""The notifications app's rows in the permission matrix."""

from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case


def _hook(w):  # type: ignore[no-untyped-def]
    from anxiao.notifications.models import WebhookEndpoint

    if getattr(w, "webhook", None) is None:
        w.webhook = WebhookEndpoint.objects.create(bureau=w.bureau_a, name="安全办钉钉群", kind="dingtalk",
                                                   url="http://127.0.0.1:9/robot/send?access_token=secret")
    return w.webhook


BUREAU_WRITERS = {"sysadmin", "bureau_admin"}

def _url(name: str, with_pk: bool = False):  # type: ignore[no-untyped-def]
    if with_pk:
        return lambda w: reverse(f"notifications:{name}", args=[_hook(w).pk])
    return lambda w: _hook(w) and reverse(f"notifications:{name}")


CASES = [
    Case("notifications:webhook_list", _url("webhook_list"), markers={"bureau_a": lambda w: "安全办钉钉群"}),
    Case("notifications:webhook_create", _url("webhook_create"), kind="write"),
    Case("notifications:webhook_detail", _url("webhook_detail", True), target="bureau_a"),
    Case("notifications:webhook_edit", _url("webhook_edit", True), target="bureau_a", kind="write",
         writers=BUREAU_WRITERS),
    # Sends to 127.0.0.1:9 (nothing listens): the page says it failed and goes back to the robot.
    Case("notifications:webhook_test", _url("webhook_test", True), target="bureau_a", kind="write", method="post",
         data=lambda w: {}, ok=302, writers=BUREAU_WRITERS),
    # Everybody has their own inbox; nobody sees anyone else's.
    Case("notifications:inbox", lambda w: reverse("notifications:inbox")),
    Case("notifications:read_all", lambda w: reverse("notifications:read_all"), method="post", data=lambda w: {},
         ok=302),
    Case("api:notifications_list", lambda w: "/api/v1/notifications", api=True),
    Case("api:notifications_read", lambda w: "/api/v1/notifications/read", method="post", api=True,
         data=lambda w: {}),
    Case("api:webhooks_list", lambda w: _hook(w) and "/api/v1/webhooks", api=True,
         markers={"bureau_a": lambda w: "安全办钉钉群"}),
    Case("api:webhooks_get", lambda w: f"/api/v1/webhooks/{_hook(w).pk}", target="bureau_a", api=True),
    Case("api:webhooks_update", lambda w: f"/api/v1/webhooks/{_hook(w).pk}", target="bureau_a", kind="write",
         method="patch", api=True, data=lambda w: {"name": "安全办群"}),
    Case("api:webhooks_create", lambda w: "/api/v1/webhooks", target="bureau_a", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"bureau_id": w.bureau_a.pk, "name": "企业微信群", "kind": "wecom",
                         "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"}),
]


def _failed(w):  # type: ignore[no-untyped-def]
    from anxiao.notifications.models import Outbox, OutboxStatus

    if getattr(w, "failed_message", None) is None:
        w.failed_message = Outbox.objects.create(channel="in_app", title="失败的提醒", status=OutboxStatus.FAILED,
                                                 attempts=5, error="boom", user=w.users["school_admin"])
    return w.failed_message


# Messages of every bureau and channel: system administrators only.
CASES += [
    Case("notifications:outbox", lambda w: _failed(w) and reverse("notifications:outbox"), kind="write",
         writers={"sysadmin"}),
    Case("notifications:outbox_retry", lambda w: reverse("notifications:outbox_retry"), kind="write", method="post",
         data=lambda w: {"ids": [_failed(w).pk]}, ok=302, writers={"sysadmin"}),
]
