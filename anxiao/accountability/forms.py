from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.choices import UnitKind
from anxiao.org.models import Post, Unit

from .models import Finding, Ground, Measure, SourceKind


class CaseForm(forms.Form):
    unit: Any = forms.ModelChoiceField(label="涉及单位", queryset=Unit.objects.none())
    title = forms.CharField(label="案由", max_length=150)
    source_kind = forms.ChoiceField(label="来源", choices=SourceKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000)
    description = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    posts: Any = forms.ModelMultipleChoiceField(label="涉及岗位", queryset=Post.objects.none(),
                                                widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = Unit.objects.visible_to(user).filter(
            kind__in=[UnitKind.SCHOOL, UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT])
        posts_field: Any = self.fields["posts"]
        posts_field.queryset = Post.objects.visible_to(user).select_related("unit", "holder")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class DecisionForm(forms.Form):
    finding = forms.ChoiceField(label="认定", choices=[("", "—")] + list(Finding.choices), required=False)
    reasoning = forms.CharField(label="认定理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.MultipleChoiceField(label="追责措施", required=False, choices=Measure.choices,
                                         widget=forms.CheckboxSelectMultiple)
    grounds = forms.MultipleChoiceField(label="情形（取消综合考核评估资格和绩效奖励时必选）", required=False,
                                        choices=Ground.choices, widget=forms.CheckboxSelectMultiple)
    decided_on = forms.DateField(label="决定日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label="文号", required=False, max_length=60)
