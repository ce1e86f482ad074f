from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import actions
from .models import Notification


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
