from __future__ import annotations

from decimal import Decimal

from django import forms

from anxiao.core.forms import ScopedModelForm
from anxiao.org.models import Unit

from .grading import LEC_C, LEC_E, LEC_L, LS_L, LS_S, ControlLevel
from .models import Risk, RiskSettings


def _text(value: Decimal | int) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _choices(scale: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [("", "—")] + [(_text(v), f"{_text(v)}：{meaning}") for v, meaning in scale.items()]


class RiskForm(ScopedModelForm):
    lec_l = forms.ChoiceField(label="L（事故发生的可能性）", choices=_choices(LEC_L), required=False)
    lec_e = forms.ChoiceField(label="E（暴露于危险环境的频繁程度）", choices=_choices(LEC_E), required=False)
    lec_c = forms.ChoiceField(label="C（可能后果）", choices=_choices(LEC_C), required=False)
    ls_l = forms.ChoiceField(label="L（可能性 1–5）", choices=_choices(LS_L), required=False)
    ls_s = forms.ChoiceField(label="S（严重性 1–5）", choices=_choices(LS_S), required=False)
    control_level = forms.ChoiceField(label="管控层级", required=False,
                                      choices=[("", "按风险等级确定（默认）"), *ControlLevel.choices])

    class Meta:
        model = Risk
        fields = ["school", "category", "area", "hazard_factors", "consequences", "existing_controls", "method",
                  "lec_l", "lec_e", "lec_c", "ls_l", "ls_s", "control_level", "control_post", "review_date",
                  "is_active"]
        widgets = {"review_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        risk = self.instance
        if risk.pk:
            for name in ("lec_l", "lec_e", "lec_c"):
                value = getattr(risk, name)
                self.initial[name] = _text(value) if value is not None else ""
            if not risk.control_level_overridden:
                self.initial["control_level"] = ""

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        # Empty score choices reach the action as None, so it names the missing factor.
        for name in ("lec_l", "lec_e", "lec_c", "ls_l", "ls_s"):
            if data.get(name) == "":
                data[name] = None
        return data


class SettingsForm(ScopedModelForm):
    class Meta:
        model = RiskSettings
        fields = ["bureau", "lec_red", "lec_orange", "lec_yellow", "ls_red", "ls_orange", "ls_yellow"]


class AdoptForm(forms.Form):
    school: forms.ModelChoiceField = forms.ModelChoiceField(label="学校", queryset=Unit.objects.none())
    codes = forms.MultipleChoiceField(label="风险", widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, user=None, schools=None, starter=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["school"].widget.attrs["class"] = "input"
        codes: forms.MultipleChoiceField = self.fields["codes"]  # type: ignore[assignment]
        codes.choices = [(r["code"], f"{r['code']} {r['area']}") for r in starter]
