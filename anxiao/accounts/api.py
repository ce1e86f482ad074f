# No "from __future__ import annotations": django-ninja reads these annotations at run time.
"""Accounts at scale over the API: the accounts of people who left, and bulk disable (the account list page's
action, same access, same audit)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from anxiao.core.access import may_manage
from anxiao.core.api import AUTH, ErrorOut

from . import actions

router = Router(auth=AUTH)


def _refuse_non_managers(request: HttpRequest) -> None:
    if not may_manage(request.user):
        raise PermissionDenied("您没有管理账号的权限")


class DepartedOut(Schema):
    id: int
    username: str
    person_id: int
    person_name: str


@router.get("/accounts/departed", response={200: list[DepartedOut], 403: ErrorOut}, operation_id="accounts_departed")
def departed(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Active accounts in your scope whose person is marked as left (人员 不在职): what ``departed=true`` disables."""
    _refuse_non_managers(request)
    return [{"id": u.pk, "username": u.username, "person_id": u.person_id, "person_name": u.person.name}
            for u in actions.departed_accounts(request.user).select_related("person").order_by("username")]


class DisableIn(Schema):
    ids: list[int] = []
    departed: bool = False
    reason: str = ""


class DisableOut(Schema):
    disabled: list[int]


@router.post("/accounts/disable", response={200: DisableOut, 403: ErrorOut, 422: ErrorOut},
             operation_id="accounts_disable")
def disable(request: HttpRequest, payload: DisableIn):  # type: ignore[no-untyped-def]
    """Disable the accounts ``ids`` (or, with ``departed=true``, every account of people who left), all or none,
    with ``reason`` in each account's audit log; their API tokens go with them. An id out of your scope, held by a
    peer or above you, or unknown is refused alike (422 on ``ids``) and nothing changes."""
    _refuse_non_managers(request)
    ids = list(actions.departed_accounts(request.user).values_list("pk", flat=True)) if payload.departed \
        else payload.ids
    return {"disabled": [u.pk for u in actions.disable_accounts(request.user, ids, payload.reason)]}
