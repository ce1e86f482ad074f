from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, may_manage, user_scope

from . import actions
from .forms import AccountForm, LoginForm
from .models import Grant


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.log_in(request, form.cleaned_data["login"], form.cleaned_data["password"])
        except actions.LoginLocked as exc:
            form.add_error(None, str(exc))
        else:
            if user is None:
                form.add_error(None, "用户名/手机号或密码不正确")
            else:
                login(request, user, backend="anxiao.accounts.backends.UsernameOrMobileBackend")
                target = request.GET.get("next") or "/"
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = "/"
                return redirect(target)
    return render(request, "accounts/login.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    if not may_manage(request.user):
        raise PermissionDenied("您没有管理账号的权限")
    qs = Grant.objects.visible_to(request.user).select_related("user__person", "unit", "region").filter(
        revoked_at__isnull=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(user__username__icontains=q) | qs.filter(user__person__name__icontains=q)
    page = Paginator(qs.order_by("user__username"), 50).get_page(request.GET.get("page"))
    for g in page:
        g.revocable = actions.can_revoke(request.user, g)  # type: ignore[attr-defined]
    return render(request, "accounts/grant_list.html", {"page": page, "q": q})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有管理账号的权限")
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.create_account(request.user, d["person"], d["username"], d["password"], d["role"],
                                   region=d.get("region"), unit=d.get("unit"))
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, "账号已创建")
            return redirect("accounts:grant_list")
    return render(request, "accounts/account_form.html", {"form": form})


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    g = get_visible_or_404(Grant, request.user, pk=pk)
    actions.revoke(request.user, g)
    messages.success(request, "授权已撤销")
    return redirect("accounts:grant_list")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password form; a successful change lifts the administrator's "must change" flag."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: Any = self.request.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        return response


@login_required
@require_POST
def password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A temporary password for an account in the administrator's scope, shown once."""
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有管理账号的权限")
    target = get_object_or_404(actions.accounts_in_scope(request.user), pk=pk)
    temporary = actions.reset_password(request.user, target)
    response = render(request, "accounts/password_reset.html", {"target": target, "temporary": temporary})
    response["Cache-Control"] = "no-store"
    return response
