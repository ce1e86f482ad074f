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

from anxiao.core.access import user_scope
from anxiao.core.choices import Role

from .models import ApiToken, Grant, LoginFailure, User


class LoginLocked(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试")
        self.minutes = minutes


def _recent_failures(login: str, ip: str | None) -> int:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    by_name = LoginFailure.objects.filter(username=login.lower(), at__gte=since).count()
    by_ip = LoginFailure.objects.filter(ip=ip, at__gte=since).count() if ip else 0
    # An address may try a few accounts (a shared office), but not endlessly.
    return max(by_name, by_ip // 3)


def log_in(request: Any, login: str, password: str) -> User | None:
    """Check the credentials; raises LoginLocked after repeated failures. None when wrong."""
    login = (login or "").strip()
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    if _recent_failures(login, ip) >= settings.LOGIN_FAILURE_LIMIT:
        raise LoginLocked(settings.LOGIN_LOCKOUT_MINUTES)
    user = authenticate(request, username=login, password=password)
    if user is None:
        LoginFailure.objects.create(username=login.lower()[:150], ip=ip)
        return None
    LoginFailure.objects.filter(username=login.lower()).delete()
    return user  # type: ignore[return-value]


def issue_token(request: Any, login: str, password: str, name: str = "api") -> str | None:
    user = log_in(request, login, password)
    if user is None:
        return None
    _token, raw = ApiToken.issue(user, name=name)
    return raw


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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


def grant(actor: Any, user: User, role: str, region: Any = None, unit: Any = None) -> Grant:
    if role not in Role.values:
        raise ValidationError({"role": ["未知的角色"]})
    if role != Role.SYSTEM_ADMIN and (region is None) == (unit is None):
        raise ValidationError({"unit": ["请选择授权范围：区划或单位之一"]})
    scope = user_scope(actor, write=True) if actor is not None else None
    if scope is not None and not scope.everything:
        if role == Role.SYSTEM_ADMIN:
            raise PermissionDenied("只有系统管理员可以授予系统管理员角色")
        inside = scope.covers_unit(unit) if unit is not None else scope.covers_region(region)
        if not inside:
            raise PermissionDenied("授权范围超出了您的管理范围")
        if role in {Role.BUREAU_ADMIN, Role.BUREAU_VIEWER} and region is not None and not scope.covers_region(region):
            raise PermissionDenied("授权范围超出了您的管理范围")
    g = Grant.objects.create(user=user, role=role, region=region, unit=unit, granted_by=actor)
    for attr in ("_anxiao_grants", "_anxiao_scope_r", "_anxiao_scope_w"):
        if hasattr(user, attr):
            delattr(user, attr)
    return g


def revoke(actor: Any, g: Grant) -> Grant:
    if not Grant.objects.writable_by(actor).filter(pk=g.pk).exists() and not user_scope(actor).everything:
        raise PermissionDenied("无权撤销该授权")
    g.revoked_at = timezone.now()
    g.save(update_fields=["revoked_at", "updated_at"])
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
