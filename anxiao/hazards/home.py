"""The hazards sections of the home page: the headline figures (hazards.figures) for the school's leaders and
the bureau, and each person's own hazard work: what they must rectify and what waits for their acceptance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from anxiao.core.access import user_scope
from anxiao.core.personas import SCHOOL_LEADERS, personas_of

from .figures import overdue_on
from .models import Hazard, Status

LIMIT = 10


def my_hazards(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if user_scope(user).empty:
        return None
    from .views import counts_for

    counts, tallied_at = counts_for(user, Hazard.objects.visible_to(user))
    return {"counts": counts, "tallied_at": tallied_at}


def my_hazard_work(request: HttpRequest) -> dict[str, Any] | None:
    """To rectify: being rectified with me as the person responsible. To accept: rectified, at a unit I may write
    to (acceptance needs it, hazards.actions), and neither rectified by me nor mine to rectify (the acceptor is
    another person)."""
    user: Any = request.user
    if user_scope(user).empty:
        return None
    mine = list(Hazard.objects.visible_to(user).filter(responsible_id=user.person_id, status=Status.RECTIFYING)
                .select_related("unit").order_by("deadline", "pk")[:LIMIT]) if user.person_id else []
    to_accept_qs = Hazard.objects.writable_by(user).filter(status=Status.AWAITING_ACCEPTANCE).exclude(rectified_by=user)
    if user.person_id:
        to_accept_qs = to_accept_qs.exclude(responsible_id=user.person_id)
    # Acceptance is the school's work (its leaders and safety officer); the bureau sees the 待验收 figure instead.
    personas = personas_of(user)
    accepting = not personas or bool(personas & SCHOOL_LEADERS)
    to_accept = list(to_accept_qs.select_related("unit").order_by("rectified_at", "pk")[:LIMIT]) \
        if accepting and not user_scope(user, write=True).empty else []
    if not mine and not to_accept:
        return None
    today = timezone.localdate()
    late = {h.pk for h in mine if overdue_on(h, today)}  # 逾期 by its one definition (hazards.figures)
    return {"mine": mine, "late": late, "to_accept": to_accept, "limit": LIMIT}
