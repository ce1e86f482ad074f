"""Ids inside write payloads go through one resolver (core.access.resolve_visible/resolve_many): an id outside
the caller's scope answers exactly like an id that does not exist, in forms, the API and imports."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError

from anxiao.accounts.models import ApiToken
from anxiao.core.access import resolve_many, resolve_visible
from anxiao.org.models import Person

pytestmark = pytest.mark.django_db
MISSING = 987654321


def _auth(world, role):  # type: ignore[no-untyped-def]
    _token, raw = ApiToken.issue(world.users[role])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, world, role, url, body):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json", **_auth(world, role))


def _alike(client, world, role, url, body_for, hidden_id):  # type: ignore[no-untyped-def]
    """POST the payload once naming an out-of-scope id, once a missing id: the answers must be the same."""
    hidden = _post(client, world, role, url, body_for(hidden_id))
    missing = _post(client, world, role, url, body_for(MISSING))
    assert hidden.status_code == missing.status_code == 422, (hidden.content, missing.content)
    scrub = lambda r, i: re.sub(rf"\b{i}\b", "ID", r.content.decode())  # noqa: E731
    assert scrub(hidden, hidden_id) == scrub(missing, MISSING)
    return hidden.json()


def test_the_resolver_answers_alike_for_hidden_and_missing_ids(world):
    user = world.users["school_admin"]
    hidden = world.people["b1_principal"]
    errors = []
    for pk in (hidden.pk, MISSING, "abc", 2 ** 70):
        with pytest.raises(ValidationError) as exc:
            resolve_visible(Person, user, pk, "person")
        errors.append(exc.value.message_dict["person"][0].replace(str(pk), "ID"))
    assert len(set(errors)) == 1 and "不存在" in errors[0]
    mine = world.people["a1_teacher"]
    assert resolve_visible(Person, user, str(mine.pk), "person") == mine
    assert resolve_many(Person, user, [mine.pk, mine.pk], "people") == [mine]
    with pytest.raises(ValidationError) as exc:
        resolve_many(Person, user, [mine.pk, hidden.pk], "people")
    assert hidden.name not in str(exc.value)
    assert resolve_visible(Person, None, hidden.pk, "person") == hidden  # the system sees everything


def test_inspection_members_outside_the_scope_are_refused_like_missing_people(client, world):
    def body(pid):  # type: ignore[no-untyped-def]
        return {"unit_id": world.a1.pk, "kind": "cross", "inspecting_unit_id": world.bureau_a.pk,
                "members": [{"person_id": pid, "role": "inspector"}]}
    answer = _alike(client, world, "bureau_admin", "/api/v1/inspections", body, world.people["b1_principal"].pk)
    assert answer["errors"][0]["field"] == "members"
    assert world.people["b1_principal"].name not in json.dumps(answer, ensure_ascii=False)
    from anxiao.inspections.models import Inspection

    assert not Inspection.objects.exists()


@pytest.fixture
def guards(world):  # type: ignore[no-untyped-def]
    from anxiao.staffing.models import Guard, SchoolProfile

    mine = Guard.objects.create(profile=SchoolProfile.objects.create(school=world.a1, students=600, staff=50),
                                name="赵保安", company="平安保安公司", birth_date=datetime.date(1980, 1, 1))
    theirs = Guard.objects.create(profile=SchoolProfile.objects.create(school=world.b1, students=100),
                                  name="孙保安", company="乙公司", birth_date=datetime.date(1980, 1, 1))
    return mine, theirs


def test_guard_training_guards_outside_the_scope_are_refused_like_missing_guards(client, world, guards):
    today = datetime.date.today().isoformat()

    def body(gid):  # type: ignore[no-untyped-def]
        return {"school_id": world.a1.pk, "occurred_on": today, "days": 1, "topic": "培训", "guard_ids": [gid]}
    answer = _alike(client, world, "school_admin", "/api/v1/education/guard-trainings", body, guards[1].pk)
    assert "孙保安" not in json.dumps(answer, ensure_ascii=False)


def test_staff_training_attendance_outside_the_scope_is_refused_like_missing_people(client, world):
    today = datetime.date.today().isoformat()

    def body(pid):  # type: ignore[no-untyped-def]
        return {"school_id": world.a1.pk, "occurred_on": today, "topic": "培训",
                "attendance": [{"person_id": pid, "present": True}]}
    answer = _alike(client, world, "school_admin", "/api/v1/education/staff-trainings", body,
                    world.people["b1_principal"].pk)
    assert world.people["b1_principal"].name not in json.dumps(answer, ensure_ascii=False)


def test_people_import_does_not_reach_a_person_outside_the_scope_by_mobile(world):
    from anxiao.org import excel
    from anxiao.org.tests.test_excel import _xlsx

    stranger = world.people["b1_principal"]
    stranger.mobile = "13912340000"
    stranger.save()
    header = ["姓名*", "性别", "手机号", "所属单位*"]
    result = excel.import_file(world.users["school_admin"], "people",
                               _xlsx([header, ["李雷", "男", "13912340000", "新华中学"]]))
    stranger.refresh_from_db()
    # the stranger is neither moved, renamed nor named
    assert stranger.unit == world.b1 and stranger.name == "乙镇校长"
    text = " ".join(e.message for e in result.errors)
    assert stranger.name not in text and world.b1.name not in text
    # and the answer is the one a number already in use gets, whoever holds it
    assert not result.ok and "手机号" in text
