"""The guard's and safety officer's home: today's patrol round at their school, with the scanner one tap away."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from anxiao.core.choices import PostKind

from . import actions
from .models import PatrolPoint

PATROLLING_POSTS = (PostKind.SECURITY_GUARD, PostKind.SAFETY_OFFICER)


def patrol_today(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    person = getattr(user, "person", None)
    if person is None:
        return None
    from anxiao.org.models import Post

    units = list(Post.objects.filter(holder=person, kind__in=PATROLLING_POSTS, is_active=True)
                 .values_list("unit_id", flat=True))
    if not units:
        return None
    points = list(PatrolPoint.objects.visible_to(user).filter(unit_id__in=units, is_active=True, gate=False)
                  .order_by("name"))
    if not points:
        return None
    today = timezone.localdate()
    counts = actions.daily_counts(points, today)
    return {"rows": [(p, counts.get(p.pk, 0)) for p in points], "round": actions.round_of(points, today)[-8:],
            "today": today}
