from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.PasswordChange.as_view(
        template_name="accounts/password.html", success_url=reverse_lazy("core:home")), name="password"),
    path("users/<int:pk>/reset-password/", views.password_reset, name="password_reset"),
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.account_create, name="account_create"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
    path("disable/", views.accounts_disable, name="accounts_disable"),
    path("forgot/", views.forgot_password, name="forgot"),
    path("forgot/code/", views.forgot_code, name="forgot_code"),
    path("reset/<uidb64>/<token>/", views.ResetConfirm.as_view(), name="reset_confirm"),
]
