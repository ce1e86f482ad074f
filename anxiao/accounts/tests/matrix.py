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
    # A temporary password for a1's member: those above the member's grant; the member itself is refused.
    Case("accounts:password_reset", lambda w: reverse("accounts:password_reset", args=[w.users["school_member"].pk]),
         target="a1", kind="write", method="post", data=lambda w: {}),
    # Bulk disable of a1's member: those above it; others are answered as for an unknown id, on the list page.
    Case("accounts:accounts_disable", lambda w: reverse("accounts:accounts_disable"), target="a1", kind="write",
         method="post", ok=302, hidden_status=302,
         data=lambda w: {"ids": [w.users["school_member"].pk], "reason": "已调离"}),
]


def _newcomer_form(role: str, **scope: str):  # type: ignore[no-untyped-def]
    def data(w):  # type: ignore[no-untyped-def]
        from anxiao.org.models import Person

        person = Person.objects.create(name="矩阵新人", unit=w.a1)
        return {"person": person.pk, "username": "matrix-newbie", "password": "Strong-pass-88", "role": role,
                **{k: getattr(w, v).pk for k, v in scope.items()}}
    return data


CASES += [
    # Grant escalation: a grant over the county is for bureau admins only; a school admin is refused on the form
    # (core.flash: the refusal is the form's own error, 200), the outsider cannot even name the a1 newcomer (the
    # form answers as for a missing person). A role above one's own is not offered at all (the form refuses the
    # choice; test_grants.py).
    Case("accounts:account_create", lambda w: reverse("accounts:account_create"), target="a1", kind="write",
         method="post", ok=302, writers={"sysadmin", "bureau_admin"}, hidden_status=200,
         role_status={"school_admin": 200},
         data=_newcomer_form("school_admin", region="county_a")),
    # At its own level within its school a school admin may grant.
    Case("accounts:account_create", lambda w: reverse("accounts:account_create"), target="a1", kind="write",
         method="post", ok=302, hidden_status=200, data=_newcomer_form("school_admin", unit="a1")),
    # Peers cannot revoke each other: only those above a school admin revoke its grant.
    Case("accounts:grant_revoke", lambda w: reverse("accounts:grant_revoke", args=[_admin_grant(w)]), target="a1",
         kind="write", method="post", ok=302, writers={"sysadmin", "bureau_admin"}, data=lambda w: {}),
]


def _admin_grant(w):  # type: ignore[no-untyped-def]
    return w.users["school_admin"].grants.get().pk


def _member_token(w):  # type: ignore[no-untyped-def]
    from anxiao.accounts.models import ApiToken

    return ApiToken.issue(w.users["school_member"], name="matrix")[0].pk


CASES += [
    # Everyone lists their own tokens.
    Case("api:tokens_list", lambda w: "/api/v1/auth/tokens", api=True),
    # A member's token: the member itself and those above it revoke it; anyone else is answered as for a
    # missing token.
    Case("api:tokens_revoke", lambda w: f"/api/v1/auth/tokens/{_member_token(w)}/revoke", target="a1",
         kind="write", method="post", api=True, data=lambda w: {}, denied_status=404, also_allowed={"school_member"}),
]

CASES += [
    # The API of the account list's bulk disable: the same managers; another scope's id is a 422 on ``ids``.
    Case("api:accounts_disable", lambda w: "/api/v1/accounts/disable", target="a1", kind="write", method="post",
         api=True, hidden_status=422, data=lambda w: {"ids": [w.users["school_member"].pk], "reason": "已调离"}),
    Case("api:accounts_departed", lambda w: "/api/v1/accounts/departed", api=True, managers_only=True),
]
