"""An administrator resets a password: a temporary one, shown once; the holder must change it first."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from anxiao.accounts import actions
from anxiao.core.models import AuditLog


def test_an_admin_resets_and_the_holder_must_change_first(world, as_user) -> None:
    member = world.users["school_member"]
    page = as_user("bureau_admin").post(f"/accounts/users/{member.pk}/reset-password/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    temporary = page.context["temporary"]
    assert len(temporary) == 12 and temporary in page.content.decode()
    member.refresh_from_db()
    assert member.must_change_password and member.check_password(temporary)
    assert AuditLog.objects.filter(object_id=str(member.pk), changes__must_change_password=[False, True]).exists()
    # the holder logs in with it and is led to the password form from every page
    holder = Client()
    assert holder.login(username=member.username, password=temporary)
    assert holder.get("/")["Location"] == "/accounts/password/"
    assert holder.get("/api/v1/notifications").status_code == 403
    answer = holder.post("/accounts/password/", {"old_password": temporary, "new_password1": "Xin-mima-2026!",
                                                 "new_password2": "Xin-mima-2026!"})
    assert answer.status_code == 302
    member.refresh_from_db()
    assert not member.must_change_password
    assert holder.get("/").status_code == 200


def test_nobody_resets_their_own_or_a_higher_account(world) -> None:
    with pytest.raises(PermissionDenied):
        actions.reset_password(world.users["bureau_admin"], world.users["bureau_admin"])
    with pytest.raises(PermissionDenied):
        actions.reset_password(world.users["school_admin"], world.users["bureau_admin"])
    with pytest.raises(PermissionDenied):
        actions.reset_password(world.users["outsider"], world.users["school_member"])
