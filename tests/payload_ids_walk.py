"""Finding every id inside every write payload, for tests/test_payload_ids.py.

Nothing here is a hand list of endpoints: the API's id fields come from its OpenAPI document (request bodies), the
pages' id fields from the forms the pages render (the Django forms their views build, and the selects, check boxes
and hidden inputs of hand-written forms), the import's reference columns from the lookups a full row makes. The
records to name come from the permission matrix's own fixtures, run once more in a mirror of the test world (the
other county), so every kind of record a payload can name exists outside the callers' scope.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from anxiao.core.choices import PostKind, Role, Stage, UnitKind

MISSING = 987654321
ID_NAME = re.compile(r"(^|_)ids?$")


# --- which model an id names --------------------------------------------------------------------------------

def project_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("anxiao.")]


def model_by_stem() -> dict[str, set[Any]]:
    """Every foreign key's name in the project -> the models it points to (``responsible`` -> Person)."""
    out: dict[str, set[Any]] = {}
    for model in project_models():
        for field in model._meta.get_fields():
            if (field.many_to_one or field.many_to_many) and field.concrete and field.related_model is not None:
                out.setdefault(field.name, set()).add(field.related_model)
                if field.many_to_many:  # classes -> class, agencies -> agency, guards -> guard
                    for plural, single in (("ies", "y"), ("es", ""), ("s", "")):
                        if field.name.endswith(plural):
                            out.setdefault(field.name[: -len(plural)] + single, set()).add(field.related_model)
    for model in project_models():  # a model's own name (guard_ids -> Guard)
        out.setdefault(model._meta.model_name, set()).add(model)
    return out


def stem_of(name: str) -> str:
    return re.sub(r"_ids?$", "", name)


# --- the records outside the callers' scope -----------------------------------------------------------------

def mirror_world(world: Any) -> SimpleNamespace:
    """The test world's twin in the other county (乙县): b1 for a1, a second school for a2, 乙县教育局 for 甲县教育局,
    with a person and post for every one of the world's, and accounts of the same roles there."""
    from anxiao.accounts.models import Grant, User
    from anxiao.org.models import Person, Post, Unit

    m = SimpleNamespace(**{k: v for k, v in vars(world).items() if not k.startswith("_")})
    m.a1, m.bureau_a, m.county_a, m.town_a = world.b1, world.bureau_b, world.county_b, world.town_b
    m.a2 = Unit.objects.create(name="乙镇幼儿园", kind=UnitKind.SCHOOL, region=world.town_b, stage=Stage.KINDERGARTEN,
                               supervising_unit=world.bureau_b)
    m.dept_a = Unit.objects.create(name="乙县安全股", kind=UnitKind.BUREAU_DEPARTMENT, region=world.county_b,
                                   parent=world.bureau_b)
    units = {"a1": m.a1, "a2": m.a2, "bureau": m.bureau_a, "dept": m.dept_a}
    m.people, m.posts = {}, {}
    for key, old in world.posts.items():
        if key == "b1_principal":
            m.people[key], m.posts[key] = world.people[key], old
            continue
        unit = units[key.split("_")[0]]
        person = Person.objects.create(name=f"乙{old.holder.name}", unit=unit)
        m.people[key] = person
        m.posts[key] = Post.objects.create(unit=unit, kind=old.kind, title=old.title, holder=person)
    m.people["a1_principal"], m.posts["a1_principal"] = world.people["b1_principal"], world.posts["b1_principal"]
    from anxiao.org.models import Assignment, Group

    m.group_a1 = Group.objects.create(unit=m.a1, name="乙镇小学安全工作领导小组")
    m.assignment_a1 = Assignment.objects.create(holder_unit=m.dept_a, holder_post=m.posts["dept_head"],
                                                target_unit=m.a1)
    m.users = {"sysadmin": world.users["sysadmin"], "school_admin": world.users["outsider"],
               "outsider": world.users["school_admin"]}
    for name, role, holder, scope in [("school_member", Role.SCHOOL_MEMBER, "a1_teacher", m.a1),
                                      ("bureau_admin", Role.BUREAU_ADMIN, "dept_head", world.county_b),
                                      ("bureau_viewer", Role.BUREAU_VIEWER, "bureau_head", world.county_b)]:
        user = User.objects.create_user(username=f"mirror_{name}", password="x", person=m.people[holder])
        Grant.objects.create(user=user, role=role, unit=scope if isinstance(scope, Unit) else None,
                             region=None if isinstance(scope, Unit) else scope)
        m.users[name] = user
    assert PostKind  # the posts keep the world's kinds
    from anxiao.notifications.models import Notification

    Notification.objects.create(user=m.users["school_admin"], title="乙县的通知")  # one account's own record
    return m


def make_hidden_records(world: Any, cases: list[Any]) -> None:
    """Run every matrix row's fixtures in the mirror world: the same records, in the other county."""
    mirror = mirror_world(world)
    for case in cases:
        kept = dict(vars(mirror))
        try:
            with transaction.atomic():
                case.url(mirror)
                if case.data is not None:
                    case.data(mirror)
        except Exception:  # a fixture that cannot be made twice (one per system): its records stay the world's
            vars(mirror).clear()
            vars(mirror).update(kept)
    world.mirror = mirror


def hidden_record(model: Any, user: Any) -> Any:
    """A record of ``model`` that exists and that ``user`` may not see (the newest: the mirror's)."""
    qs = model._default_manager.all()
    if hasattr(qs, "visible_to"):
        return qs.exclude(pk__in=qs.visible_to(user).values("pk")).order_by("-pk").first()
    if model._meta.label == "accounts.User":
        return qs.exclude(pk=user.pk).filter(is_superuser=False).order_by("-pk").first()
    if any(f.name == "user" for f in model._meta.get_fields()):  # a record of one account's own
        return qs.exclude(user=user).order_by("-pk").first()
    return None


# --- nothing written ----------------------------------------------------------------------------------------

def _tables() -> list[str]:
    names = set()
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
            names |= {f.remote_field.through._meta.db_table for f in model._meta.many_to_many
                      if f.remote_field.through._meta.auto_created}
    skip = {"django_session"}
    return sorted(names - skip)


def row_counts() -> dict[str, int]:
    """Every table's row count, in one statement (log-in audit rows apart: a token's use is logged)."""
    from anxiao.core.models import AuditAction, AuditLog

    tables = _tables()
    q = connection.ops.quote_name
    audit = AuditLog._meta.db_table
    parts = [f"(SELECT COUNT(*) FROM {q(t)})" if t != audit else
             f"(SELECT COUNT(*) FROM {q(t)} WHERE action <> %s)" for t in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), [AuditAction.LOGIN])
        return dict(zip(tables, cursor.fetchone(), strict=True))


def written(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {t: after[t] - before[t] for t in before if after[t] != before[t]}


@contextmanager
def rolled_back() -> Iterator[None]:
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


# --- the API's id fields (OpenAPI) --------------------------------------------------------------------------

@dataclass(frozen=True)
class ApiField:
    operation: str  # operationId
    method: str
    path: tuple[Any, ...]  # ("members", 0, "person_id")
    many: bool  # a list of ids

    @property
    def name(self) -> str:
        return str(self.path[-1])

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.operation} {'.'.join(map(str, self.path))}"


def _deref(schema: dict[str, Any], comps: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = comps[schema["$ref"].split("/")[-1]]
    return schema


def _alternatives(schema: dict[str, Any], comps: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _deref(schema, comps)
    alts = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    return [_deref(a, comps) for a in alts] if alts else [schema]


def _walk(schema: dict[str, Any], comps: dict[str, Any], path: tuple[Any, ...], out: list[tuple[Any, ...]]) -> None:
    for alt in _alternatives(schema, comps):
        for name, prop in alt.get("properties", {}).items():
            kinds = _alternatives(prop, comps)
            if ID_NAME.search(name):
                out.append((*path, name, any(k.get("type") == "array" for k in kinds)))
                continue
            for kind in kinds:
                if kind.get("type") == "array":
                    _walk(kind.get("items", {}), comps, (*path, name, 0), out)
                elif "properties" in kind or "anyOf" in kind or "allOf" in kind:
                    _walk(kind, comps, (*path, name), out)


def api_id_fields() -> list[ApiField]:
    from anxiao.api import api

    schema = api.get_openapi_schema()
    comps = schema["components"]["schemas"]
    found = []
    for methods in schema["paths"].values():
        for method, op in methods.items():
            body = (op.get("requestBody") or {}).get("content", {})
            for content in body.values():
                out: list[tuple[Any, ...]] = []
                _walk(content["schema"], comps, (), out)
                found += [ApiField(op["operationId"], method, tuple(p[:-1]), p[-1]) for p in out]
    return found


def example(schema: dict[str, Any], comps: dict[str, Any]) -> Any:
    """A plausible value for a (nested) schema, for the required properties of a row the body did not have."""
    alt = [a for a in _alternatives(schema, comps) if a.get("type") != "null"][0]
    if "enum" in alt:
        return alt["enum"][0]
    kind = alt.get("type")
    if kind == "object" or "properties" in alt:
        return {k: example(v, comps) for k, v in alt.get("properties", {}).items() if k in alt.get("required", [])}
    if kind == "string":
        fmt = alt.get("format")
        today = datetime.date.today()
        return today.isoformat() if fmt == "date" else f"{today.isoformat()}T09:00:00" if fmt == "date-time" else "测试"
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(kind)


def item_schema(field: ApiField) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The schema of the list item that holds a nested id (``members[0]``), to make a row when the body has none."""
    from anxiao.api import api

    schema = api.get_openapi_schema()
    comps = schema["components"]["schemas"]
    for methods in schema["paths"].values():
        for method, op in methods.items():
            if op.get("operationId") != field.operation or method != field.method:
                continue
            node = next(iter(op["requestBody"]["content"].values()))["schema"]
            for step in field.path[:-1]:
                alts = _alternatives(node, comps)
                if step == 0:
                    node = next(a["items"] for a in alts if a.get("type") == "array")
                else:
                    node = next(a["properties"][step] for a in alts if step in a.get("properties", {}))
            return node, comps
    return None


def with_id(body: dict[str, Any], field: ApiField, value: int) -> dict[str, Any]:
    """The body with ``value`` at the field's place (a list of one for a list field), rows made where missing."""
    body = copy.deepcopy(body)
    node: Any = body
    for i, step in enumerate(field.path[:-1]):
        if step == 0:
            if not node:
                found = item_schema(field)
                node.append(example(*found) if found else {})
            node = node[0]
        else:
            nxt = field.path[i + 1]
            if node.get(step) in (None, [], {}):
                node[step] = [] if nxt == 0 else {}
            node = node[step]
    node[field.name] = [value] if field.many else value
    return body


# --- the pages' id fields (HTML forms) ----------------------------------------------------------------------

class FormParser(HTMLParser):
    """The POST forms of a page: action, and each named control (kind, value, options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "controls": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if "disabled" in a:  # not posted
            return
        if tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            self._form["controls"].append({"name": a["name"], "kind": kind, "value": a.get("value", ""),
                                          "checked": "checked" in a, "multiple": False, "options": []})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "select", "value": None, "checked": False,
                            "multiple": "multiple" in a, "options": []}
            self._form["controls"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "label": "", "selected": "selected" in a}
            self._select["options"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "kind": "textarea", "value": "", "checked": False,
                              "multiple": False, "options": []}
            self._form["controls"].append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["label"] += data
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
            self._option = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[dict[str, Any]]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        for c in form["controls"]:
            for o in c["options"]:
                if o["value"] is None:
                    o["value"] = o["label"].strip()
    return [f for f in parser.forms if f["method"] == "post"]


def form_body(form: dict[str, Any]) -> dict[str, Any]:
    """What the form posts untouched (its values, the selected or first option, checked boxes)."""
    body: dict[str, list[str]] = {}
    for c in form["controls"]:
        if c["kind"] in ("submit", "button", "reset", "file", "image"):
            continue
        if c["kind"] in ("checkbox", "radio"):
            if c["checked"]:
                body.setdefault(c["name"], []).append(c["value"] or "on")
            continue
        if c["kind"] == "select":
            chosen = [o["value"] for o in c["options"] if o["selected"]]
            if not chosen and not c["multiple"]:
                chosen = [o["value"] for o in c["options"] if o["value"]][:1]
            body.setdefault(c["name"], []).extend(chosen)
            continue
        body.setdefault(c["name"], []).append(c["value"])
    return body


INTEGER = re.compile(r"^\d+$")


def integer_controls(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The controls of a form that post record ids: selects and check boxes whose values are whole numbers, and
    hidden inputs named like an id. name -> {"many": bool, "labels": {id: label}}."""
    found: dict[str, dict[str, Any]] = {}
    for c in form["controls"]:
        name = c["name"]
        if c["kind"] == "select":
            values = [o for o in c["options"] if o["value"]]
            if values and all(INTEGER.match(o["value"]) for o in values):
                found[name] = {"many": c["multiple"], "labels": {o["value"]: o["label"].strip() for o in values}}
        elif c["kind"] in ("checkbox", "radio") and INTEGER.match(c["value"] or ""):
            entry = found.setdefault(name, {"many": c["kind"] == "checkbox", "labels": {}})
            entry["labels"][c["value"]] = ""
        elif c["kind"] == "hidden" and ID_NAME.search(name) and INTEGER.match(c["value"] or ""):
            found[name] = {"many": False, "labels": {c["value"]: ""}}
    return found


def guess_model(user: Any, name: str, labels: dict[str, str], stems: dict[str, set[Any]],
                forms_seen: dict[str, Any]) -> Any:
    """The model a page's id control names: the Django form's own field when the view built one, else the model
    whose visible records carry those ids and labels, else the foreign key of that name."""
    if name in forms_seen:
        return forms_seen[name]
    ids = [int(v) for v in labels if int(v) < 2 ** 31][:20]
    named = [lbl for lbl in labels.values() if lbl]
    tokens = [t for t in re.split(r"[_\-\d]+", name) if t]
    candidates: list[Any] = []
    for token in [stem_of(name), *tokens]:
        for key in (token, token.rstrip("s")):
            candidates += [m for m in stems.get(key, ()) if m not in candidates]
    if named:
        for model in candidates + [m for m in project_models() if m not in candidates]:
            qs = model._default_manager.all()
            if not hasattr(qs, "visible_to"):
                continue
            objs = {str(o.pk): str(o) for o in qs.visible_to(user).filter(pk__in=ids)}
            if len(objs) == len(ids) and all(str(objs.get(v, "")).strip() and objs[v] in labels[v]
                                             for v in list(objs)[:5]):
                return model
    if len(candidates) == 1:
        return candidates[0]
    for model in candidates:  # several foreign keys of that name: the one whose visible records hold those ids
        qs = model._default_manager.all()
        if ids and hasattr(qs, "visible_to") and qs.visible_to(user).filter(pk__in=ids).count() == len(set(ids)):
            return model
    return None


@contextmanager
def django_forms_built() -> Iterator[dict[str, Any]]:
    """The model-choice fields of every Django form built meanwhile (read when the block ends, after the views set
    their querysets): posted name -> model."""
    from django import forms

    built: list[Any] = []
    seen: dict[str, Any] = {}
    original = forms.BaseForm.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self)

    forms.BaseForm.__init__ = init  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        forms.BaseForm.__init__ = original  # type: ignore[method-assign]
        for form in built:
            for fname, field in form.fields.items():
                if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                    seen[form.add_prefix(fname)] = field.queryset.model


def normalise(text: str, *pks: int) -> str:
    """An answer with the id named in it replaced by ``ID`` (JSON read as text, not \\u escapes)."""
    with suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
    for pk in pks:  # both ids in both answers: a page's own numbers that equal the id then read alike too
        text = re.sub(rf"(?<![\w.]){pk}(?![\w.])", "ID", text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    text = re.sub(r'<ul class="messages">.*?</ul>', "", text, flags=re.S)  # messages are compared apart
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", text)
    return text


def count_fk_models() -> int:
    return len({f.related_model for m in project_models() for f in m._meta.get_fields()
                if isinstance(f, models.ForeignKey)})
