"""The notice form: its errors, the action's included, show at their fields."""

from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.choices import Stage
from anxiao.core.forms import MultipleFileField, StyledForm

from .models import NoticeKind


class NoticeForm(StyledForm):
    bureau: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label="发文单位", empty_label=None)
    kind = forms.ChoiceField(choices=NoticeKind.choices, label="类型")
    title = forms.CharField(label="标题", max_length=150, error_messages={"required": "请填写标题"})
    document_number = forms.CharField(label="文号", max_length=60, required=False)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}), error_messages={"required": "请填写正文"})
    region: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label="发送范围：镇街", required=False,
                                                                 empty_label="全部镇街")
    stage = forms.ChoiceField(choices=[("", "全部学段"), *Stage.choices], label="发送范围：学段", required=False)
    attachments = MultipleFileField(
        label="附件", required=False,
        help_text="PDF、Word、Excel、PPT、压缩包或图片，每个不超过 20 MB，最多 10 个；按文件内容检查格式")

    def __init__(self, *args: Any, bureaus: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = bureaus  # type: ignore[attr-defined]
        self.fields["region"].queryset = towns  # type: ignore[attr-defined]
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip,image/*"

    def apply_errors(self, exc: Any) -> None:
        # 所选范围内没有学校: the audience is the towns and stages chosen
        if hasattr(exc, "error_dict") and "audience" in exc.error_dict:
            exc.error_dict["region"] = exc.error_dict.pop("audience")
        super().apply_errors(exc)
