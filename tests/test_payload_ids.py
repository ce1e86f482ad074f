"""Ids inside write payloads go through one resolver (core.access.resolve_visible/resolve_many): an id outside
the caller's scope answers exactly like an id that does not exist, in forms, the API and imports."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from anxiao.accounts.models import ApiToken
from anxiao.core.access import resolve_many, resolve_visible
from anxiao.core.testing import alone
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


# --- every id in every payload, found by walking the API schema, the pages' forms and the import ---------------

from tests import payload_ids_walk as walk  # noqa: E402

CALLERS = ("school_admin", "bureau_admin")  # a school's and a county bureau's manager
# What the walk finds today (it may find more, never fewer: a walk that finds nothing must not pass).
KNOWN_API_ID_FIELDS = 89
# A field whose name says nothing of the record it names (a bare ``ids``): the model, by operation.
# Or one whose name's foreign keys point to several models, or to another one than the operation's.
MODEL_OF = {("accounts_disable", "ids"): "accounts.User", ("notifications_read", "ids"): "notifications.Notification",
            ("rectification_lists_file", "meeting_id"): "obligations.Activity",
            ("matters_assign", "owner_id"): "org.Person"}


def _api_model(field, stems):  # type: ignore[no-untyped-def]
    from django.apps import apps as django_apps

    if (field.operation, field.name) in MODEL_OF:
        return django_apps.get_model(MODEL_OF[(field.operation, field.name)])
    found = stems.get(walk.stem_of(field.name), set())
    own = [m for m in found if m._meta.model_name == field.operation.split("_")[0].rstrip("s")]  # regions_create
    return next(iter(found)) if len(found) == 1 else own[0] if len(own) == 1 else found or None


# A refusal that is itself recorded (the same row whatever id was tried): the table, and why.
REFUSALS_RECORDED = {"drills_signinattempt": "a refused drill sign-in is shown to the school's safety office"}


def _refusal_log(wrote):  # type: ignore[no-untyped-def]
    return any(t in wrote for t in REFUSALS_RECORDED) and set(wrote) <= {*REFUSALS_RECORDED, "core_auditlog"}


def _matrix_row(rows, role):  # type: ignore[no-untyped-def]
    from anxiao.core.testing import WRITABLE

    def fits(c):  # type: ignore[no-untyped-def]
        return role in (c.writers if c.writers is not None else WRITABLE[c.target]) | c.also_allowed

    return sorted(rows, key=lambda c: (not fits(c), c.target != "a1", c.data is None))[0] if rows else None


def _named(errors, field):  # type: ignore[no-untyped-def]
    stem = walk.stem_of(field.name)
    names = {field.name, stem, stem + "s", str(field.path[0]), walk.stem_of(str(field.path[0]))}
    return any(str(e.get("field") or "").split(".")[0] in names for e in errors)


def test_every_id_in_every_api_payload_answers_like_an_unknown_id(world):
    from tests.test_permission_matrix import CASES

    # given every id field of every request body in the OpenAPI document
    fields = walk.api_id_fields()
    assert len(fields) >= KNOWN_API_ID_FIELDS, f"the walk found {len(fields)} id fields: {fields}"
    stems = walk.model_by_stem()
    # and a record of every kind made outside both callers' scopes (the matrix's fixtures, in the other county)
    walk.make_hidden_records(world, CASES)
    headers = {role: _auth(world, role) for role in CALLERS}
    failures, named, refused_first = [], 0, []
    by_operation: dict[tuple[str, str], list] = {}
    for field in fields:
        by_operation.setdefault((field.operation, field.method), []).append(field)
    for (operation, method), op_fields in by_operation.items():
        rows = [c for c in CASES if c.api and c.name == f"api:{operation}" and c.method == method]
        for role in CALLERS:
            case = _matrix_row(rows, role)
            if case is None:
                failures.append(f"{method.upper()} {operation}: no permission-matrix row")
                continue
            with alone(world):  # the row's fixtures, once per operation and caller
                url = case.url(world)
                body = case.data(world) if case.data is not None else {}
                for field in op_fields:
                    model = _api_model(field, stems)
                    hidden = walk.hidden_record(model, world.users[role]) if isinstance(model, type) else None
                    if hidden is None:
                        failures.append(f"{field}: which record does it name ({model})? none outside {role}'s scope")
                        continue
                    answers = []
                    for pk in (hidden.pk, MISSING):
                        with walk.rolled_back():
                            before = walk.row_counts()
                            response = Client().generic(method.upper(), url,
                                                        json.dumps(walk.with_id(body, field, pk), default=str),
                                                        content_type="application/json", **headers[role])
                            wrote = walk.written(before, walk.row_counts())
                        answers.append((response.status_code, walk.normalise(response.content.decode(), hidden.pk, MISSING), wrote))
                    (hs, hb, hw), (ms, mb, mw) = answers
                    where = f"{field} as {role} ({model.__name__} {hidden.pk})"
                    if (hw or mw) and not (hw == mw and _refusal_log(hw)):
                        failures.append(f"{where}: written {hw or mw}")
                    if (hs, hb) != (ms, mb):
                        failures.append(f"{where}: out of scope {hs} {hb[:300]} ≠ unknown {ms} {mb[:300]}")
                    elif hs == 422 and _named(json.loads(hb).get("errors", []), field):
                        named += 1
                    else:
                        refused_first.append(f"{where}: {hs} {hb[:160]}")
    assert not failures, "\n".join(failures)
    # the answer named the field for most of them (the rest were refused before the id was read, alike)
    assert named >= len(fields), f"{named} named; refused before the id:\n" + "\n".join(refused_first)


# Whole numbers a page posts that name no record (a year, a month, a count): the walk reports any other
# integer control whose record it cannot tell, so an id field cannot be skipped unnoticed.
NOT_IDS = {
    # check boxes posting 1
    "risk_controls", "school_bus_only", "boarding_only", "lab_only", "required", "allow_na", "complete", "key_area",
    # choices that are numbers: risk scores (LEC, LS), months, weekdays
    "lec_c", "ls_l", "ls_s", "bus_months", "weekday",
}
# A form control whose name and labels do not tell its record.
FORM_MODEL_OF = {"copy_from": "inspections.Checklist"}
KNOWN_FORM_ID_FIELDS = 90


def _messages(response):  # type: ignore[no-untyped-def]
    """The messages this request added (not those still waiting from an earlier one)."""
    return [str(m) for m in getattr(response.wsgi_request._messages, "_queued_messages", [])]


def test_every_id_in_every_page_form_answers_like_an_unknown_id(world):
    from urllib.parse import urljoin, urlsplit

    from django.apps import apps as django_apps
    from django.urls import Resolver404, resolve

    from anxiao.core.testing import VISIBLE
    from tests.test_permission_matrix import CASES

    walk.make_hidden_records(world, CASES)
    stems = walk.model_by_stem()
    # a page that can carry a form: a record's page or a form page (lists only filter, by GET)
    pages = [c for c in CASES if not c.api and c.method == "get" and (c.kind == "write" or c.target != "any")]
    failures, unknown, found = [], [], set()
    discovered: dict[tuple[str, str], tuple[Any, dict[str, Any], Any, Any]] = {}
    clients = {}
    for role in CALLERS:
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    scout = "bureau_admin"  # sees every page of both callers
    for case in pages:
        with alone(world):
            url = case.url(world)
            with walk.django_forms_built() as built:
                page = clients[scout].get(url)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            posts = []
            for form in walk.post_forms(page.content.decode()):
                action = urljoin(url, form["action"] or url)
                try:
                    view = resolve(urlsplit(action).path).view_name
                except Resolver404:
                    continue
                for name, control in walk.integer_controls(form).items():
                    if (view, name) in discovered or name in NOT_IDS:
                        continue
                    model = (django_apps.get_model(FORM_MODEL_OF[name]) if name in FORM_MODEL_OF else
                             walk.guess_model(world.users[scout], name, control["labels"], stems, built))
                    discovered[(view, name)] = (model, form, action, case)
                    if model is None:
                        unknown.append(f"{view} {name} ({case.name})")
                        continue
                    posts.append((view, name, model, form, action))
            for view, name, model, form, action in posts:
                for role in CALLERS:
                    client = clients[role]
                    if role not in VISIBLE[case.target]:
                        continue
                    user = world.users[role]
                    hidden = walk.hidden_record(model, user)
                    if hidden is None:
                        failures.append(f"{view} {name}: no {model.__name__} outside {role}'s scope")
                        continue
                    found.add((view, name))
                    body = walk.form_body(form)
                    answers = []
                    for pk in (hidden.pk, MISSING):
                        with walk.rolled_back():
                            before = walk.row_counts()
                            response = client.post(action, {**body, name: [str(pk)]})
                            wrote = walk.written(before, walk.row_counts())
                        ids = (hidden.pk, MISSING)
                        answers.append((response.status_code, walk.normalise(response.get("Location", ""), *ids),
                                        [walk.normalise(m, *ids) for m in _messages(response)],
                                        walk.normalise(response.content.decode(), *ids), wrote))
                    (hs, hl, hm, hb, hw), (ms, ml, mm, mb, mw) = answers
                    where = f"{view} {name} as {role} ({model.__name__} {hidden.pk}, page {case.name})"
                    if (hw or mw) and not (hw == mw and _refusal_log(hw)):
                        failures.append(f"{where}: written {hw or mw}")
                    if (hs, hl, hm) != (ms, ml, mm):
                        failures.append(f"{where}: out of scope {hs} {hl} {hm} ≠ unknown {ms} {ml} {mm}")
                    elif hb != mb:
                        import difflib

                        diff = [d for d in difflib.unified_diff(hb.splitlines(), mb.splitlines(), lineterm="", n=0)
                                if d[:1] in "+-" and d[:3] not in ("+++", "---")]
                        failures.append(f"{where}: the pages differ: {diff[:6]}")
    print(f"{len(found)} id fields in forms: {sorted(found)}")
    assert not failures, "\n".join(failures)
    assert not unknown, "integer controls of unknown record (add to NOT_IDS if not an id):\n" + "\n".join(unknown)
    assert len(found) >= KNOWN_FORM_ID_FIELDS


def test_every_unit_or_region_an_import_names_answers_like_an_unknown_name(world):
    """The import names units and regions by name or code: every column it looks up (found by recording the
    lookups a full row makes) answers a unit or region outside the importer's scope like one that does not exist."""
    from anxiao.org import excel
    from anxiao.org.tests.test_excel import _xlsx

    rows = {"units": ["甲镇第二小学", "", "S100", "学校/幼儿园", "甲县/甲镇", "新华中学", "小学", "是", 1, "", ""],
            "people": ["李雷", "男", "13912345678", "新华中学", "班主任", "班主任", "新华中学", "七年级（3）班"]}
    hidden = {"_find_unit": world.b1.name, "_find_region": f"{world.county_b.name}/{world.town_b.name}"}
    looked_up: list[tuple[str, str, str]] = []
    for kind, row in rows.items():
        header = [h for h, _f, _r in excel.COLUMNS[kind]]
        originals = {name: getattr(excel, name) for name in hidden}

        def spy(name, fn, kind=kind):  # type: ignore[no-untyped-def]
            def wrapped(actor, text, *args):  # type: ignore[no-untyped-def]
                column = args[0] if args else name.removeprefix("_find_")
                looked_up.append((kind, column, name))
                return fn(actor, text, *args)
            return wrapped

        with walk.rolled_back():
            for name, fn in originals.items():
                setattr(excel, name, spy(name, fn))
            try:
                result = excel.import_file(world.users["bureau_admin"], kind, _xlsx([header, row]))
            finally:
                for name, fn in originals.items():
                    setattr(excel, name, fn)
        assert result.ok, (kind, [e.message for e in result.errors])
    columns = sorted(set(looked_up))
    assert len(columns) >= 4, columns  # units: region, parent; people: unit, post_unit
    failures = []
    for kind, column, finder in columns:
        header = [h for h, _f, _r in excel.COLUMNS[kind]]
        index = [f for _h, f, _r in excel.COLUMNS[kind]].index(column)
        for role in CALLERS:
            answers = []
            for text in (hidden[finder], "不存在的单位名称"):
                row = list(rows[kind])
                row[index] = text
                before = walk.row_counts()
                result = excel.import_file(world.users[role], kind, _xlsx([header, row]))
                wrote = walk.written(before, walk.row_counts())
                answers.append(([(e.row, e.column, e.message.replace(text, "NAME")) for e in result.errors], wrote))
            if answers[0] != answers[1] or answers[0][1] or not answers[0][0]:
                failures.append(f"{kind}.{column} as {role}: {answers[0]} ≠ {answers[1]}")
    assert not failures, "\n".join(failures)
