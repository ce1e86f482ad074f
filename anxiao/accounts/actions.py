"""Account operations: log-in with throttling, API tokens, grants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anxiao.core.access import (
    grants_over,
    is_system_admin,
    roles_over_region,
    roles_over_unit,
    user_grants,
    user_scope,
)
from anxiao.core.choices import Role, UnitKind

from .models import ApiToken, Grant, LoginFailure, User


class LoginLocked(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试")
        self.minutes = minutes


def account_for_login(login: str) -> User | None:
    """The one account a typed identifier names (user name in any case, or its person's mobile), if any."""
    login = (login or "").strip()
    if not login:
        return None
    found = list(User.objects.filter(Q(username__iexact=login) | Q(person__mobile=login))[:2])
    return found[0] if len(found) == 1 else None


def _failure_key(login: str, account: User | None) -> str:
    return (account.username if account is not None else (login or "").strip()).lower()[:150]


def _locked_account(key: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return LoginFailure.objects.filter(username=key, at__gte=since).count() >= settings.LOGIN_FAILURE_LIMIT


def _locked_address(ip: str | None) -> bool:
    """An address that has tried too many unknown names; it does not lock the known accounts behind it."""
    if not ip:
        return False
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    unknown = LoginFailure.objects.filter(ip=ip, known=False, at__gte=since).count()
    return unknown >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def log_in(request: Any, login: str, password: str) -> User | None:
    """Check the credentials; raises LoginLocked after repeated failures. None when wrong.

    Failures count per account, whatever identifier named it (user name in any case, mobile), and per client
    address (``core.middleware.client_ip``, which honours ``ANXIAO_TRUSTED_PROXIES``) for unknown names only.
    On a locked address a wrong password gets the same locked answer as an unknown name (no oracle for which
    names exist), while the right password still gets in: one proxy never locks out a whole county."""
    from anxiao.core.middleware import client_ip

    login = (login or "").strip()
    ip = client_ip(request) if request is not None else None
    account = account_for_login(login)
    key = _failure_key(login, account)
    if _locked_account(key) or (account is None and _locked_address(ip)):
        raise LoginLocked(settings.LOGIN_LOCKOUT_MINUTES)
    user = authenticate(request, username=login, password=password)
    if user is None:
        LoginFailure.objects.create(username=key, known=account is not None, ip=ip)
        if _locked_address(ip):
            raise LoginLocked(settings.LOGIN_LOCKOUT_MINUTES)
        return None
    LoginFailure.objects.filter(username=key).delete()
    return user  # type: ignore[return-value]


def issue_token(request: Any, login: str, password: str, name: str = "api") -> str | None:
    user = log_in(request, login, password)
    if user is None:
        return None
    _token, raw = ApiToken.issue(user, name=name)
    log_account_event(user, "login", {"via": ["", "api"]})
    return raw


def user_for_token(raw: str) -> User | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True, expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of an account (its password changed, or it was deactivated)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def may_manage_tokens(actor: Any, owner: User) -> bool:
    """The owner, a system admin, or someone above every grant the owner holds (who could revoke them all)."""
    if actor is None or is_system_admin(actor) or getattr(actor, "pk", None) == owner.pk:
        return True
    grants = list(Grant.objects.filter(user=owner, revoked_at__isnull=True).select_related("unit", "region"))
    return bool(grants) and all(can_revoke(actor, g) for g in grants)


def tokens_of(actor: Any, owner: User) -> Any:
    if not may_manage_tokens(actor, owner):
        raise PermissionDenied("无权查看该账号的令牌")
    return ApiToken.objects.filter(user=owner).order_by("-created_at")


def revoke_token(actor: Any, token: ApiToken) -> ApiToken:
    if not may_manage_tokens(actor, token.user):
        raise PermissionDenied("无权撤销该令牌")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_account_event(token.user, "update", {"api_token": [token.prefix, "已撤销"]})
    return token


TEMPORARY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/I


def reset_password(actor: Any, user: User) -> str:
    """An administrator above the account gives it a temporary password (shown once); the holder must change
    it at the next log-in. The account's API tokens are revoked with the old password (accounts.signals)."""
    import secrets

    if actor is None or getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied("不能重置自己的密码，请在“修改密码”中修改")
    if not may_manage_tokens(actor, user) or (user.is_superuser and not actor.is_superuser):
        raise PermissionDenied("只能重置本人管理范围内、低于本人的账号的密码")
    temporary = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(12))
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    log_account_event(user, "update", {"must_change_password": [False, True]})
    return temporary


def log_account_event(user: User, action: str, changes: dict[str, Any]) -> None:
    """Write an account event (creation, password, activation, log-in, tokens) to the audit log."""
    from anxiao.core.audit import write_event

    unit = user.person.unit if user.person_id and user.person else None
    write_event(user, action, changes, unit=unit)


def create_account(actor: Any, person: Any, username: str, password: str, role: str,
                   region: Any = None, unit: Any = None) -> User:
    """An account for a person, with one grant. The actor must be able to write in that scope."""
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["该用户名已被使用"]
    if person is not None and User.objects.filter(person=person).exists():
        errors["person"] = ["此人已有账号"]
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, person=person)
        grant(actor, user, role, region=region, unit=unit)
    return user


# Which roles a holder of each role may grant or revoke (at or below its own).
GRANTABLE: dict[str, set[str]] = {
    Role.SYSTEM_ADMIN: set(Role.values),
    Role.BUREAU_ADMIN: {Role.BUREAU_ADMIN, Role.BUREAU_VIEWER, Role.SCHOOL_ADMIN, Role.SCHOOL_MEMBER},
    Role.SCHOOL_ADMIN: {Role.SCHOOL_ADMIN, Role.SCHOOL_MEMBER},
    Role.BUREAU_VIEWER: set(),
    Role.SCHOOL_MEMBER: set(),
}
BUREAU_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_VIEWER}
BUREAU_UNIT_KINDS = {UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT}


def grantable_roles(actor: Any) -> set[str]:
    """The roles an actor may grant somewhere in its scope (for the form's choices)."""
    if actor is None or is_system_admin(actor):
        return set(Role.values)
    roles: set[str] = set()
    for g in _actor_grants(actor):
        roles |= GRANTABLE.get(g.role, set())
    return roles


def _actor_grants(actor: Any) -> list[Any]:
    return user_grants(actor) if getattr(actor, "is_authenticated", False) and actor.is_active else []


def check_grantable(actor: Any, role: str, region: Any = None, unit: Any = None) -> None:
    """Refuse a grant the actor may not give: a role above its own, outside its scope, or of the wrong shape.

    Shape errors are ValidationError (on the field); escalation is PermissionDenied. ``actor=None`` is the
    system itself (CLI, demo), which is held to the shape rules only."""
    if role not in Role.values:
        raise ValidationError({"role": ["未知的角色"]})
    if role == Role.SYSTEM_ADMIN:
        if actor is not None and not is_system_admin(actor):
            raise PermissionDenied("只有系统管理员可以授予系统管理员角色")
        return
    if (region is None) == (unit is None):
        raise ValidationError({"unit": ["请选择授权范围：区划或单位之一"]})
    if role in BUREAU_ROLES and unit is not None and unit.kind not in BUREAU_UNIT_KINDS:
        raise ValidationError({"unit": ["教育局角色的授权范围须为区划或教育局（股室）"]})
    if actor is None or is_system_admin(actor):
        return
    held = roles_over_unit(actor, unit) if unit is not None else roles_over_region(actor, region)
    if not any(role in GRANTABLE.get(r, set()) for r in held):
        raise PermissionDenied("只能在本人管理范围内授予不高于本人的角色")


def _strictly_inside(g: Any, region: Any, unit: Any) -> bool:
    """Whether the actor's grant ``g`` covers the target scope and more (the target is strictly smaller)."""
    if g.region_id:
        return unit is not None or region.path != g.region.path
    return unit is not None and unit.path != g.unit.path


def can_revoke(actor: Any, g: Grant) -> bool:
    """An actor may revoke a grant it could give, held by someone below it: peers cannot revoke each other.

    Below means a lower role over the grant's scope, or the same role over a strictly larger scope."""
    if actor is None or is_system_admin(actor):
        return True
    region = g.region if g.region_id else None
    unit = g.unit if g.unit_id else None
    if g.role == Role.SYSTEM_ADMIN or (region is None and unit is None):
        return False
    for mine in grants_over(actor, unit=unit, region=region):
        if g.role not in GRANTABLE.get(mine.role, set()):
            continue
        if mine.role != g.role or _strictly_inside(mine, region, unit):
            return True
    return False


def _forget_grants(user: User) -> None:
    for attr in ("_anxiao_grants", "_anxiao_scope_r", "_anxiao_scope_w"):
        if hasattr(user, attr):
            delattr(user, attr)


def grant(actor: Any, user: User, role: str, region: Any = None, unit: Any = None) -> Grant:
    check_grantable(actor, role, region=region, unit=unit)
    g = Grant.objects.create(user=user, role=role, region=region, unit=unit, granted_by=actor)
    _forget_grants(user)
    return g


def revoke(actor: Any, g: Grant) -> Grant:
    if not can_revoke(actor, g):
        raise PermissionDenied("无权撤销该授权：只能撤销本人管理范围内、低于本人的授权")
    g.revoked_at = timezone.now()
    g.save(update_fields=["revoked_at", "updated_at"])
    _forget_grants(g.user)
    return g


def accounts_in_scope(actor: Any) -> Any:
    scope = user_scope(actor)
    qs = User.objects.all()
    if scope.everything:
        return qs
    return qs.filter(Q(person__unit__in=_units_q(scope))).distinct()


def _units_q(scope: Any) -> Any:
    from anxiao.org.models import Unit

    return Unit.objects.filter(scope.unit_q())
