"""Queueing and delivering notifications. Apps queue with :func:`notify`; the worker delivers with :func:`deliver_due`.

Several workers may run at once: each claims rows before sending them. On PostgreSQL the claim
reads candidates with ``SELECT … FOR UPDATE SKIP LOCKED``; everywhere each row is claimed with a
conditional ``update()`` that must change exactly one row, so a row is sent once.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import (
    Channel,
    DailyRun,
    Notification,
    Outbox,
    OutboxStatus,
    WebhookEndpoint,
    WebhookKind,
    WorkerHeartbeat,
)

log = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5
WEBHOOK_TIMEOUT = 10
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"

# Periodic jobs other apps add (reminders, escalation); the worker runs them before delivering.
JOBS: list[Callable[[], Any]] = []


def register_job(job: Callable[[], Any]) -> None:
    if job not in JOBS:
        JOBS.append(job)


# Channels another app delivers (accounts: the password reset). The sender returns False when there turned out
# to be nothing to send (an unknown account): the row is dropped, not marked sent.
_SENDERS: dict[str, Callable[[Outbox], bool]] = {}


def register_sender(channel: str, sender: Callable[[Outbox], bool]) -> None:
    _SENDERS[channel] = sender


STARTED_AT = timezone.now()
DAILY_LEASE = datetime.timedelta(hours=2)


def job_name(job: Callable[[], Any]) -> str:
    return f"{job.__module__}.{job.__qualname__}"


def beat(worker: str = WORKER_ID, job: str = "") -> None:
    """The worker's heartbeat row (/readyz reads the newest)."""
    WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now(), "job": job[:100]},
                                             create_defaults={"beat_at": timezone.now(), "job": job[:100],
                                                              "started_at": STARTED_AT})


def between_jobs() -> None:
    """Drop connections a job broke or left too long (the worker is a long-lived process, not a request)."""
    from django.db import close_old_connections, connections

    if not any(c.in_atomic_block for c in connections.all()):
        close_old_connections()


def run_jobs(worker: str = WORKER_ID, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Run every registered job. One that raises is logged with its traceback and the others still run.
    Returns how many failed."""
    from anxiao.core.logs import request_id

    failures = 0
    for job in list(JOBS):
        if should_stop():
            break
        name = job_name(job)
        token = request_id.set(f"job:{name.rsplit('.', 2)[-2] if '.' in name else name}")
        try:
            beat(worker, name)
            job()
        except Exception:
            failures += 1
            log.exception("job %s failed", name)
            try:
                WorkerHeartbeat.objects.filter(worker=worker).update(failures=F("failures") + 1)
            except Exception:
                log.warning("could not count the failure of %s", name)
        finally:
            request_id.reset(token)
            between_jobs()
    return failures


def once_a_day(name: str, day: datetime.date, work: Callable[[], Any], worker: str = WORKER_ID) -> bool:
    """Run ``work`` once for (name, day) whatever the number of workers; True when this worker ran it.
    A claim whose worker died (unfinished after DAILY_LEASE) is taken over; a run that raises gives its claim
    back, so the next round tries again."""
    now = timezone.now()
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=name, day=day, worker=worker, started_at=now)
    except IntegrityError:
        taken = DailyRun.objects.filter(name=name, day=day, finished_at__isnull=True,
                                        started_at__lt=now - DAILY_LEASE).update(worker=worker, started_at=now)
        if not taken:
            return False
    try:
        work()
    except Exception:
        DailyRun.objects.filter(name=name, day=day, worker=worker, finished_at__isnull=True).delete()
        raise
    DailyRun.objects.filter(name=name, day=day, worker=worker).update(finished_at=timezone.now())
    return True


def enqueue(channel: str, title: str, body: str = "", url: str = "", *, user: Any = None, email: str = "",
            webhook: WebhookEndpoint | None = None, dedupe_key: str | None = None) -> Outbox | None:
    """Queue one message; a repeated ``dedupe_key`` queues nothing and returns None."""
    row = Outbox(channel=channel, title=title[:200], body=body, url=url[:300], user=user, email=email,
                 webhook=webhook, dedupe_key=dedupe_key[:200] if dedupe_key else None)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    return row


def notify(people: Iterable[Any], title: str, body: str = "", url: str = "", key: str = "") -> int:
    """Queue an in-app notice (and an e-mail where an address is known) for each person. Returns rows queued."""
    from anxiao.accounts.models import User

    people = [p for p in people if p is not None]
    users = {u.person_id: u for u in User.objects.filter(person__in=people, is_active=True)}
    queued = 0
    for person in {p.pk: p for p in people}.values():
        user = users.get(person.pk)
        if user is not None and enqueue(Channel.IN_APP, title, body, url, user=user,
                                        dedupe_key=f"{key}:app:{user.pk}" if key else None):
            queued += 1
        address = person.email or (user.email if user is not None else "")
        if address and not address.endswith(".invalid") and enqueue(
                Channel.EMAIL, title, body, url, user=user, email=address,
                dedupe_key=f"{key}:mail:{person.pk}" if key else None):
            queued += 1
    return queued


def notify_webhooks(bureau: Any, title: str, body: str, url: str = "", key: str = "") -> int:
    queued = 0
    for hook in WebhookEndpoint.objects.filter(bureau=bureau, enabled=True):
        if enqueue(Channel.WEBHOOK, title, body, url, webhook=hook, dedupe_key=f"{key}:hook:{hook.pk}" if key else None):
            queued += 1
    return queued


def alert(people: Iterable[Any], unit: Any, title: str, body: str = "", url: str = "", key: str = "") -> int:
    """An escalation: the people hear it (in-app, e-mail) and so do the group robots of the bureau over ``unit``.
    Every alert kind goes through here (obligations, hazards, incident clocks, agency tasks)."""
    from anxiao.obligations.actions import bureau_for

    queued = notify(people, title, body, url, key)
    bureau = bureau_for(unit) if unit is not None else None
    if bureau is not None:
        queued += notify_webhooks(bureau, title, body, url, key)
    return queued


# --- delivery ------------------------------------------------------------------------------------------


def _due_q(now: datetime.datetime) -> Q:
    # A row left "sending" by a worker that died is taken again once its lease runs out.
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(status=OutboxStatus.SENDING,
                                                                        claimed_until__lt=now)


def claim(limit: int = 50, worker: str = WORKER_ID, now: datetime.datetime | None = None) -> list[int]:
    """Claim up to ``limit`` due rows for this worker; returns their ids."""
    now = now or timezone.now()
    claimed_values = {"status": OutboxStatus.SENDING, "claimed_until": now + LEASE, "claimed_by": worker,
                      "attempts": F("attempts") + 1}
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(Outbox.objects.select_for_update(skip_locked=True).filter(_due_q(now)).order_by("pk")
                       .values_list("pk", flat=True)[:limit])
            Outbox.objects.filter(pk__in=ids).update(**claimed_values)
        return ids
    ids = []
    for pk, status, attempts in (Outbox.objects.filter(_due_q(now)).order_by("pk")
                                 .values_list("pk", "status", "attempts")[:limit]):
        # Exactly one row changes only if nobody claimed it since we read it.
        changed = Outbox.objects.filter(_due_q(now), pk=pk, status=status, attempts=attempts).update(**claimed_values)
        if changed == 1:
            ids.append(pk)
    return ids


def webhook_payload(kind: str, title: str, body: str, url: str = "") -> dict[str, Any]:
    """The robots' JSON message formats (markdown)."""
    link = f"\n\n[查看详情]({url})" if url else ""
    text = f"### {title}\n\n{body}{link}"
    if kind == WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _absolute(url: str) -> str:
    from anxiao.core.links import absolute_url

    return absolute_url(url)


def _send(row: Outbox) -> bool:
    """Send one row; False when there was nothing to send (the row is dropped)."""
    if row.channel in _SENDERS:
        return _SENDERS[row.channel](row)
    if row.channel == Channel.IN_APP:
        if row.user_id is None:
            raise ValueError("站内通知没有接收人")
        Notification.objects.create(user_id=row.user_id, title=row.title, body=row.body, url=row.url)
    elif row.channel == Channel.EMAIL:
        link = f"\n\n{_absolute(row.url)}" if row.url else ""
        send_mail(f"[安校] {row.title}", f"{row.body}{link}", None, [row.email])
    elif row.channel == Channel.WEBHOOK:
        hook = row.webhook
        if hook is None or not hook.enabled:
            raise ValueError("群机器人已删除或停用")
        post_webhook(hook, row.title, row.body, row.url)
    else:
        raise ValueError(f"未知渠道 {row.channel}")
    return True


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg="{timestamp}\n{secret}")), URL-encoded."""
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(hook: WebhookEndpoint, now_ms: int | None = None) -> str:
    """The robot's address; for a DingTalk robot with a secret, with ``timestamp`` and ``sign`` added."""
    import time

    if hook.kind != WebhookKind.DINGTALK or not hook.secret:
        return hook.url
    stamp = now_ms if now_ms is not None else int(time.time() * 1000)
    return f"{hook.url}{'&' if '?' in hook.url else '?'}timestamp={stamp}&sign={dingtalk_sign(hook.secret, stamp)}"


def post_webhook(hook: WebhookEndpoint, title: str, body: str, url: str = "") -> None:
    """Send one message to a group robot in its JSON format; raises on a network error or a robot's error code."""
    data = json.dumps(webhook_payload(hook.kind, title, body, _absolute(url)), ensure_ascii=False).encode()
    request = urllib.request.Request(signed_url(hook), data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 - configured URL
        try:
            answer = json.loads(response.read() or b"{}")
        except ValueError:
            raise ValueError("群机器人的回复不是 JSON，请检查地址")
    if answer.get("errcode", 0) != 0:
        raise ValueError(f"群机器人返回错误 {answer.get('errcode')}：{answer.get('errmsg', '')}")


# --- group robots -----------------------------------------------------------------------------------------


def _check_webhook_url(url: str) -> str | None:
    from urllib.parse import urlsplit

    from django.core.validators import URLValidator

    url = (url or "").strip()
    if not url:
        return "请填写群机器人的地址"
    if not url.startswith(("http://", "https://")):
        return "地址应以 http:// 或 https:// 开头（在钉钉或企业微信的群机器人设置中复制 Webhook 地址）"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except DjangoValidationError:
        if not urlsplit(url).hostname:
            return "地址中缺少主机名"
        return "地址格式不正确（含空格或非法字符），请重新复制群机器人的 Webhook 地址"
    return None


def save_webhook(actor: Any, hook: WebhookEndpoint | None, **data: Any) -> WebhookEndpoint:
    """Add or change a bureau's DingTalk / WeCom group robot."""
    from anxiao.core.access import require_write
    from anxiao.core.choices import UnitKind

    hook = hook or WebhookEndpoint()
    if hook.pk:
        require_write(actor, hook.bureau)
    for key, value in data.items():
        setattr(hook, key, value.strip() if key in ("url", "name", "secret") and isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    if hook.kind not in WebhookKind.values:
        errors["kind"] = ["类型应为 dingtalk（钉钉）或 wecom（企业微信）"]
    problem = _check_webhook_url(hook.url)
    if problem:
        errors["url"] = [problem]
    if hook.secret and hook.kind == WebhookKind.WECOM:
        errors["secret"] = ["企业微信群机器人没有加签，请留空"]
    elif hook.secret and not hook.secret.startswith("SEC"):
        errors["secret"] = ["钉钉加签密钥以 SEC 开头，请在机器人的安全设置中复制"]
    if not hook.name:
        errors["name"] = ["请填写名称"]
    if not hook.bureau_id:
        errors["bureau"] = ["请选择教育局"]
    elif hook.bureau.kind != UnitKind.BUREAU:
        errors["bureau"] = ["群机器人只能设在教育局"]
    if errors:
        raise DjangoValidationError(errors)
    require_write(actor, hook.bureau)
    hook.full_clean()
    hook.save()
    return hook


def send_test(actor: Any, hook: WebhookEndpoint) -> None:
    """Send a test message now (not through the outbox), so the bureau sees at once whether the robot works."""
    from anxiao.core.access import require_write

    require_write(actor, hook.bureau)
    if not hook.enabled:
        raise DjangoValidationError({"enabled": ["群机器人已停用，启用后再测试"]})
    try:
        post_webhook(hook, "安校测试消息", f"这是来自安校的测试消息：{hook.bureau} 的“{hook.name}”已可接收提醒。")
    except (OSError, ValueError, urllib.error.URLError) as exc:
        raise DjangoValidationError({"url": [f"发送失败：{exc}"]})


def deliver(pk: int, worker: str = WORKER_ID) -> bool:
    row = Outbox.objects.select_related("webhook").filter(pk=pk, status=OutboxStatus.SENDING,
                                                          claimed_by=worker).first()
    if row is None:
        return False
    try:
        sent = _send(row)
    except Exception as exc:  # one bad message never stops the others: it is retried, then marked failed
        if not isinstance(exc, OSError | ValueError | urllib.error.URLError):
            log.exception("outbox %s: unexpected error", pk)
        failed = row.attempts >= MAX_ATTEMPTS
        backoff = datetime.timedelta(minutes=2 ** row.attempts)
        Outbox.objects.filter(pk=pk, claimed_by=worker).update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING, error=str(exc)[:2000],
            next_attempt_at=timezone.now() + backoff, claimed_until=None)
        log.warning("outbox %s: %s", pk, exc)
        return False
    if not sent:
        Outbox.objects.filter(pk=pk, claimed_by=worker).delete()
        return True
    Outbox.objects.filter(pk=pk, claimed_by=worker).update(status=OutboxStatus.SENT, sent_at=timezone.now(),
                                                           claimed_until=None, error="")
    return True


def deliver_due(limit: int = 200, worker: str = WORKER_ID,
                should_stop: Callable[[], bool] = lambda: False) -> tuple[int, int]:
    """Claim and send what is due. Returns (sent, failed). Rows claimed but not sent when asked to stop are
    handed back at once."""
    sent = failed = 0
    while not should_stop():
        ids = claim(min(50, limit - sent - failed), worker)
        if not ids:
            break
        for n, pk in enumerate(ids):
            if should_stop():
                Outbox.objects.filter(pk__in=ids[n:], claimed_by=worker, status=OutboxStatus.SENDING).update(
                    status=OutboxStatus.PENDING, claimed_until=None, attempts=F("attempts") - 1)
                break
            if deliver(pk, worker):
                sent += 1
            else:
                failed += 1
        if sent + failed >= limit:
            break
    return sent, failed


STUCK_AFTER = datetime.timedelta(hours=1)


def problem_messages() -> Any:
    """Failed messages, and stuck ones: claimed by a worker past its lease, or due for over an hour."""
    now = timezone.now()
    return Outbox.objects.filter(
        Q(status=OutboxStatus.FAILED)
        | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
        | Q(status=OutboxStatus.PENDING, next_attempt_at__lt=now - STUCK_AFTER)
    ).select_related("webhook", "user")


def retry_messages(actor: Any, ids: Iterable[int]) -> int:
    """A system admin sends failed or stuck messages again (attempts start over). Audited."""
    from django.core.exceptions import PermissionDenied

    from anxiao.core.access import is_system_admin

    if not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以重发消息")
    before = {pk: (status, attempts) for pk, status, attempts in
              problem_messages().filter(pk__in=list(ids)).values_list("pk", "status", "attempts")}
    if not before:
        raise DjangoValidationError({"ids": ["请选择要重发的失败或滞留消息"]})
    with transaction.atomic():
        changed = Outbox.objects.filter(pk__in=list(before)).update(
            status=OutboxStatus.PENDING, attempts=0, claimed_until=None, claimed_by="", next_attempt_at=timezone.now())
        _audit_retry(actor, before)
    log.info("outbox retry of %s messages by user %s", changed, actor.pk)
    return changed


def _audit_retry(actor: Any, before: dict[int, tuple[str, int]]) -> None:
    """One audit entry per message sent again (status and attempts before → after)."""
    from django.contrib.contenttypes.models import ContentType

    from anxiao.core.context import current_actor
    from anxiao.core.models import AuditAction, AuditLog

    ct = ContentType.objects.get_for_model(Outbox)
    ip, via = current_actor().ip, current_actor().via
    AuditLog.objects.bulk_create([
        AuditLog(actor=actor, actor_repr=actor.get_full_name() or actor.get_username(), ip=ip, via=via,
                 action=AuditAction.UPDATE, content_type=ct, object_id=str(pk), object_repr=f"重发消息 {pk}",
                 changes={"status": [status, OutboxStatus.PENDING], "attempts": [attempts, 0]})
        for pk, (status, attempts) in before.items()])


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
