from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.choices import UnitKind
from anxiao.core.forms import StyledForm
from anxiao.org.models import Unit

from .loader import available_packs
from .models import DutyCategory


class AdoptForm(forms.Form):
    bureau = forms.ModelChoiceField(label="教育局", queryset=Unit.objects.none())
    code = forms.ChoiceField(label="规则包")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau: Any = self.fields["bureau"]
        bureau.queryset = Unit.objects.writable_by(user).filter(kind=UnitKind.BUREAU)
        code: Any = self.fields["code"]
        code.choices = [(p["code"], f"{p['code']} {p['title']}") for p in available_packs()]
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "input")


class DutyForm(StyledForm):
    clause_ref = forms.CharField(label="条款号", max_length=60)
    category = forms.ChoiceField(label="类别", choices=DutyCategory.choices)
    topic = forms.CharField(label="主题", max_length=40, required=False)
    text = forms.CharField(label="职责内容", widget=forms.Textarea(attrs={"rows": 4}))
    retire = forms.BooleanField(label="废止此项职责", required=False)
