"""The chiefs section of the home page: my chief pages, and my agency's tasks to sign for or close."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anxiao.org.models import Post

from .actions import chief_posts_of
from .models import AGENCY_POST_KINDS, WORKING, AgencyTask


def my_chief_work(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.person_id:
        return None
    chiefs = list(chief_posts_of(user))
    agency_ids = list(Post.objects.filter(holder_id=user.person_id, kind__in=AGENCY_POST_KINDS, is_active=True)
                      .values_list("unit_id", flat=True))
    if not chiefs and not agency_ids:
        return None
    to_do = list(AgencyTask.objects.visible_to(user).filter(agency_id__in=agency_ids, status__in=WORKING)
                 .select_related("school").order_by("deadline")[:20]) if agency_ids else []
    return {"chiefs": chiefs, "to_do": to_do}
