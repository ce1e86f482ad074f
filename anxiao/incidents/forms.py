from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .models import SUBCATEGORIES, Category, EmergencyTeam, ReportKind

DT = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "input"}, format="%Y-%m-%dT%H:%M")


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class IncidentForm(forms.Form):
    unit: Any = forms.ModelChoiceField(label="单位", queryset=None)  # type: ignore[arg-type]
    title = forms.CharField(label="事件名称", max_length=120)
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    subcategory = forms.ChoiceField(label="细类", required=False,
                                    choices=[("", "—")] + [(c, f"{Category(k).label}·{lbl}") for k, items in
                                                           SUBCATEGORIES.items() for c, lbl in items])
    occurred_at = forms.DateTimeField(label="发生时间", widget=DT, initial=_now)
    learned_at = forms.DateTimeField(label="学校获知时间", widget=DT, initial=_now)
    place = forms.CharField(label="地点", max_length=200)
    people_involved = forms.CharField(label="涉及人员", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deaths = forms.IntegerField(label="死亡人数", min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, initial=0)
    minor_injuries = forms.IntegerField(label="轻伤人数", min_value=0, initial=0)
    missing = forms.IntegerField(label="失踪人数", min_value=0, initial=0)
    direct_loss = forms.DecimalField(label="直接经济损失（元）", min_value=0, initial=0, decimal_places=2)
    initial_measures = forms.CharField(label="已采取措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_activated = forms.CharField(label="启动的预案", required=False)
    teams: Any = forms.ModelMultipleChoiceField(label="启动的应急小组", required=False, queryset=None,  # type: ignore[arg-type]
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, units: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units
        team_field: Any = self.fields["teams"]
        team_field.queryset = teams
        if units.count() == 1:
            unit_field.initial = units.first()
        for name, field in self.fields.items():
            if name != "teams":
                field.widget.attrs.setdefault("class", "input")


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="报告类型", choices=ReportKind.choices)
    made_at = forms.DateTimeField(label="报告时间", widget=DT, initial=_now)
    recipient = forms.CharField(label="报告对象", max_length=100, initial="县教育局安全办")
    content = forms.CharField(label="报告内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    deaths = forms.IntegerField(label="死亡人数", min_value=0, required=False)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, required=False)
    minor_injuries = forms.IntegerField(label="轻伤人数", min_value=0, required=False)
    missing = forms.IntegerField(label="失踪人数", min_value=0, required=False)
    direct_loss = forms.DecimalField(label="直接经济损失（元）", min_value=0, required=False, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


class ActionForm(forms.Form):
    description = forms.CharField(label="后续措施", max_length=300, widget=forms.TextInput(attrs={"class": "input"}))
    due_on = forms.DateField(label="完成期限", required=False,
                             widget=forms.DateInput(attrs={"type": "date", "class": "input"}))


class CompleteForm(forms.Form):
    done_note = forms.CharField(label="完成情况", widget=forms.TextInput(attrs={"class": "input"}))


def team_queryset(user: Any) -> Any:
    return EmergencyTeam.objects.visible_to(user).select_related("unit")
