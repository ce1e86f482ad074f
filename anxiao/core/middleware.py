from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from .context import acting_as


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Any, ...]:
    nets = []
    for entry in entries:
        try:
            nets.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(nets)


def _trusted(address: str, nets: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy (``ANXIAO_TRUSTED_PROXIES``), the
    right-most X-Forwarded-For address that is not itself a trusted proxy. Untrusted clients cannot choose it."""
    remote = request.META.get("REMOTE_ADDR") or None
    nets = _networks(tuple(getattr(settings, "ANXIAO_TRUSTED_PROXIES", ()) or ()))
    if remote is None or not nets or not _trusted(remote, nets):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a forged or broken header: keep the proxy's own address
        if not _trusted(hop, nets):
            return hop
    return remote


def _without_nul(query: QueryDict) -> QueryDict:
    """A NUL byte in a search or filter is dropped (PostgreSQL refuses it in any string)."""
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
    clean._mutable = False
    return clean


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        via = "api" if is_api else "web"
        if "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)  # type: ignore[assignment]
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user=user, ip=client_ip(request), via=via):
            response = self.get_response(request)
        if is_api and response.status_code == 404 and "json" not in response.get("Content-Type", ""):
            # A path the API does not know (e.g. a non-numeric id) answers like any other API error.
            return JsonResponse({"detail": "未找到该接口或记录", "errors": []}, status=404)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """A ValidationError that no view caught (core.validation under a save) is a 400, never a 500;
        PdfUnavailable is a 503."""
        from .pdf import PdfUnavailable

        if isinstance(exc, PdfUnavailable):
            return unavailable(request, str(exc))
        if isinstance(exc, IntegrityError):
            from .api import CONFLICT_MESSAGE

            if request.path.startswith("/api/"):
                return JsonResponse({"detail": CONFLICT_MESSAGE, "errors": []}, status=409)
            return HttpResponse(f"<!doctype html><meta charset=utf-8><title>操作冲突</title><h1>操作冲突</h1>"
                                f"<p>{CONFLICT_MESSAGE}</p>", status=409, content_type="text/html; charset=utf-8")
        if not isinstance(exc, ValidationError):
            return None
        messages: list[str] = []
        for field, errs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
            messages.extend(f"{field}：{m}" if field and field != "__all__" else m for m in errs)
        text = "；".join(messages) or "输入不正确"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text, "errors": [{"field": None, "message": m} for m in messages]},
                                status=422)
        from django.templatetags.static import static

        return HttpResponse(f"<!doctype html><meta charset=utf-8><title>输入有误</title><h1>输入有误</h1>"
                            f"<p>{_escape(text)}</p><p><a href='/' data-back>返回修改</a></p>"
                            f"<script src='{static('anxiao/app.js')}'></script>",
                            status=400, content_type="text/html; charset=utf-8")


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


def unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """503 with a Chinese message: JSON for the API and htmx/JSON callers, a page otherwise."""
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return JsonResponse({"detail": message, "errors": []}, status=503)
    return render(request, "core/unavailable.html", {"message": message}, status=503)


class ReadOnlyMiddleware:
    """A read-only account (every grant 教育局查看) posts nothing but its own housekeeping: 403 before any view.
    Token-authenticated API calls get the same gate in ``core.api.BearerToken``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied

        from .access import refuse_read_only_write

        try:
            refuse_read_only_write(request, getattr(request, "user", None))
        except PermissionDenied as exc:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(exc), "errors": []}, status=403)
            raise
        return None


class ContentSecurityPolicyMiddleware:
    """Every response says the page may load nothing from other origins (settings.CONTENT_SECURITY_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
