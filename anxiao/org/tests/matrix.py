"""The org app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from anxiao.core.testing import Case

REGION_WRITERS = {"sysadmin", "bureau_admin"}


def _obj(w, ref: str):  # type: ignore[no-untyped-def]
    """"a1" -> w.a1; "post:x" -> w.posts["x"]; "person:x" -> w.people["x"]."""
    if ref.startswith("post:"):
        return w.posts[ref[5:]]
    if ref.startswith("person:"):
        return w.people[ref[7:]]
    return getattr(w, ref)


def _member(w):  # type: ignore[no-untyped-def]
    from anxiao.org.models import GroupMember

    return GroupMember.objects.get_or_create(group=w.group_a1, post=w.posts["a1_principal"])[0].pk


def _web(name: str, plural: str, obj: str, target: str, writers: set[str] | None = None) -> list[Case]:
    def pk(w):  # type: ignore[no-untyped-def]
        return _obj(w, obj).pk

    return [
        Case(f"org:{name}_list", lambda w: reverse(f"org:{name}_list")),
        Case(f"org:{name}_create", lambda w: reverse(f"org:{name}_create"), kind="write",
             writers=None if writers is None else writers | {"school_admin", "outsider"}),
        Case(f"org:{name}_detail", lambda w: reverse(f"org:{name}_detail", args=[pk(w)]), target=target),
        Case(f"org:{name}_edit", lambda w: reverse(f"org:{name}_edit", args=[pk(w)]), target=target, kind="write",
             writers=writers),
    ]


def _api(plural: str, obj: str, target: str, create: Callable[[Any], dict[str, Any]] | None, writers: set[str] | None = None,
         create_target: str = "a1") -> list[Case]:
    def pk(w):  # type: ignore[no-untyped-def]
        return _obj(w, obj).pk

    name = plural
    cases = [
        Case(f"api:{name}_list", lambda w: f"/api/v1/{plural}", api=True,
             markers={"a1": lambda w: "新华中学", "b1": lambda w: "乙镇小学"} if plural == "units" else {}),
        Case(f"api:{name}_get", lambda w: f"/api/v1/{plural}/{pk(w)}", target=target, api=True),
        Case(f"api:{name}_update", lambda w: f"/api/v1/{plural}/{pk(w)}", target=target, kind="write", method="patch",
             api=True, data=lambda w: {}, writers=writers),
    ]
    if create is not None:
        cases.append(Case(f"api:{name}_create", lambda w: f"/api/v1/{plural}", target=create_target, kind="write",
                          method="post", api=True, data=create, ok=201, hidden_status=422,
                          writers=writers))
    return cases


CASES = [
    *_web("region", "regions", "town_a", "a1", writers=REGION_WRITERS),
    *_web("unit", "units", "a1", "a1"),
    *_web("person", "people", "person:a1_teacher", "a1"),
    *_web("post", "posts", "post:a1_teacher", "a1"),
    *_web("group", "groups", "group_a1", "a1"),
    *_web("assignment", "assignments", "assignment_a1", "a1", writers=REGION_WRITERS),
    Case("org:group_member_add", lambda w: reverse("org:group_member_add", args=[w.group_a1.pk]), target="a1",
         method="post", data=lambda w: {"post": w.posts["a1_officer"].pk, "role": "member"}, ok=302),
    Case("org:group_member_remove", lambda w: reverse("org:group_member_remove", args=[_member(w)]), target="a1",
         method="post", data=lambda w: {}, ok=302),
    Case("org:unit_import", lambda w: reverse("org:unit_import"), kind="write"),
    Case("org:person_import", lambda w: reverse("org:person_import"), kind="write"),
    # The API of the people import, as the page: anybody with a write scope gets as far as the missing file (422);
    # a file and its accounts are in accounts/tests/test_accounts_at_scale.py.
    Case("api:people_import", lambda w: "/api/v1/people/import", kind="write", method="post", api=True, ok=422,
         data=lambda w: {}),
    Case("org:unit_export", lambda w: reverse("org:unit_export")),
    Case("org:person_export", lambda w: reverse("org:person_export"), kind="write"),
    Case("org:unit_print", lambda w: reverse("org:unit_print")),
    Case("org:person_print", lambda w: reverse("org:person_print"), kind="write"),
    Case("org:unit_template", lambda w: reverse("org:unit_template")),
    Case("org:person_template", lambda w: reverse("org:person_template")),
    *_api("regions", "town_a", "a1", create=lambda w: {"name": "新镇", "level": "town", "parent_id": w.county_a.pk},
          writers=REGION_WRITERS, create_target="a1"),
    *_api("units", "a1", "a1", create=lambda w: {"name": "新处室", "kind": "school_department", "region_id": w.town_a.pk,
                                                 "parent_id": w.a1.pk}),
    *_api("people", "person:a1_teacher", "a1", create=lambda w: {"name": "新老师", "unit_id": w.a1.pk}),
    *_api("posts", "post:a1_teacher", "a1", create=lambda w: {"unit_id": w.a1.pk, "kind": "teacher"}),
    *_api("groups", "group_a1", "a1", create=lambda w: {"unit_id": w.a1.pk, "name": "安全工作领导小组"}),
    *_api("assignments", "assignment_a1", "a1", writers=REGION_WRITERS,
          create=lambda w: {"holder_unit_id": w.dept_a.pk, "target_unit_id": w.a2.pk}, create_target="bureau_a"),
]
