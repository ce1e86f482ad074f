from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def bell(context: Any) -> dict[str, Any]:
    """The bell in the top bar with the user's unread count (one query)."""
    from anxiao.notifications.models import Notification

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
