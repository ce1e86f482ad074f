# No "from __future__ import annotations": django-ninja reads these annotations at run time.
"""Shared pieces of the JSON API: token auth, Chinese error bodies, and generic CRUD routes."""

import json
from collections.abc import Callable
from typing import Annotated, Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination as _NinjaLimitOffset
from ninja.pagination import paginate
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from .access import can_write, get_visible_or_404, refuse_read_only_write, resolve_visible, user_scope
from .context import Actor, _current
from .middleware import client_ip
from .paging import capped_count

# Who a bearer token belongs to: registered by the accounts app (``accounts.actions.user_for_token``, in its
# ``ready()``), so that core imports no app.
TOKEN_USER: list[Callable[[str], Any]] = []


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = TOKEN_USER[0](token) if TOKEN_USER else None
        if user is None:
            return None
        request.user = user
        _current.set(Actor(user=user, ip=client_ip(request), via="api"))
        refuse_read_only_write(request, user)
        return user


AUTH = [BearerToken(), django_auth]


MAX_PAGE = 1000
MAX_OFFSET = 2**31 - 1
# A year in a path, query or body: the same range as core.validation's check under every save.
Year = Annotated[int, Field(ge=1900, le=2200)]


class LimitOffsetPagination(_NinjaLimitOffset):
    """ninja's limit/offset pager with bounds: ``limit`` ≤ 1000, ``offset`` < 2^31 (no overflow at 2^63) and a
    ``count`` that stops at 10,001."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)

    def _items_count(self, queryset: Any) -> int:
        """``count`` stops at ``core.paging.COUNT_CAP`` + 1 (10,001 means "more than 10,000"): a province's list
        counted six million occurrences to send fifty (issue 18)."""
        if hasattr(queryset, "order_by"):
            n, more = capped_count(queryset)
            return n + more
        return len(queryset)


INT_RANGE = (-(2**63), 2**63 - 1)  # what a database integer column holds


class BodyError(ValueError):
    """A JSON body that parses but cannot be stored (told to the caller as it is)."""


def _strip_nul(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise BodyError(f"数值 {str(value)[:30]} 超出范围")
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON 中不能使用 {name}")


class AnxiaoParser(Parser):
    """JSON bodies: NaN/Infinity refused (not JSON), integers beyond 64 bits refused, NUL characters dropped
    from every string."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return _strip_nul(json.loads(request.body, parse_constant=_no_constant))
        except BodyError as exc:
            request._anxiao_body_error = str(exc)  # type: ignore[attr-defined]  # the 400 says why
            raise


CONFLICT_MESSAGE = "该记录刚刚已被他人修改或提交，请刷新页面后重试"

HTTP_MESSAGES = {
    "Cannot parse request body": "请求内容不是有效的 JSON",
    "Unauthorized": "未登录或令牌无效",
    "Forbidden": "没有权限",
    "Method not allowed": "不支持该请求方法",
    "Too many requests.": "请求过于频繁，请稍后再试",
}


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]] = []


PYDANTIC_MESSAGES = {
    "missing": "此字段为必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "string_type": "应为文本",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "enum": "不是有效的选项",
    "literal_error": "不是有效的选项",
    "json_invalid": "请求内容不是有效的 JSON",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


def install_error_handlers(api: Any) -> None:
    @api.exception_handler(ValidationError)
    def _django_validation(request: HttpRequest, exc: ValidationError) -> Any:
        errors: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for field, errs in exc.error_dict.items():
                for e in errs:
                    errors.extend({"field": field, "message": m} for m in e.messages)
        else:
            errors = [{"field": None, "message": m} for m in exc.messages]
        detail = "；".join((f"{e['field']}：" if e["field"] else "") + str(e["message"]) for e in errors)
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    @api.exception_handler(NinjaValidationError)
    def _request_validation(request: HttpRequest, exc: NinjaValidationError) -> Any:
        errors: list[dict[str, Any]] = []
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "filters")]
            errors.append({"field": ".".join(loc) or None,
                           "message": PYDANTIC_MESSAGES.get(err.get("type", ""), "格式不正确")})
        detail = "；".join((f"{e['field']}：" if e["field"] else "") + str(e["message"]) for e in errors)
        return api.create_response(request, {"detail": detail or "请求格式不正确", "errors": errors}, status=422)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> Any:
        return api.create_response(request, {"detail": "记录不存在或无权查看", "errors": []}, status=404)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> Any:
        text = str(exc)
        detail = getattr(request, "_anxiao_body_error", None) or HTTP_MESSAGES.get(text, text)
        return api.create_response(request, {"detail": detail, "errors": []}, status=exc.status_code)

    from anxiao.core.pdf import PdfUnavailable

    @api.exception_handler(PdfUnavailable)
    def _no_pdf(request: HttpRequest, exc: PdfUnavailable) -> Any:
        return api.create_response(request, {"detail": str(exc), "errors": []}, status=503)

    @api.exception_handler(IntegrityError)
    def _conflict(request: HttpRequest, exc: IntegrityError) -> Any:
        # A uniqueness race that an action did not serialise: the loser is told, never a 500.
        return api.create_response(request, {"detail": CONFLICT_MESSAGE, "errors": []}, status=409)

    @api.exception_handler(PermissionDenied)
    def _denied(request: HttpRequest, exc: PermissionDenied) -> Any:
        return api.create_response(request, {"detail": str(exc) or "没有权限", "errors": []}, status=403)


def resolve_fks(model: Any, user: Any, data: dict[str, Any], nulls: bool = False) -> dict[str, Any]:
    """Turn ``<fk>_id`` inputs (foreign keys and one-to-one links) into visible objects; an invisible or unknown id
    is a field error.
    Plain values get core.validation's check first (choices, lengths, ranges), before any action uses them;
    with ``nulls`` (a PATCH, where a None was sent on purpose) a None for a required field is an error too."""
    from .validation import check_values

    check_values(model, {k: v for k, v in data.items() if not k.endswith("_id") and (nulls or v is not None)})
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key[:-3] if key.endswith("_id") else key
        try:
            field = model._meta.get_field(name)
        except Exception:
            out[key] = value
            continue
        if field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete:
            if value is None:
                out[name] = None
                continue
            out[name] = resolve_visible(field.related_model, user, value, name)
        else:
            out[name] = value
    return out


def crud_routes(
    router: Router, path: str, model: Any, out: Any, create_in: Any, update_in: Any, filters: Any,
    save: Callable[..., Any], select_related: tuple[str, ...] = (), needs: Callable[[Any], bool] | None = None,
    refused: str = "该接口仅供管理人员使用",
) -> None:
    """GET list (filtered, paginated), GET one, POST create, PATCH update — through the app's action. ``needs`` is
    the pages' own check (``core.crud.Crud.needs``, e.g. ``core.access.may_manage`` for settings): a user it refuses
    gets 403 on every route, reading included, before anything is looked up."""
    name = path.replace("/", "_").replace("-", "_")

    def base(request: HttpRequest) -> Any:
        if needs is not None and not needs(request.user):
            raise PermissionDenied(refused)
        qs = model.objects.visible_to(request.user)
        return qs.select_related(*select_related) if select_related else qs

    @router.get(f"/{path}", response=list[out], auth=AUTH, operation_id=f"{name}_list")
    @paginate(LimitOffsetPagination)
    def list_items(request: HttpRequest, filters: Query[filters]):  # type: ignore[valid-type]
        return filters.apply(base(request))

    @router.get(f"/{path}/{{int:pk}}", response={200: out, 404: ErrorOut}, auth=AUTH, operation_id=f"{name}_get")
    def get_item(request: HttpRequest, pk: int):
        return get_visible_or_404(base(request), request.user, pk=pk)

    @router.post(f"/{path}", response={201: out, 403: ErrorOut, 422: ErrorOut}, auth=AUTH,
                 operation_id=f"{name}_create")
    def create_item(request: HttpRequest, payload: create_in):  # type: ignore[valid-type]
        if needs is not None and not needs(request.user):
            raise PermissionDenied(refused)
        if user_scope(request.user, write=True).empty:
            raise PermissionDenied("您没有新建记录的权限")
        data = resolve_fks(model, request.user, payload.dict())
        return 201, save(request.user, None, **data)

    @router.patch(f"/{path}/{{int:pk}}", response={200: out, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
                  auth=AUTH, operation_id=f"{name}_update")
    def update_item(request: HttpRequest, pk: int, payload: update_in):  # type: ignore[valid-type]
        obj = get_visible_or_404(base(request), request.user, pk=pk)
        if not can_write(request.user, obj):
            raise PermissionDenied("您只能查看该记录，不能修改")
        data = resolve_fks(model, request.user, payload.dict(exclude_unset=True), nulls=True)
        return save(request.user, obj, **data)


OptStr = Optional[str]
OptInt = Optional[int]
