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

from .choices import WRITE_ROLES, Role

NOTHING = Q(pk__in=[])
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
        from anxiao.accounts.models import Grant

        cached = list(Grant.objects.filter(user=user, revoked_at__isnull=True).select_related("unit", "region"))
        user._anxiao_grants = cached
    return cached


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


def roles_over_unit(user: Any, unit: Any) -> set[str]:
    """The roles a user holds over one unit (through any grant that covers it)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return {Role.SYSTEM_ADMIN}
    roles = set()
    for g in _grants(user):
        if g.role == Role.SYSTEM_ADMIN or g.unit_id and unit.path.startswith(g.unit.path) or g.region_id and unit.region_path.startswith(g.region.path):
            roles.add(g.role)
    return roles


def is_system_admin(user: Any) -> bool:
    return user_scope(user).everything


class ScopedQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        from .validation import check_values

        check_values(self.model, kwargs)  # the same input check as save() (core.validation)
        return super().update(**kwargs)

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
    from anxiao.org.models import Unit

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
