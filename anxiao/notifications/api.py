# No "from __future__ import annotations": django-ninja reads these annotations at run time.
import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from anxiao.core.api import AUTH, LimitOffsetPagination, crud_routes

from . import actions, filters
from .models import Notification, WebhookEndpoint

router = Router()


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response=list[NotificationOut], auth=AUTH, operation_id="notifications_list")
@paginate(LimitOffsetPagination)
def notifications_list(request: HttpRequest, unread: bool = False):  # type: ignore[no-untyped-def]
    user: Any = request.user
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread else qs


@router.post("/notifications/read", response=ReadOut, auth=AUTH, operation_id="notifications_read")
def notifications_read(request: HttpRequest, payload: ReadIn):  # type: ignore[no-untyped-def]
    return {"marked": actions.mark_read(request.user, payload.ids)}


class WebhookOut(Schema):
    id: int
    bureau_id: int
    name: str
    kind: str
    enabled: bool


class WebhookIn(Schema):
    bureau_id: int
    name: str
    kind: str
    url: str
    secret: str = ""


class WebhookPatch(Schema):
    name: str | None = None
    url: str | None = None
    secret: str | None = None
    enabled: bool | None = None


crud_routes(router, "webhooks", WebhookEndpoint, WebhookOut, WebhookIn, WebhookPatch, filters.WebhookFilter, actions.save_webhook)
