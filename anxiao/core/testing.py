"""Test support shared by every app: a small two-county world with one account per role,
and the permission-matrix machinery (each app lists its URLs in ``<app>/tests/matrix.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from anxiao.core.choices import PostKind, RegionLevel, Role, Stage, UnitKind

if TYPE_CHECKING:
    import pytest
    from django.core.exceptions import ValidationError

PASSWORD = "Test-pass-2026"


@contextmanager
def refused(*fields: str) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """An action must refuse with a ``ValidationError`` that names each of ``fields`` (the form shows the
    message next to that field). Use it instead of a bare ``pytest.raises(ValidationError)``, which also
    passes when the action fails for another reason."""
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        yield info
    named = info.value.message_dict if hasattr(info.value, "error_dict") else {}
    missing = [name for name in fields if name not in named]
    assert not missing, f"refused without naming {missing}: {info.value.messages}"

# role name -> (grant role, scope key in the world)
ROLES = {
    "sysadmin": (Role.SYSTEM_ADMIN, None),
    "bureau_admin": (Role.BUREAU_ADMIN, "county_a"),
    "bureau_viewer": (Role.BUREAU_VIEWER, "county_a"),
    "school_admin": (Role.SCHOOL_ADMIN, "a1"),
    "school_member": (Role.SCHOOL_MEMBER, "a1"),
    "outsider": (Role.SCHOOL_ADMIN, "b1"),
}

# Where a target record lives -> which roles can see it / change it.
VISIBLE = {
    "a1": {"sysadmin", "bureau_admin", "bureau_viewer", "school_admin", "school_member"},
    "a2": {"sysadmin", "bureau_admin", "bureau_viewer"},
    "bureau_a": {"sysadmin", "bureau_admin", "bureau_viewer"},
    "b1": {"sysadmin", "outsider"},
    "any": set(ROLES),
}
NO_WRITE_SCOPE = {"bureau_viewer", "school_member"}
READ_ONLY = {"bureau_viewer"}  # posts nothing but its own housekeeping
# Matrix names of the account's own housekeeping (core.access.OWN_ACCOUNT_VIEWS, API rows by operationId).
OWN_ACCOUNT_NAMES = {"accounts:password", "accounts:logout", "notifications:read_all", "api:tokens_revoke",
                     "api:notifications_read"}
WRITABLE = {
    "a1": {"sysadmin", "bureau_admin", "school_admin"},
    "a2": {"sysadmin", "bureau_admin"},
    "bureau_a": {"sysadmin", "bureau_admin"},
    "b1": {"sysadmin", "outsider"},
    "any": {"sysadmin", "bureau_admin", "school_admin", "outsider"},
}


def make_world() -> SimpleNamespace:
    from anxiao.accounts.models import Grant, User
    from anxiao.org.models import Person, Post, Region, Unit

    w = SimpleNamespace()
    w.province = Region.objects.create(name="测试省", level=RegionLevel.PROVINCE)
    w.city = Region.objects.create(name="测试市", level=RegionLevel.CITY, parent=w.province)
    w.county_a = Region.objects.create(name="甲县", level=RegionLevel.COUNTY, parent=w.city)
    w.county_b = Region.objects.create(name="乙县", level=RegionLevel.COUNTY, parent=w.city)
    w.town_a = Region.objects.create(name="甲镇", level=RegionLevel.TOWN, parent=w.county_a)
    w.town_b = Region.objects.create(name="乙镇", level=RegionLevel.TOWN, parent=w.county_b)
    w.bureau_a = Unit.objects.create(name="甲县教育局", kind=UnitKind.BUREAU, region=w.county_a)
    w.dept_a = Unit.objects.create(name="安全股", kind=UnitKind.BUREAU_DEPARTMENT, region=w.county_a, parent=w.bureau_a)
    w.bureau_b = Unit.objects.create(name="乙县教育局", kind=UnitKind.BUREAU, region=w.county_b)
    w.a1 = Unit.objects.create(name="新华中学", kind=UnitKind.SCHOOL, region=w.town_a, stage=Stage.JUNIOR,
                               supervising_unit=w.bureau_a)
    w.a2 = Unit.objects.create(name="甲镇幼儿园", kind=UnitKind.SCHOOL, region=w.town_a, stage=Stage.KINDERGARTEN,
                               supervising_unit=w.bureau_a)
    w.b1 = Unit.objects.create(name="乙镇小学", kind=UnitKind.SCHOOL, region=w.town_b, stage=Stage.PRIMARY,
                               supervising_unit=w.bureau_b)
    w.people = {}
    w.posts = {}
    for key, unit, kind, title in [
        ("a1_principal", w.a1, PostKind.PRINCIPAL, "校长"),
        ("a1_teacher", w.a1, PostKind.HOMEROOM_TEACHER, "班主任"),
        ("a1_officer", w.a1, PostKind.SAFETY_OFFICER, "安全员"),
        ("a2_principal", w.a2, PostKind.PRINCIPAL, "园长"),
        ("b1_principal", w.b1, PostKind.PRINCIPAL, "校长"),
        ("bureau_head", w.bureau_a, PostKind.BUREAU_PRINCIPAL, "局长"),
        ("dept_head", w.dept_a, PostKind.BUREAU_DEPT_HEAD, "股长"),
    ]:
        person = Person.objects.create(name=f"{unit.name[:2]}{title}", unit=unit)
        w.people[key] = person
        w.posts[key] = Post.objects.create(unit=unit, kind=kind, title=title, holder=person)
    from anxiao.org.models import Assignment, Group

    w.group_a1 = Group.objects.create(unit=w.a1, name="新华中学安全工作领导小组")
    w.assignment_a1 = Assignment.objects.create(holder_unit=w.dept_a, holder_post=w.posts["dept_head"], target_unit=w.a1)
    w.users = {}
    holders = {"school_admin": "a1_principal", "school_member": "a1_teacher", "bureau_admin": "dept_head",
               "bureau_viewer": "bureau_head", "outsider": "b1_principal"}
    for name, (role, scope) in ROLES.items():
        person = w.people.get(holders.get(name, ""))
        user = User.objects.create_user(username=name, password=PASSWORD, person=person,
                                        is_superuser=False)
        target = getattr(w, scope) if scope else None
        Grant.objects.create(
            user=user, role=role,
            region=target if isinstance(target, Region) else None,
            unit=target if isinstance(target, Unit) else None,
        )
        w.users[name] = user
    return w


def _refresh(world: Any) -> None:
    """Objects of the world changed in place by a rolled-back fixture read their rows again."""
    from django.db.models import Model

    for value in vars(world).values():
        for obj in value.values() if isinstance(value, dict) else [value]:
            if isinstance(obj, Model):
                obj.refresh_from_db()


@contextmanager
def alone(world: Any) -> Iterator[None]:
    """One matrix row's fixtures and requests on a shared world, rolled back afterwards, the world's cached fixtures
    with them: a row's fixture (``hazard(w)``) cached on the world after its rows were rolled back would hand the next
    row a record that no longer exists, and two apps' fixtures may both make the same record (a1's campus profile).
    For tests that run many rows over one world (the read-only sweep, the query baselines)."""
    from django.db import transaction

    cached = {k: dict(v) if isinstance(v, dict) else v for k, v in vars(world).items()}
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
        vars(world).clear()
        vars(world).update({k: dict(v) if isinstance(v, dict) else v for k, v in cached.items()})
        _refresh(world)


@dataclass
class Case:
    """One URL or API operation in the permission matrix.

    ``target`` says where the record behind the URL lives ("a1", "a2", "bureau_a", "b1"), or "any" for
    a collection or a form anybody in some scope may open. ``kind`` is "read" or "write".
    """

    name: str
    url: Callable[[Any], str]
    target: str = "any"
    kind: str = "read"
    method: str = "get"
    api: bool = False
    data: Callable[[Any], dict[str, Any]] | None = None
    ok: int = 200
    # For collections: text that must appear for roles that see the record, and only for them.
    markers: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    # Roles that are allowed although the generic rule says no (e.g. a member acknowledging their own duties).
    also_allowed: set[str] = field(default_factory=set)
    # Override who may write (e.g. regions: only region-level grants), instead of WRITABLE[target].
    writers: set[str] | None = None
    denied_status: int | None = None
    hidden_status: int = 404  # what a role that cannot see the target gets (422 when it names it in a payload)
    # The endpoint refuses a role without any write scope before it looks at the target (the usual order);
    # False where it looks the target up first (an object in the URL), so an invisible target answers 404.
    write_scope_first: bool = True
    # A managers' page (core.access.may_manage, as its menu entry): a role without any write scope is refused
    # before anything is looked up, reading included.
    managers_only: bool = False
    # What a role gets that the generic rule does not say (a refusal the page shows on its form: 200).
    role_status: dict[str, int] = field(default_factory=dict)

    def expected(self, role: str | None) -> int:
        if role in self.role_status:
            return self.role_status[role]
        if role is None:
            return 401 if self.api else 302
        if role in READ_ONLY and self.method != "get" and self.name not in OWN_ACCOUNT_NAMES:
            from anxiao.core.access import PERSONAL_VIEWS

            if self.name in PERSONAL_VIEWS:  # its person's own work passes the gate; the action refuses the rest
                return self.denied_status or 403  # (a page running it through core.flash: a message, 302)
            return 403  # a read-only account is refused before anything is looked up (core.access.is_read_only)
        if self.managers_only and role in NO_WRITE_SCOPE:
            return 403
        visible = role in VISIBLE[self.target]
        if visible and role in self.also_allowed:
            return self.ok
        if (self.kind == "write" and self.method == "post" and role in NO_WRITE_SCOPE
                and (visible or self.write_scope_first)):
            return self.denied_status or 403
        if not visible:
            return self.hidden_status if self.target != "any" else (self.denied_status or 403)
        writers = self.writers if self.writers is not None else WRITABLE[self.target]
        allowed = role in (writers if self.kind == "write" else VISIBLE[self.target])
        allowed = allowed or role in self.also_allowed
        if allowed:
            return self.ok
        return self.denied_status or 403
