from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anxiao.core.choices import Role
from anxiao.core.forms import ScopedModelForm

from .models import Grant


class LoginForm(forms.Form):
    login = forms.CharField(label=_("用户名或手机号"), max_length=150,
                            widget=forms.TextInput(attrs={"autocomplete": "username", "class": "input", "autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "input"}))


class AccountForm(ScopedModelForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text="至少 8 位，不能全是数字")

    class Meta:
        model = Grant
        fields = ["role", "region", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from anxiao.org.models import Person

        self.fields["person"] = forms.ModelChoiceField(
            label="人员", queryset=Person.objects.visible_to(self.user).filter(account__isnull=True)
        )
        role_field: Any = self.fields["role"]
        from .actions import grantable_roles

        allowed = grantable_roles(self.user)
        role_field.choices = [c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN and c[0] in allowed]
        self.order_fields(["person", "username", "password", "role", "region", "unit"])
