"""The chiefs' home sections: the chief's own pages and the tasks their office must verify (核验); the member
agency's tasks to sign for (签收) and to finish (办结)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from anxiao.org.models import Post

from .actions import chief_posts_of
from .models import AGENCY_POST_KINDS, AgencyTask, TaskStatus

LIMIT = 20


def my_chief_work(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.person_id:
        return None
    chiefs = list(chief_posts_of(user))
    if not chiefs:
        return None
    # The tasks a chief may verify (chiefs.actions.may_route): those of their government or one below it.
    under = Q()
    for post in chiefs:
        under |= Q(government__region_path__startswith=post.unit.region_path)
    to_verify = list(AgencyTask.objects.visible_to(user).filter(under, status=TaskStatus.DONE)
                     .select_related("agency", "school").order_by("done_at", "pk")[:LIMIT])
    return {"chiefs": chiefs, "to_verify": to_verify}


def my_agency_work(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.person_id:
        return None
    agency_ids = list(Post.objects.filter(holder_id=user.person_id, kind__in=AGENCY_POST_KINDS, is_active=True)
                      .values_list("unit_id", flat=True))
    if not agency_ids:
        return None
    tasks = AgencyTask.objects.visible_to(user).filter(agency_id__in=agency_ids).select_related("school")
    to_accept = list(tasks.filter(status=TaskStatus.ASSIGNED).order_by("deadline", "pk")[:LIMIT])
    to_close = list(tasks.filter(status__in=(TaskStatus.ACCEPTED, TaskStatus.RETURNED))
                    .order_by("deadline", "pk")[:LIMIT])
    return {"to_accept": to_accept, "to_close": to_close}
