from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .context import acting_as


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        via = "api" if request.path.startswith("/api/") else "web"
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user=user, ip=client_ip(request), via=via):
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from .pdf import PdfUnavailable

        if isinstance(exception, PdfUnavailable):
            return unavailable(request, str(exception))
        return None


def unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """503 with a Chinese message: JSON for the API and htmx/JSON callers, a page otherwise."""
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return JsonResponse({"detail": message, "errors": []}, status=503)
    return render(request, "core/unavailable.html", {"message": message}, status=503)
