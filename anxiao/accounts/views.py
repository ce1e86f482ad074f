from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anxiao.core.access import get_visible_or_404, may_manage, user_scope
from anxiao.core.flash import REFUSED, run_and_flash, run_form

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
    departed = list(actions.departed_accounts(request.user).select_related("person")[:200])
    return render(request, "accounts/grant_list.html", {"page": page, "q": q, "departed": departed})


@login_required
@require_POST
def accounts_disable(request: HttpRequest) -> HttpResponse:
    """Bulk disable: the accounts ticked on the list (``ids``) or every account of people who left (``departed``).
    Refused ids (out of scope, peers, unknown) are answered alike on the list page and nothing changes."""
    if not may_manage(request.user):
        raise PermissionDenied("您没有管理账号的权限")
    ids: list[Any] = request.POST.getlist("ids")
    if request.POST.get("departed"):
        ids = list(actions.departed_accounts(request.user).values_list("pk", flat=True))
    done = run_and_flash(request, lambda: actions.disable_accounts(request.user, ids, request.POST.get("reason", "")))
    if done is not REFUSED:
        messages.success(request, f"已停用 {len(done)} 个账号")
    return redirect("accounts:grant_list")


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user, write=True).empty:
        raise PermissionDenied("您没有管理账号的权限")
    form = AccountForm(request.POST or None, user=request.user)
    if run_form(request, form, lambda d: actions.create_account(
            request.user, d["person"], d["username"], d["password"], d["role"], region=d.get("region"),
            unit=d.get("unit")), "账号已创建") is not REFUSED:
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


# --- self-service password reset ----------------------------------------------------------------------


def _reset_form(channels: dict[str, str], data: Any = None) -> Any:
    from django import forms

    class ForgotForm(forms.Form):
        login = forms.CharField(label="用户名或手机号", max_length=150, widget=forms.TextInput(
            attrs={"autocomplete": "username", "class": "input", "autofocus": True}))
        channel = forms.ChoiceField(label="找回方式", choices=list(channels.items()), widget=forms.RadioSelect,
                                    initial="email")

    return ForgotForm(data)


def forgot_password(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link (e-mail) or code (SMS); the answer never says whether the account exists."""
    channels = actions.reset_channels()
    form = _reset_form(channels, request.POST or None)
    sent = run_form(request, form, lambda d: actions.request_password_reset(request, d["login"], d["channel"]))
    return render(request, "accounts/forgot.html", {"form": form, "sent": sent or "", "sms": "sms" in channels,
                                                    "channel": request.POST.get("channel", "")})


def forgot_code(request: HttpRequest) -> HttpResponse:
    """Set a new password with the code received by SMS."""
    from django import forms
    from django.contrib.auth.forms import SetPasswordMixin

    class CodeForm(SetPasswordMixin, forms.Form):  # type: ignore[misc]
        login = forms.CharField(label="用户名或手机号", max_length=150)
        code = forms.CharField(label="短信验证码", max_length=12, widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code"}))
        new_password1, new_password2 = SetPasswordMixin.create_password_fields(label1="新密码", label2="再次输入新密码")

        def clean(self) -> dict[str, Any]:
            self.validate_passwords()
            return self.cleaned_data

    form = CodeForm(request.POST or None)
    for name, field in form.fields.items():
        field.widget.attrs.update({"class": "input"}, **({"inputmode": "numeric"} if name == "code" else {}))
    try:
        done = run_form(request, form, lambda d: actions.reset_with_code(request, d["login"], d["code"],
                                                                         d["new_password1"]),
                        "密码已重设，请用新密码登录")
    except actions.LoginLocked as exc:  # not a refusal of the input: too many tries
        form.add_error(None, str(exc))
        done = REFUSED
    if done is not REFUSED:
        return redirect("accounts:login")
    return render(request, "accounts/forgot_code.html", {"form": form})


class ResetConfirm(auth_views.PasswordResetConfirmView):
    """The e-mail link's page (Django's token: expires after ANXIAO_PASSWORD_RESET_MINUTES, single use)."""

    template_name = "accounts/reset_confirm.html"

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        for field in form.fields.values():
            field.widget.attrs["class"] = "input"
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN

        actions.finish_reset(form.user, form.cleaned_data["new_password1"], "电子邮件")
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, "密码已重设，请用新密码登录")
        return redirect("accounts:login")
