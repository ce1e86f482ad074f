"""The teacher's home: a drill under way now whose sign-in waits for one of their classes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from .models import Drill, DrillStatus, SignIn


def drills_to_sign(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not getattr(user, "person_id", None):
        return None
    now = timezone.now()
    drills = [d for d in Drill.objects.visible_to(user).filter(
        status__in=(DrillStatus.IN_PROGRESS, DrillStatus.HELD), voided_at__isnull=True,
        classes__holder_id=user.person_id).select_related("school").distinct() if d.window_open(now)]
    if not drills:
        return None
    signed = set(SignIn.objects.filter(drill__in=drills, post__holder_id=user.person_id).values_list("drill_id",
                                                                                                   flat=True))
    waiting = [d for d in drills if d.pk not in signed]
    return {"drills": waiting} if waiting else None
