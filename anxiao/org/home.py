"""The organisation section of the home page: my posts and the size of what I look after."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from anxiao.core.access import user_scope
from anxiao.core.choices import UnitKind

from .models import Assignment, Post, Unit


def my_org(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    posts = list(Post.objects.filter(holder_id=user.person_id, is_active=True).select_related("unit"))
    looked_after = list(
        Assignment.objects.filter(holder_post__holder_id=user.person_id, ended_on__isnull=True, target_unit__isnull=False)
        .select_related("target_unit").order_by("target_unit__name")[:20]
    ) if user.person_id else []
    scope = user_scope(user)
    counts = Unit.objects.visible_to(user).aggregate(
        schools=Count("id", filter=Q(kind=UnitKind.SCHOOL)),
        boarding=Count("id", filter=Q(kind=UnitKind.SCHOOL, boarding=True)),
    )
    vacant = Post.objects.visible_to(user).filter(holder__isnull=True, is_active=True).count()
    return {"posts": posts, "looked_after": looked_after, "counts": counts, "vacant": vacant,
            "everything": scope.everything}
