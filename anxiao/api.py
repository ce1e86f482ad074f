"""The JSON API at /api/v1/: every app's ``api.router`` is mounted here."""

from __future__ import annotations

import datetime
import importlib
from typing import Any, Optional

from django.apps import apps
from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from anxiao.core.api import AUTH, AnxiaoParser, ErrorOut, install_error_handlers

api = NinjaAPI(
    title="安校 API",
    version="1",
    description="学校安全工作平台接口。先用 POST /api/v1/auth/token 取得令牌，再以 Authorization: Bearer <令牌> 调用。",
    urls_namespace="api",
    parser=AnxiaoParser(),
)
install_error_handlers(api)


class TokenIn(Schema):
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


@api.post("/auth/token", response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None, tags=["auth"],
          operation_id="issue_token")
def issue_token(request: HttpRequest, payload: TokenIn):  # type: ignore[no-untyped-def]
    from anxiao.accounts.actions import LoginLocked
    from anxiao.accounts.actions import issue_token as issue

    try:
        raw = issue(request, payload.username, payload.password, payload.name)
    except LoginLocked as exc:
        return 429, {"detail": str(exc)}
    if raw is None:
        return 401, {"detail": "用户名/手机号或密码不正确"}
    return 200, {"token": raw}


class TokenInfoOut(Schema):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: Optional[datetime.datetime] = None
    expires_at: Optional[datetime.datetime] = None
    revoked_at: Optional[datetime.datetime] = None


def _manageable_tokens(request: HttpRequest, user_id: Optional[int]) -> Any:
    from django.http import Http404

    from anxiao.accounts import actions
    from anxiao.accounts.models import User

    if user_id is not None and not 0 < user_id < 2**63:
        raise Http404
    owner: Any = request.user if user_id is None else User.objects.filter(pk=user_id).first()
    if owner is None or not actions.may_manage_tokens(request.user, owner):
        raise Http404  # another account's tokens answer like an account that does not exist
    return actions.tokens_of(request.user, owner)


@api.get("/auth/tokens", response={200: list[TokenInfoOut], 404: ErrorOut}, auth=AUTH, tags=["auth"],
         operation_id="tokens_list")
def list_tokens(request: HttpRequest, user_id: Optional[int] = None):  # type: ignore[no-untyped-def]
    """Your API tokens (or, with ``user_id``, those of an account below you), newest first; never the token itself."""
    return list(_manageable_tokens(request, user_id))


@api.post("/auth/tokens/{int:pk}/revoke", response={200: TokenInfoOut, 404: ErrorOut}, auth=AUTH, tags=["auth"],
          operation_id="tokens_revoke")
def revoke_token(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    from django.http import Http404

    from anxiao.accounts import actions
    from anxiao.accounts.models import ApiToken

    token = ApiToken.objects.select_related("user").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if token is None or not actions.may_manage_tokens(request.user, token.user):
        raise Http404
    return actions.revoke_token(request.user, token)


for app_config in apps.get_app_configs():
    if not app_config.name.startswith("anxiao."):
        continue
    try:
        module = importlib.import_module(f"{app_config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_config.name}.api":
            raise
        continue
    router = getattr(module, "router", None)
    if router is not None:
        api.add_router("", router, tags=[app_config.label])
