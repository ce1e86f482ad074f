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


def temporary_password() -> str:
    import secrets

    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(12))


def reset_password(actor: Any, user: User) -> str:
    """An administrator above the account gives it a temporary password (shown once); the holder must change
    it at the next log-in. The account's API tokens are revoked with the old password (accounts.signals)."""
    if actor is None or getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied("不能重置自己的密码，请在“修改密码”中修改")
    if not may_manage_tokens(actor, user) or (user.is_superuser and not actor.is_superuser):
        raise PermissionDenied("只能重置本人管理范围内、低于本人的账号的密码")
    temporary = temporary_password()
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


# --- accounts at scale: from the people import, and bulk disable --------------------------------------

# The role an account opened from the people import gets, derived from the post (a school's leaders administer
# it, everyone else at a school is a member; a bureau's safety staff administer, its other posts view).
SCHOOL_ADMIN_POSTS = {"principal", "safety_deputy", "school_party_secretary"}
BUREAU_ADMIN_POSTS = {"bureau_safety_leader", "bureau_dept_head", "bureau_dept_staff"}
SCHOOL_KINDS = {UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT}


def role_for_post(post: Any, role: str = "") -> tuple[str, Any, Any]:
    """(role, region, unit) of the grant for a post's holder: the role given, else derived from the post.
    A school role is granted over the school (a department's post: its school); a bureau role over the bureau's
    region. Raises ValidationError on the 账号角色 column when nothing can be derived."""
    unit = post.unit
    if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent is not None:
        unit = unit.parent
    if unit.kind == UnitKind.BUREAU_DEPARTMENT and unit.parent is not None:
        unit = unit.parent
    if unit.kind == UnitKind.SCHOOL:
        role = role or (Role.SCHOOL_ADMIN if post.kind in SCHOOL_ADMIN_POSTS else Role.SCHOOL_MEMBER)
    elif unit.kind == UnitKind.BUREAU:
        role = role or (Role.BUREAU_ADMIN if post.kind in BUREAU_ADMIN_POSTS else Role.BUREAU_VIEWER)
    if not role:
        raise ValidationError({"account_role": ["无法从该岗位确定账号角色，请填写“账号角色”"]})
    if role in BUREAU_ROLES:
        return role, unit.region, None
    if role == Role.SYSTEM_ADMIN:
        return role, None, None
    return role, None, unit


def open_account(actor: Any, person: Any, post: Any, username: str = "", role: str = "") -> tuple[User, str]:
    """An account for an imported person with the grant its post calls for (``check_grantable`` decides: the
    importer's own scope, a role at or below its own) and a temporary password the holder must change at the
    first log-in. Returns the account and the password (shown once to the importer, never stored)."""
    username = (username or person.mobile or "").strip()
    if not username:
        raise ValidationError({"username": ["开通账号需要填写“账号”或“手机号”"]})
    role, region, unit = role_for_post(post, role)
    temporary = temporary_password()
    user = create_account(actor, person, username, temporary, role, region=region, unit=unit)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    return user, temporary


def manageable_accounts(actor: Any, ids: Any, field: str = "ids") -> list[User]:
    """The accounts a payload names, each one the actor may manage (in its scope, below it, not itself). An id
    out of scope, one held by a peer or above, and one that does not exist are refused alike (the wording of
    ``core.access.resolve_many``), naming every such id."""
    keys: list[int] = []
    bad: list[Any] = []
    for raw in ids or []:
        try:
            key = int(raw)
        except (TypeError, ValueError, OverflowError):
            bad.append(str(raw)[:30])
            continue
        if key not in keys:
            keys.append(key)
    found = {u.pk: u for u in accounts_in_scope(actor).filter(pk__in=[k for k in keys if abs(k) < 2 ** 63])}

    def manageable(u: User) -> bool:
        return (u.pk != getattr(actor, "pk", None) and may_manage_tokens(actor, u)
                and not (u.is_superuser and not getattr(actor, "is_superuser", False)))

    bad += [k for k in keys if k not in found or not manageable(found[k])]
    if bad:
        shown = "、".join(str(i) for i in bad[:10])
        raise ValidationError({field: [f"编号为 {shown} 的账号不存在或不可见"]})
    return [found[k] for k in keys]


def disable_accounts(actor: Any, ids: Any, reason: str) -> list[User]:
    """Bulk disable (people who left, or a selection): all or none, each account's disabling and its reason in
    the audit log; their API tokens go with it (accounts.signals). Already disabled accounts are left as they are."""
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写停用原因（如：已调离本校）"]})
    if not ids:
        raise ValidationError({"ids": ["请选择要停用的账号"]})
    users = manageable_accounts(actor, ids)
    with transaction.atomic():
        for user in users:
            if not user.is_active:
                continue
            user.is_active = False
            user.save(update_fields=["is_active"])
            log_account_event(user, "update", {"disabled_reason": ["", reason.strip()]})
    return users


def departed_accounts(actor: Any) -> Any:
    """Active accounts in the actor's scope whose person has left (人员 marked 不在职): the "left the school" set."""
    return accounts_in_scope(actor).filter(is_active=True, person__is_active=False)


# --- self-service password reset (e-mail link or SMS code) ----------------------------------------------

RESET_SENT = "如果该账号存在并登记了所选方式的联系信息，重设密码的信息已发送，请在 {minutes} 分钟内使用。"
CODE_WRONG = "账号或验证码不正确，或验证码已过期"
RESET_CHANNELS = {"email": "电子邮件", "sms": "短信"}


def reset_channels() -> dict[str, str]:
    """The channels offered: e-mail always (Django's e-mail backend), SMS when a gateway is configured."""
    return {k: v for k, v in RESET_CHANNELS.items() if k != "sms" or settings.SMS_URL}


def _reset_throttled(key: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=settings.PASSWORD_RESET_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since, username__startswith="reset-request:")
    if recent.filter(username=f"reset-request:{key}"[:150]).count() >= settings.PASSWORD_RESET_REQUEST_LIMIT:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= 20 * settings.PASSWORD_RESET_REQUEST_LIMIT


def _code_window(at: float) -> int:
    return int(at // 60)


def sms_code(user: User, window: int) -> str:
    """The six-digit code for a user and a minute: an HMAC of the account's password hash, so it needs no storage
    and stops working once the password is changed (single use)."""
    import hashlib
    import hmac

    digest = hmac.new(settings.SECRET_KEY.encode(), f"sms-reset:{user.pk}:{user.password}:{window}".encode(),
                      hashlib.sha256).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def _code_valid(user: User, code: str, at: float) -> bool:
    import hmac

    now = _code_window(at)
    return any(hmac.compare_digest(sms_code(user, w), code) for w in range(now - settings.PASSWORD_RESET_MINUTES,
                                                                            now + 1))


def send_sms(mobile: str, code: str) -> None:
    """POST the code to the configured gateway (``ANXIAO_SMS_URL``/``ANXIAO_SMS_TEMPLATE``); raises on failure."""
    import json
    import urllib.request

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return (value.replace("{mobile}", mobile).replace("{code}", code)
                    .replace("{minutes}", str(settings.PASSWORD_RESET_MINUTES)))
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    body = json.dumps(fill(json.loads(settings.SMS_TEMPLATE)), ensure_ascii=False).encode()
    request = urllib.request.Request(settings.SMS_URL, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    if settings.SMS_AUTHORIZATION:
        request.add_header("Authorization", settings.SMS_AUTHORIZATION)
    with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310 (configured URL)
        if response.status >= 300:
            raise OSError(f"SMS gateway answered {response.status}")


def request_password_reset(request: Any, login: str, channel: str) -> str:
    """Queue a reset link (e-mail) or code (SMS) for the account's own address or mobile; the worker sends it
    (``send_password_reset``). The request does the same work whether the account exists, is throttled or has an
    address (a count, a row for the throttle, a row in the outbox naming the account or nobody), so neither the
    answer nor its time tells whether an account exists."""
    from anxiao.core.links import absolute_url
    from anxiao.core.middleware import client_ip
    from anxiao.notifications.actions import enqueue
    from anxiao.notifications.models import Channel

    if channel not in reset_channels():
        raise ValidationError({"channel": ["请选择找回方式"]})
    answer = RESET_SENT.format(minutes=settings.PASSWORD_RESET_MINUTES)
    login = (login or "").strip()
    if not login:
        raise ValidationError({"login": ["请填写用户名或手机号"]})
    ip = client_ip(request) if request is not None else None
    account = account_for_login(login)
    key = _failure_key(login, account)
    throttled = _reset_throttled(key, ip)
    LoginFailure.objects.create(username=f"reset-request:{key}"[:150], known=account is not None, ip=ip)
    target = account if account is not None and account.is_active and not throttled else None
    # The site's address for the link when ANXIAO_BASE_URL is not set (the worker has no request).
    enqueue(Channel.RESET_EMAIL if channel == "email" else Channel.RESET_SMS, "重设密码",
            url=absolute_url("/", request), user=target)
    return answer


def send_password_reset(row: Any) -> bool:
    """The worker's half of a self-service reset (registered for the outbox's reset channels): make the link or
    the code now and send it to the person's (else the account's) address or the person's mobile; the sending is
    in the account's audit log. False (nothing sent, the row is dropped) for no account, no address, or a request
    older than the validity time; a failed sending raises and is retried like any message."""
    import logging
    import time

    from anxiao.notifications.models import Channel

    user = row.user
    if user is None or not user.is_active:
        return False
    if timezone.now() - row.created_at > timedelta(minutes=settings.PASSWORD_RESET_MINUTES):
        logging.getLogger(__name__).warning("password reset %s not sent: older than its validity", row.pk)
        return False
    person = user.person if user.person_id else None
    if row.channel == Channel.RESET_EMAIL:
        channel = "email"
        address = (person.email if person is not None and person.email else "") or user.email
        if not address:
            return False
        _send_reset_mail(row.url, user, address)
    else:
        channel = "sms"
        mobile = person.mobile if person is not None else ""
        if not mobile:
            return False
        send_sms(mobile, sms_code(user, _code_window(time.time())))
    log_account_event(user, "update", {"password_reset_sent": ["", RESET_CHANNELS[channel]]})
    return True


def _send_reset_mail(site: str, user: User, address: str) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    path = reverse("accounts:reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                   default_token_generator.make_token(user)])
    link = site.rstrip("/") + path  # site: absolute_url("/") when the request was made
    send_mail("[安校] 重设密码", f"{user.display_name}：\n\n请在 {settings.PASSWORD_RESET_MINUTES} 分钟内打开下面的链接"
              f"重设安校的登录密码（只能使用一次）：\n\n{link}\n\n如果不是您本人申请，请忽略本邮件。",
              None, [address])


def reset_with_code(request: Any, login: str, code: str, password: str, at: float | None = None) -> User:
    """Set a new password with the SMS code. A wrong code, an unknown account and an expired code are answered
    alike; failures count per account like log-ins and lock further tries (LoginLocked)."""
    import time

    from anxiao.core.middleware import client_ip

    login = (login or "").strip()
    ip = client_ip(request) if request is not None else None
    account = account_for_login(login)
    key = f"reset-code:{_failure_key(login, account)}"[:150]
    if _locked_account(key):
        raise LoginLocked(settings.LOGIN_LOCKOUT_MINUTES)
    code = (code or "").strip()
    if account is None or not account.is_active or not _code_valid(account, code,
                                                                  at if at is not None else time.time()):
        LoginFailure.objects.create(username=key, known=account is not None, ip=ip)
        raise ValidationError({"code": [CODE_WRONG]})
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise ValidationError({"new_password1": list(exc.messages)})
    finish_reset(account, password, "短信")
    LoginFailure.objects.filter(username=key).delete()
    return account


def finish_reset(user: User, password: str, channel: str) -> None:
    """The new password from a self-service reset (the e-mail link's page or the SMS code): any "must change"
    flag is lifted, the tokens go (accounts.signals), and the reset is in the audit log."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log_account_event(user, "update", {"password_reset_by": ["", channel]})
