from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.forms import ScopedModelForm

from .models import WebhookEndpoint


class WebhookForm(ScopedModelForm):
    # A plain text field: the action checks the address and says what is wrong in words.
    url = forms.CharField(label="Webhook 地址", max_length=500, required=False,
                          help_text="在钉钉或企业微信群的“群机器人”设置中复制，含 access_token 或 key")

    class Meta:
        model = WebhookEndpoint
        fields = ["bureau", "name", "kind", "url", "secret", "enabled"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}
        help_texts = {"secret": "钉钉机器人“安全设置”选择“加签”时显示的密钥（SEC 开头）；关键词机器人和企业微信留空"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau: Any = self.fields["bureau"]
        bureau.queryset = bureau.queryset.filter(kind="bureau")

    def clean_url(self) -> str:
        # The same words as the action (which the API goes through), before the model's own URL check.
        from .actions import _check_webhook_url

        url = (self.cleaned_data.get("url") or "").strip()
        problem = _check_webhook_url(url)
        if problem:
            raise forms.ValidationError(problem)
        return url
