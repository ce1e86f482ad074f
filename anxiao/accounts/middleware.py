"""After an administrator's password reset or with an initial password (accounts opened by the people import), every
page leads to the password form until it is changed."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_NAMES = ("accounts:password", "accounts:logout")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse(n) for n in ALLOWED_NAMES}
            if request.path not in allowed and not request.path.startswith("/static/"):
                text = "您正在使用初始密码或管理员重置的临时密码，请先设置新密码"
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": text, "errors": []}, status=403)
                messages.warning(request, text)
                return redirect("accounts:password")
        return self.get_response(request)
