"""The one access-checked path to every record.

A user's grants give a role over a region subtree or a unit subtree. ``Model.objects.visible_to(user)``
narrows any scoped model to what the user may see; ``writable_by(user)`` to what they may change.
Views fetch single objects with :func:`get_visible_or_404`, so a record outside the scope answers
404, exactly as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from .choices import READ_ONLY_ROLES, WRITE_ROLES, Role

NOTHING = Q(pk__in=[])


def model(app_label: str, name: str) -> Any:
    """A model of the apps core serves (accounts, org), looked up by label: core imports no app (no import cycle)."""
    from django.apps import apps

    return apps.get_model(app_label, name)
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_paths: frozenset[str] = field(default_factory=frozenset)
    region_paths: frozenset[str] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.unit_paths or self.region_paths)

    def unit_q(self, prefix: str = "") -> Q:
        """Q for records whose unit (reached through ``prefix``, e.g. ``"unit__"``) is in scope."""
        if self.everything:
            return Q()
        q = NOTHING
        for path in self.unit_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        for path in self.region_paths:
            q |= Q(**{f"{prefix}region_path__startswith": path})
        return q

    def covers_unit(self, unit: Any) -> bool:
        if self.everything:
            return True
        return any(unit.path.startswith(p) for p in self.unit_paths) or any(
            unit.region_path.startswith(p) for p in self.region_paths
        )

    def covers_region(self, region: Any) -> bool:
        return self.everything or any(region.path.startswith(p) for p in self.region_paths)


def ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _grants(user: Any) -> list[Any]:
    cached = getattr(user, "_anxiao_grants", None)
    if cached is None:
        cached = list(model("accounts", "Grant").objects.filter(user=user, revoked_at__isnull=True).select_related("unit", "region"))
        user._anxiao_grants = cached
    return cached


def user_grants(user: Any) -> list[Any]:
    """The user's live (unrevoked) grants, read once per request."""
    return _grants(user)


def user_scope(user: Any, write: bool = False) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    key = "_anxiao_scope_w" if write else "_anxiao_scope_r"
    cached = getattr(user, key, None)
    if cached is not None:
        return cached
    grants = _grants(user)
    if user.is_superuser or any(g.role == Role.SYSTEM_ADMIN for g in grants):
        scope = Scope(everything=True)
    else:
        chosen = [g for g in grants if not write or g.role in WRITE_ROLES]
        scope = Scope(
            unit_paths=frozenset(g.unit.path for g in chosen if g.unit_id),
            region_paths=frozenset(g.region.path for g in chosen if g.region_id),
        )
    setattr(user, key, scope)
    return scope


NO_RIGHT = "您没有在该范围内修改的权限"


def write_scope(actor: Any) -> Scope:
    """What an action may change: the user's write scope, or everything for the system (``actor`` None: the pack
    loader, the worker, the demo)."""
    if actor is None:
        return Scope(everything=True)
    return user_scope(actor, write=True)


def require_write(actor: Any, unit: Any, message: str = NO_RIGHT) -> None:
    """PermissionDenied(message) unless the actor may change records of ``unit`` (the system always may)."""
    from django.core.exceptions import PermissionDenied

    if not write_scope(actor).covers_unit(unit):
        raise PermissionDenied(message)


def home_region(user: Any) -> Any:
    """The region a roll-up opens on for the user (issue 18: drill down from there, a level at a time): the
    deepest region that holds every region the user has a grant over; the top region for a system scope; None
    for a user whose scope is units only (a school's people) or nothing."""
    Region = model("org", "Region")

    scope = user_scope(user)
    if scope.everything:
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.unit_paths or not scope.region_paths:
        return None
    common: list[str] = []
    for ids in zip(*[p.strip("/").split("/") for p in scope.region_paths], strict=False):
        if len(set(ids)) != 1:
            break
        common.append(ids[0])
    return Region.objects.filter(pk=int(common[-1])).first() if common else None


def grants_over(user: Any, unit: Any = None, region: Any = None) -> list[Any]:
    """The user's live grants that cover a unit (unit or region subtree) or a whole region (region subtree)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    def covers(g: Any) -> bool:
        if g.role == Role.SYSTEM_ADMIN:
            return True
        if unit is not None:
            return bool(g.unit_id and unit.path.startswith(g.unit.path)
                        or g.region_id and unit.region_path.startswith(g.region.path))
        return bool(region is not None and g.region_id and region.path.startswith(g.region.path))

    found = [g for g in _grants(user) if covers(g)]
    return found


def roles_over_unit(user: Any, unit: Any) -> set[str]:
    """The roles a user holds over one unit (through any grant that covers it)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return {Role.SYSTEM_ADMIN}
    return {g.role for g in grants_over(user, unit=unit)}


def roles_over_region(user: Any, region: Any) -> set[str]:
    """The roles a user holds over a whole region (through a region grant at or above it)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return {Role.SYSTEM_ADMIN}
    return {g.role for g in grants_over(user, region=region)}


# Strongest first: the power to change things before the power to look.
ROLE_ORDER = [Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN, Role.BUREAU_VIEWER, Role.SCHOOL_MEMBER]


def effective_role(user: Any, unit: Any = None, region: Any = None) -> str | None:
    """The strongest role a user holds over a unit or a region (None when the user holds none)."""
    roles = roles_over_unit(user, unit) if unit is not None else roles_over_region(user, region) if region is not None else set()
    return next((r for r in ROLE_ORDER if r in roles), None)


# What a read-only account may still post: its own session, password, language, messages and tokens.
OWN_ACCOUNT_VIEWS = frozenset({
    "accounts:login", "accounts:logout", "accounts:password", "set_language", "notifications:read_all",
    "api:revoke_token", "api:notifications_read", "api:issue_token",
})
# What a person does in their own name, whatever their grant: the director (局长) with a read-only grant still
# acknowledges his own duty list, signs his own letter, records his own duty work; a town
# chief (a read-only grant over the town) routes, verifies and returns tasks; a member agency's liaison accepts and closes
# them; the rostered person checks in at the gate. Each of these actions checks the person itself (the post's
# holder, the signatory, the chief, the agency's staff, the rostered person) and refuses anybody else, so a
# read-only account reaches them only for its own person's work.
PERSONAL_VIEWS = frozenset({
    "responsibility:list_acknowledge", "responsibility:letter_sign", "api:responsibility_lists_acknowledge",
    "api:letters_sign",
    "obligations:occurrence_done", "obligations:activity_create", "obligations:activity_edit",
    "api:occurrences_done", "api:activities_create",
    "chiefs:task_create", "chiefs:task_accept", "chiefs:task_close", "chiefs:task_verify", "chiefs:task_return",
    "api:chiefs_tasks_create",
    "api:chiefs_tasks_accept", "api:chiefs_tasks_close", "api:chiefs_tasks_verify", "api:chiefs_tasks_return",
    "chiefs:duty_checkin", "chiefs:gate_scan", "api:chiefs_duties_checkin",
    "inspections:inspection_sign",
})
READ_ONLY_MESSAGE = "您的账号只能查看，不能新建或修改任何记录"


def is_read_only(user: Any) -> bool:
    """A user whose every grant is a read-only role (教育局查看): they may look, never change anything."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    grants = _grants(user)
    return bool(grants) and all(g.role in READ_ONLY_ROLES for g in grants)


def can_act_over(user: Any, unit: Any) -> bool:
    """The user holds a role over the unit that may do something there (any role but a read-only one):
    reporting a hazard, checking in, recording one's own work. Actions open to "anybody who can see the unit"
    use this instead of visibility, so a read-only grant never writes."""
    if user is None:  # the system itself (CLI, demo, worker)
        return True
    return bool(roles_over_unit(user, unit) - READ_ONLY_ROLES)


def refuse_read_only_write(request: Any, user: Any) -> None:
    """The one gate for read-only accounts: any request that is not GET/HEAD/OPTIONS is refused (403), except
    the account's own housekeeping (``OWN_ACCOUNT_VIEWS``) and its person's own work (``PERSONAL_VIEWS``, where
    the action itself admits only the person concerned). Run by ``core.middleware.ReadOnlyMiddleware`` for
    pages and session API calls and by the API's token authentication."""
    from django.core.exceptions import PermissionDenied

    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    match = getattr(request, "resolver_match", None)
    if not may_post(user, match.view_name if match is not None else None):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def may_post(user: Any, view_name: str | None) -> bool:
    """Whether the read-only gate lets the user post to a view (by its URL name, "app:name"): everybody but a
    read-only account, which posts only its own housekeeping and its person's own work. The gate
    (:func:`refuse_read_only_write`) and the pages share it: a page offers a read-only account no form the gate
    would refuse (the ``read_only`` / ``may_post_here`` context and the ``may_post`` filter, core.context_processors)."""
    if not is_read_only(user):
        return True
    return view_name in OWN_ACCOUNT_VIEWS or view_name in PERSONAL_VIEWS


def is_system_admin(user: Any) -> bool:
    return user_scope(user).everything


def may_manage(user: Any) -> bool:
    """A manager of some scope (a write role): the check behind every page and button only managers use (settings,
    accounts, the audit log, imports, new records). Menu entries name it too, so the menu never offers what the
    page refuses (core.navigation)."""
    return not user_scope(user, write=True).empty


class ScopedQuerySet(models.QuerySet[M]):
    def visible_to(self, user: Any) -> ScopedQuerySet[M]:
        scope = user_scope(user)
        if scope.everything:
            return self.all()
        return self.filter(self.model.scope_q(scope))  # type: ignore[attr-defined]

    def writable_by(self, user: Any) -> ScopedQuerySet[M]:
        scope = user_scope(user, write=True)
        if scope.everything:
            return self.all()
        return self.filter(self.model.scope_q(scope, write=True))  # type: ignore[attr-defined]

    def update(self, **kwargs: Any) -> int:
        """A bulk update of an audited record type writes one audit row per changed record (before/after of
        the fields it sets), in the same transaction: no domain write bypasses the log."""
        from .audit import audited_update
        from .validation import check_values

        check_values(self.model, kwargs)  # the same input check as save() (core.validation)
        return audited_update(self, kwargs, lambda: super(ScopedQuerySet, self).update(**kwargs))

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[M]:
        """Bulk creation of an audited record type logs a "create" row per record, like save() would."""
        from .audit import log_created

        created = super().bulk_create(objs, *args, **kwargs)
        log_created(self.model, created)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        """Bulk update of an audited record type logs each changed record, like update() does."""
        from .audit import audited_bulk_update

        objs = list(objs)
        return audited_bulk_update(self, objs, list(fields),
                                   lambda: super(ScopedQuerySet, self).bulk_update(objs, fields, *args, **kwargs))


def default_scope_q(model: type[models.Model], scope: Scope) -> Q:
    fields: tuple[str, ...] = getattr(model, "scope_unit_fields", ())
    if not fields:
        raise TypeError(f"{model.__name__} declares no scope_unit_fields")
    q = NOTHING
    for f in fields:
        q |= scope.unit_q(f"{f}__" if f else "")
    return q


SCOPE_ID_LIST_LIMIT = 5000  # beyond this many units, a subquery instead of an id list


def units_in_scope(scope: Scope) -> Any:
    """The ids of the units in scope, for ``unit__in=``: a list when it is short, a subquery beyond the limit.

    On tables of millions of rows, a join on the unit's path prefix makes PostgreSQL guess ~5 units where a
    county has 200 and pick a plan 10x slower; an id list is planned right (benchmarks/bench_hazards.py,
    bench_obligations.py)."""
    Unit = model("org", "Unit")

    units = Unit.objects.filter(scope.unit_q()).order_by()
    ids = list(units.values_list("id", flat=True)[: SCOPE_ID_LIST_LIMIT + 1])
    return units.values("id") if len(ids) > SCOPE_ID_LIST_LIMIT else ids


def get_visible_or_404(queryset_or_model: Any, user: Any, **lookup: Any) -> Any:
    qs: Any = queryset_or_model
    if isinstance(qs, type):
        qs = qs._default_manager.all()  # type: ignore[attr-defined]
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def can_write(user: Any, obj: models.Model) -> bool:
    qs = type(obj).objects.writable_by(user)  # type: ignore[attr-defined]
    return qs.filter(pk=obj.pk).exists()


def _missing(field: str, label: str, ids: list[Any]) -> Any:
    from django.core.exceptions import ValidationError

    shown = "、".join(str(i)[:30] for i in ids[:10])
    return ValidationError({field: [f"编号为 {shown} 的{label}不存在或不可见"]})


def _visible_qs(queryset_or_model: Any, user: Any) -> Any:
    qs: Any = queryset_or_model
    if isinstance(qs, type):
        qs = qs._default_manager.all()  # type: ignore[attr-defined]
    return qs.visible_to(user) if user is not None and hasattr(qs, "visible_to") else qs


def resolve_visible(queryset_or_model: Any, user: Any, pk: Any, field: str, label: str = "") -> Any:
    """The record a payload names by id, looked up within what the user may see.

    The one resolver for ids inside forms, API payloads and imports: an id outside the scope answers with
    exactly the same field error as an id that does not exist (``ValidationError({field: [...]})``).
    ``user=None`` is the system itself (CLI, demo), which sees everything. ``None`` resolves to ``None``."""
    if pk is None or pk == "":
        return None
    qs = _visible_qs(queryset_or_model, user)
    label = label or str(qs.model._meta.verbose_name)
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise _missing(field, label, [pk]) from None


def resolve_many(queryset_or_model: Any, user: Any, pks: Any, field: str, label: str = "") -> list[Any]:
    """The records a payload names by a list of ids, in the order given (duplicates once), as
    :func:`resolve_visible` does for one: unknown and invisible ids answer alike."""
    qs = _visible_qs(queryset_or_model, user)
    label = label or str(qs.model._meta.verbose_name)
    wanted: list[Any] = []
    bad: list[Any] = []
    for pk in pks or []:
        try:
            key = int(pk)
        except (ValueError, TypeError, OverflowError):
            bad.append(pk)
            continue
        if key not in wanted:
            wanted.append(key)
    found = {o.pk: o for o in qs.filter(pk__in=[k for k in wanted if abs(k) < 2 ** 63])} if wanted else {}
    bad += [k for k in wanted if k not in found]
    if bad:
        raise _missing(field, label, bad)
    return [found[k] for k in wanted]
