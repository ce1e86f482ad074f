from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from anxiao.core.testing import Case


def _unit_history(w):  # type: ignore[no-untyped-def]
    from anxiao.org.models import Unit

    ct = ContentType.objects.get_for_model(Unit)
    return reverse("core:audit_object", args=[ct.pk, w.a2.pk])


CASES = [
    Case("core:home", lambda w: reverse("core:home")),
    # The audit log is for the managers of a scope (it shows every record's personal details).
    Case("core:audit_list", lambda w: reverse("core:audit_list"), kind="write"),
    Case("core:audit_list", lambda w: reverse("core:audit_list") + f"?unit={w.a2.pk}", target="a2", kind="write"),
    Case("core:audit_object", _unit_history, target="a2", kind="write"),
]
