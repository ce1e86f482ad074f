"""No unaudited change: bulk updates, many-to-many changes and account events all reach the audit log."""

from __future__ import annotations

import pytest

from anxiao.core.context import acting_as
from anxiao.core.models import AuditLog
from anxiao.core.testing import PASSWORD
from anxiao.org.models import Unit

pytestmark = pytest.mark.django_db


def _entries(obj, action=None):  # type: ignore[no-untyped-def]
    qs = AuditLog.objects.filter(object_id=str(obj.pk), content_type__model=type(obj)._meta.model_name)
    return qs.filter(action=action) if action else qs


def test_a_bulk_update_logs_every_record_it_changes(world):
    # given two schools and a bureau admin acting
    with acting_as(world.users["bureau_admin"], ip="10.0.0.9", via="web"):
        # when their phone is set in one bulk update
        count = Unit.objects.filter(pk__in=[world.a1.pk, world.a2.pk]).update(phone="0750-2222222")
    # then each school has an update row with before and after, the actor and the address
    assert count == 2
    for unit in (world.a1, world.a2):
        entry = _entries(unit, "update").latest("id")
        assert entry.changes == {"phone": ["", "0750-2222222"]}
        assert entry.actor == world.users["bureau_admin"] and entry.ip == "10.0.0.9"
        assert entry.unit_path == unit.path
    # and an update that changes nothing writes nothing
    before = AuditLog.objects.count()
    Unit.objects.filter(pk=world.a1.pk).update(phone="0750-2222222")
    assert AuditLog.objects.count() == before


def test_retiring_a_checklist_is_logged(world):
    from anxiao.inspections import actions

    checklist = actions.create_checklist(world.users["bureau_admin"], bureau=world.bureau_a, code="JX-CHECK",
                                         title="甲县校园安全检查表")
    actions.retire_checklist(world.users["bureau_admin"], checklist)
    assert _entries(checklist, "update").filter(changes__is_active=[True, False]).exists()


def test_many_to_many_changes_are_logged(world):
    from anxiao.incidents.models import EmergencyTeam, TeamKind

    team = EmergencyTeam.objects.create(unit=world.a1, kind=TeamKind.values[0])
    posts = [world.posts["a1_teacher"], world.posts["a1_officer"]]
    team.members.add(*posts)
    assert _entries(team, "update").latest("id").changes == {"members": [None, sorted(p.pk for p in posts)]}
    team.members.remove(posts[0])
    assert _entries(team, "update").latest("id").changes == {"members": [[posts[0].pk], None]}
    team.members.clear()
    assert _entries(team, "update").latest("id").changes == {"members": [[posts[1].pk], []]}
    # and from the other side: the post's change is logged on the team too
    posts[0].emergency_teams.add(team)
    assert _entries(team, "update").count() + _entries(posts[0], "update").count() >= 4


def test_account_creation_password_and_log_ins_are_audited(client, world):
    from anxiao.accounts import actions
    from anxiao.org.models import Person

    person = Person.objects.create(name="新人", unit=world.a1)
    with acting_as(world.users["school_admin"], via="web"):
        user = actions.create_account(world.users["school_admin"], person, "newbie", "Strong-pass-88",
                                      "school_member", unit=world.a1)
    created = _entries(user, "create").get()
    assert created.actor == world.users["school_admin"] and created.unit_path == world.a1.path
    grant = user.grants.get()
    assert _entries(grant, "create").exists()
    # a password change is logged without the hash
    user.set_password("Another-pass-2027")
    user.save()
    changed = _entries(user, "update").latest("id")
    assert changed.changes == {"password": ["******", "******"]}
    # a log-in is logged with its address
    client.post("/accounts/login/", {"login": "newbie", "password": "Another-pass-2027"}, REMOTE_ADDR="10.3.3.3")
    login = _entries(user, "login").get()
    assert login.ip == "10.3.3.3" and login.unit_path == world.a1.path


def test_the_audit_log_shows_account_events_to_the_managers_of_the_scope(as_user, world):
    from anxiao.accounts import actions

    actions.log_account_event(world.users["school_member"], "login", {"via": ["", "web"]})
    page = as_user("school_admin").get("/audit/").content.decode()
    assert "school_member" in page or world.people["a1_teacher"].name in page
    assert PASSWORD not in page


@pytest.mark.parametrize("role", ["school_member", "bureau_viewer"])
def test_the_audit_log_is_for_managers_only(as_user, world, role):
    # a homeroom teacher or a read-only director does not read the log (injuries, phones of every record)
    client = as_user(role)
    assert client.get("/audit/").status_code == 403
    assert "/audit/" not in client.get("/").content.decode()
