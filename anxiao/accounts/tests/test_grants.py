"""Grants: a grantor gives only roles at or below its own, within its own scope; peers cannot revoke each other."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.accounts import actions
from anxiao.accounts.models import Grant, User
from anxiao.core.access import effective_role
from anxiao.core.choices import Role

pytestmark = pytest.mark.django_db


def _newcomer(world, unit=None):  # type: ignore[no-untyped-def]
    from anxiao.org.models import Person

    return Person.objects.create(name="新人", unit=unit or world.a1)


def _form(world, person, role, **scope):  # type: ignore[no-untyped-def]
    data = {"person": person.pk, "username": "newbie", "password": "Strong-pass-88", "role": role}
    data.update({k: v.pk for k, v in scope.items()})
    return data


def test_a_school_admin_cannot_make_a_bureau_admin_over_its_own_school(world, as_user):
    # given the school admin of a1 and a newcomer at a1
    person = _newcomer(world)
    # when it posts the account form with a bureau role over its own school
    response = as_user("school_admin").post("/accounts/grants/new/", _form(world, person, Role.BUREAU_ADMIN,
                                                                         unit=world.a1))
    # then no account is made and the form refuses the role
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    # nor through the action, which the view, the API and the CLI share
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.create_account(world.users["school_admin"], person, "newbie", "Strong-pass-88", Role.BUREAU_ADMIN,
                               unit=world.a1)
    assert not User.objects.filter(username="newbie").exists()


def test_a_school_admin_cannot_grant_over_the_county(world, as_user):
    # the county is offered (it is shown above the school), but is not the school admin's to grant over
    person = _newcomer(world)
    response = as_user("school_admin").post("/accounts/grants/new/", _form(world, person, Role.SCHOOL_ADMIN,
                                                                         region=world.county_a))
    assert response.status_code == 200 and "只能在本人管理范围内授予不高于本人的角色" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("role", [Role.BUREAU_ADMIN, Role.BUREAU_VIEWER])
def test_bureau_roles_need_a_bureau_or_region_scope_even_for_a_system_admin(world, role):
    with pytest.raises(ValidationError) as exc:
        actions.grant(world.users["sysadmin"], world.users["school_member"], role, unit=world.a1)
    assert "unit" in exc.value.message_dict
    # a bureau unit is a fine scope for a bureau role
    assert actions.grant(world.users["sysadmin"], world.users["school_member"], role, unit=world.bureau_a)


def test_a_grantor_grants_only_at_or_below_its_own_role(world):
    member = world.users["school_member"]
    school_admin, bureau_admin = world.users["school_admin"], world.users["bureau_admin"]
    # a school admin may grant school roles over its school
    assert actions.grant(school_admin, member, Role.SCHOOL_ADMIN, unit=world.a1)
    # but nothing above, and nothing outside its school
    for role, scope in [(Role.BUREAU_ADMIN, {"region": world.county_a}), (Role.BUREAU_VIEWER, {"region": world.town_a}),
                        (Role.SCHOOL_ADMIN, {"unit": world.a2}), (Role.SCHOOL_ADMIN, {"region": world.town_a}),
                        (Role.SYSTEM_ADMIN, {})]:
        with pytest.raises(PermissionDenied):
            actions.grant(school_admin, member, role, **scope)
    # a bureau admin may grant bureau roles in its county, not beyond
    assert actions.grant(bureau_admin, member, Role.BUREAU_VIEWER, region=world.town_a)
    assert actions.grant(bureau_admin, member, Role.BUREAU_ADMIN, unit=world.bureau_a)
    for role, scope in [(Role.BUREAU_ADMIN, {"region": world.city}), (Role.SCHOOL_ADMIN, {"unit": world.b1}),
                        (Role.SYSTEM_ADMIN, {})]:
        with pytest.raises(PermissionDenied):
            actions.grant(bureau_admin, member, role, **scope)


@pytest.mark.parametrize("grantor", ["bureau_viewer", "school_member"])
def test_read_only_roles_grant_nothing(world, grantor):
    with pytest.raises(PermissionDenied):
        actions.grant(world.users[grantor], world.users["outsider"], Role.SCHOOL_MEMBER, unit=world.a1)


def test_the_form_offers_only_grantable_roles(world, as_user):
    page = as_user("school_admin").get("/accounts/grants/new/").content.decode()
    assert 'value="school_member"' in page and 'value="school_admin"' in page
    assert 'value="bureau_admin"' not in page and 'value="bureau_viewer"' not in page


def _second_admin(world, role=Role.SCHOOL_ADMIN, **scope):  # type: ignore[no-untyped-def]
    user = User.objects.create_user(username="peer", password="Strong-pass-88", person=_newcomer(world))
    return actions.grant(None, user, role, **(scope or {"unit": world.a1}))


def test_peer_school_admins_cannot_revoke_each_other(world, as_user):
    # given two school admins of a1
    peer_grant = _second_admin(world)
    mine = world.users["school_admin"].grants.get()
    # when one revokes the other's grant, then it is refused (either way round)
    with pytest.raises(PermissionDenied):
        actions.revoke(world.users["school_admin"], peer_grant)
    with pytest.raises(PermissionDenied):
        actions.revoke(peer_grant.user, mine)
    assert as_user("school_admin").post(f"/accounts/grants/{peer_grant.pk}/revoke/").status_code == 403
    peer_grant.refresh_from_db()
    assert peer_grant.revoked_at is None
    # and the list offers no revoke button for the peer
    page = as_user("school_admin").get("/accounts/grants/").content.decode()
    assert f"/accounts/grants/{peer_grant.pk}/revoke/" not in page
    assert f"/accounts/grants/{world.users['school_member'].grants.get().pk}/revoke/" in page


def test_those_above_revoke(world):
    peer_grant = _second_admin(world)
    member_grant = world.users["school_member"].grants.get()
    # a school admin revokes a member of its school
    assert actions.revoke(world.users["school_admin"], member_grant).revoked_at is not None
    # a bureau admin revokes a school admin in its county
    assert actions.revoke(world.users["bureau_admin"], peer_grant).revoked_at is not None


def test_bureau_admin_peers_cannot_revoke_each_other_but_a_wider_one_can(world):
    peer_grant = _second_admin(world, Role.BUREAU_ADMIN, region=world.county_a)
    with pytest.raises(PermissionDenied):
        actions.revoke(world.users["bureau_admin"], peer_grant)
    town_grant = actions.grant(None, User.objects.create_user(username="town", password="x"), Role.BUREAU_ADMIN,
                               region=world.town_a)
    assert actions.revoke(world.users["bureau_admin"], town_grant).revoked_at is not None
    assert actions.revoke(world.users["sysadmin"], peer_grant).revoked_at is not None


def test_effective_role_is_the_strongest_role_over_the_target(world):
    assert effective_role(world.users["bureau_admin"], unit=world.a1) == Role.BUREAU_ADMIN
    assert effective_role(world.users["bureau_viewer"], region=world.town_a) == Role.BUREAU_VIEWER
    assert effective_role(world.users["school_admin"], unit=world.a1) == Role.SCHOOL_ADMIN
    assert effective_role(world.users["school_admin"], unit=world.a2) is None
    assert effective_role(world.users["school_admin"], region=world.county_a) is None
    assert effective_role(world.users["sysadmin"], unit=world.b1) == Role.SYSTEM_ADMIN
    actions.grant(None, world.users["school_member"], Role.SCHOOL_ADMIN, unit=world.a1)
    assert effective_role(world.users["school_member"], unit=world.a1) == Role.SCHOOL_ADMIN


def test_grants_are_audited(world):
    from anxiao.core.models import AuditLog

    g = actions.grant(world.users["school_admin"], world.users["school_member"], Role.SCHOOL_ADMIN, unit=world.a1)
    assert AuditLog.objects.filter(object_id=str(g.pk), action="create").exists()
    actions.revoke(world.users["bureau_admin"], g)
    assert AuditLog.objects.filter(object_id=str(g.pk), action="update").exists()
    assert Grant.objects.filter(pk=g.pk, revoked_at__isnull=False).exists()
