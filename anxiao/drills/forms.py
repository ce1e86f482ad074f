from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from anxiao.core.choices import PostKind, UnitKind
from anxiao.core.forms import ScopedModelForm, StyledForm
from anxiao.org.models import Post, Unit

from . import actions
from .models import Drill, DrillKind, DrillPlan, DrillSettings, Evaluation, Theme

MONTHS = [(m, f"{m}月") for m in range(1, 13)]
LOCAL = "%Y-%m-%dT%H:%M"


def _writable_schools(user: Any) -> Any:
    return Unit.objects.writable_by(user).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("name")


class ClassChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        who = obj.holder.name if obj.holder_id else "班主任空缺"
        return f"{obj.unit.short_name or obj.unit.name} {obj.class_name}（{who}）"


class DrillForm(ScopedModelForm):
    classes = ClassChoice(queryset=Post.objects.none(), required=False, label="参演班级",
                          widget=forms.CheckboxSelectMultiple,
                          help_text="应急疏散演练须选择参演班级；各班班主任本人扫码签到")

    class Meta:
        model = Drill
        fields = ["school", "kind", "theme", "title", "planned_on", "window_start", "window_end",
                  "signin_margin_minutes", "classes"]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "window_start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
            "window_end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = _writable_schools(self.user)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        posts = (Post.objects.visible_to(self.user).filter(kind=PostKind.HOMEROOM_TEACHER, is_active=True,
                                                           unit__in=schools)
                 .exclude(class_name="").select_related("unit", "holder").order_by("unit__name", "class_name"))
        if self.instance.pk:
            posts = posts.filter(unit=self.instance.school)
            self.fields["school"].disabled = True
        self.fields["classes"].queryset = posts  # type: ignore[attr-defined]
        self.fields["classes"].widget.attrs.pop("class", None)
        for name in ("window_start", "window_end"):
            self.fields[name].input_formats = [LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]  # type: ignore[attr-defined]
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("planned_on", today)
            self.initial.setdefault("window_start", datetime.datetime.combine(today, datetime.time(10, 0)))
            self.initial.setdefault("window_end", datetime.datetime.combine(today, datetime.time(10, 40)))


class PlanForm(ScopedModelForm):
    """The year's plan as twelve month rows (theme of the evacuation drill), plus guard and bus drills."""

    guard_monthly = forms.BooleanField(label="每月安排保安应急演练", required=False, initial=True)
    bus_months = forms.TypedMultipleChoiceField(label="校车演练月份", choices=MONTHS, coerce=int, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DrillPlan
        fields = ["school", "year", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _writable_schools(self.user)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["school"].disabled = True
        else:
            self.initial.setdefault("year", timezone.localdate().year)
        items = list(self.instance.items.all()) if self.instance.pk else []
        for m in range(1, 13):
            field = forms.ChoiceField(label=f"{m}月 应急疏散演练主题", choices=[("", "（不安排）"), *Theme.choices],
                                      required=False)
            field.widget.attrs["class"] = "input"
            self.fields[f"m{m}"] = field
            theme = next((i.theme for i in items if i.month == m and i.kind == DrillKind.DRILL), "")
            self.initial.setdefault(f"m{m}", theme)
        if items:
            self.initial["guard_monthly"] = any(i.kind == DrillKind.GUARD_DRILL for i in items)
            self.initial["bus_months"] = [i.month for i in items if i.kind == DrillKind.BUS_DRILL]
        self.fields["bus_months"].widget.attrs.pop("class", None)
        self.order_fields(["school", "year", *[f"m{m}" for m in range(1, 13)], "guard_monthly", "bus_months", "note"])


def save_plan_form(actor: Any, plan: DrillPlan | None, **data: Any) -> DrillPlan:
    """Turn the form's month rows into plan items and save through the action."""
    items = [{"month": m, "kind": DrillKind.DRILL, "theme": data.pop(f"m{m}")} for m in range(1, 13)
             if data.get(f"m{m}")]
    for m in range(1, 13):
        data.pop(f"m{m}", None)
    if data.pop("guard_monthly", False):
        items += [{"month": m, "kind": DrillKind.GUARD_DRILL, "theme": Theme.ANTI_VIOLENCE} for m in range(1, 13)]
    items += [{"month": m, "kind": DrillKind.BUS_DRILL, "theme": Theme.SCHOOL_BUS} for m in data.pop("bus_months", [])]
    return actions.save_plan(actor, plan, items=items, **data)


class SettingsForm(ScopedModelForm):
    class Meta:
        model = DrillSettings
        fields = ["unit", "evacuation_target_seconds", "school_frequency", "kindergarten_frequency"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.writable_by(self.user).filter(kind__in=[UnitKind.BUREAU, UnitKind.SCHOOL])
        self.fields["unit"].queryset = units.order_by("kind", "name")  # type: ignore[attr-defined]


class HoldForm(StyledForm):
    held_on = forms.DateField(label="举行日期", widget=forms.DateInput(attrs={"type": "date"}))
    participants_count = forms.IntegerField(label="参演人数", required=False)
    evacuation_seconds = forms.IntegerField(label="疏散用时（秒）", required=False)
    problems = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvaluateForm(StyledForm):
    evaluation_result = forms.ChoiceField(label="评定结果", choices=[("", "—"), *Evaluation.choices], required=False)
    evaluation = forms.CharField(label="评估意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(StyledForm):
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}))
    location = forms.CharField(label="部位", max_length=120)
    category = forms.ChoiceField(label="隐患类别", choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from anxiao.hazards.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices  # type: ignore[attr-defined]
