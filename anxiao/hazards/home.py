"""The hazards section of the home page: open, overdue, major, awaiting acceptance, and my rectifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anxiao.core.access import user_scope

from .models import Hazard, Status


def my_hazards(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if user_scope(user).empty:
        return None
    from .views import counts_for

    counts, tallied_at = counts_for(user, Hazard.objects.visible_to(user))
    mine = list(Hazard.objects.visible_to(user).filter(responsible_id=user.person_id, status=Status.RECTIFYING)
                .select_related("unit").order_by("deadline")[:10]) if user.person_id else []
    return {"counts": counts, "mine": mine, "tallied_at": tallied_at}
