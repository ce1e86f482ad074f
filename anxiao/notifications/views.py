from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, user_scope
from anxiao.core.crud import Crud
from anxiao.core.flash import REFUSED, run_and_flash

from . import actions, filters, forms
from .models import Notification, WebhookEndpoint


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    # Notifications belong to one account: the user's own, never anyone else's.
    user: Any = request.user
    qs = Notification.objects.filter(user=user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html",
                  {"page": page, "unread": qs.filter(read_at__isnull=True).count()})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    actions.mark_read(request.user)
    return redirect("notifications:inbox")


def _masked(url: str) -> str:
    """The address without its token: the token is a password for posting into the group."""
    base, _sep, _query = url.partition("?")
    return f"{base}?…（已隐藏）" if _query else base


WEBHOOKS = Crud(
    name="webhook", app="notifications", model=WebhookEndpoint, title="群机器人", form=forms.WebhookForm,
    save=actions.save_webhook,
    columns=[("名称", lambda h: h.name), ("类型", lambda h: h.get_kind_display()), ("教育局", lambda h: h.bureau),
             ("状态", lambda h: "启用" if h.enabled else "停用")],
    filters=filters.WebhookFilter, select_related=("bureau",),
    detail_fields=[("名称", lambda h: h.name), ("类型", lambda h: h.get_kind_display()), ("教育局", lambda h: h.bureau),
                   ("地址", lambda h: _masked(h.url)),
                   ("加签", lambda h: "已设置" if h.secret else ("未设置（关键词机器人）" if h.kind == "dingtalk" else "—")),
                   ("状态", lambda h: "启用" if h.enabled else "停用")],
    detail_template="notifications/webhook_detail.html",
)


@login_required
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message to the robot now and say whether it arrived."""
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有发送测试消息的权限")
    hook = get_visible_or_404(WebhookEndpoint.objects.select_related("bureau"), request.user, pk=pk)
    if not can_write(request.user, hook):
        raise PermissionDenied("您只能查看该群机器人，不能发送测试消息")
    run_and_flash(request, lambda: actions.send_test(request.user, hook), "测试消息已发送，请在群里查看")
    return redirect(WEBHOOKS.url("detail", hook.pk))


def _system_admin(request: HttpRequest) -> None:
    from anxiao.core.access import is_system_admin

    if not is_system_admin(request.user):
        raise PermissionDenied("只有系统管理员可以查看待发消息的故障")


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Failed and stuck messages of every channel, newest first, with retry (system admins only)."""
    _system_admin(request)
    from .models import WorkerHeartbeat

    qs = actions.problem_messages().order_by("-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {
        "page": page, "total": qs.count(), "workers": WorkerHeartbeat.objects.all()[:20]})


@login_required
@require_POST
def outbox_retry(request: HttpRequest) -> HttpResponse:
    _system_admin(request)
    ids: Any = request.POST.getlist("ids")
    if request.POST.get("all") == "1":
        ids = actions.problem_messages().values_list("pk", flat=True)
    n = run_and_flash(request, lambda: actions.retry_messages(request.user, [int(i) for i in ids if str(i).isdecimal()]))
    if n is not REFUSED:
        messages.success(request, f"已重新排队 {n} 条消息，后台进程将在下一轮发送")
    return redirect("notifications:outbox")
