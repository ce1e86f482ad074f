from __future__ import annotations

from django.urls import reverse

from anxiao.core.testing import Case


def _member_grant(w):  # type: ignore[no-untyped-def]
    return w.users["school_member"].grants.get().pk


CASES = [
    Case("accounts:password", lambda w: reverse("accounts:password")),
    Case("accounts:grant_list", lambda w: reverse("accounts:grant_list"), kind="write"),
    Case("accounts:account_create", lambda w: reverse("accounts:account_create"), kind="write"),
    Case("accounts:grant_revoke", lambda w: reverse("accounts:grant_revoke", args=[_member_grant(w)]), target="a1",
         kind="write", method="post", ok=302, data=lambda w: {}),
]
