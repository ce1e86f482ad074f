"""The home page's "to acknowledge and sign" section: my current duty lists I have not acknowledged yet and the
letters issued to me for signature (a teacher, a principal, anyone who holds a post)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Letter, LetterStatus, ResponsibilityList


def to_acknowledge_and_sign(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    lists = list(ResponsibilityList.objects.filter(post__holder_id=person_id, is_current=True)
                 .exclude(acknowledgements__person_id=person_id).select_related("post__unit").order_by("pk"))
    letters = list(Letter.objects.filter(signatory_person_id=person_id, status=LetterStatus.ISSUED)
                   .select_related("issuer_unit").order_by("-year", "pk"))
    if not lists and not letters:
        return None
    return {"lists": lists, "letters": letters}
