"""One record form per kind, built for one school (its classes, people, guards and legal vice-principal)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anxiao.core.choices import PostKind
from anxiao.obligations.models import ActivityKind
from anxiao.org.models import Person, Post, Unit

from . import safedays
from .actions import class_posts
from .models import Module

# Which fields each kind asks for, in order (besides occurred_on and topic, which every kind has).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    ActivityKind.SAFETY_LESSON: ("class_post", "module", "participant_count"),
    ActivityKind.PARENT_MEETING: ("class_post", "safety_content", "participant_count"),
    ActivityKind.LECTURE: ("speaker_name", "speaker_role", "module", "participant_count"),
    ActivityKind.STAFF_TRAINING: ("speaker_name", "present"),
    ActivityKind.GUARD_TRAINING: ("days", "guards", "speaker_name"),
    ActivityKind.LEGAL_EDUCATION: ("speaker_post", "speaker_name", "speaker_role", "module", "participant_count"),
    ActivityKind.SAFETY_DAY_EDUCATION: ("safety_day", "module", "participant_count"),
}

SPEAKER_LABELS: dict[str, tuple[str, str]] = {
    ActivityKind.LECTURE: ("主讲人", "主讲人身份/单位"),
    ActivityKind.STAFF_TRAINING: ("培训人", ""),
    ActivityKind.GUARD_TRAINING: ("培训单位/教官", ""),
    ActivityKind.LEGAL_EDUCATION: ("授课人姓名（无法治副校长岗位时填写）", "授课人身份（如：派出所民警、法官）"),
}


class RecordForm(forms.Form):
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label="主题", max_length=200)
    class_post = forms.ModelChoiceField(label="班级", queryset=Post.objects.none(), required=False)
    module = forms.ChoiceField(label="纲要模块", choices=[("", "—")] + list(Module.choices), required=False)
    safety_content = forms.CharField(label="安全教育内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    speaker_post = forms.ModelChoiceField(label="法治副校长", queryset=Post.objects.none(), required=False)
    speaker_name = forms.CharField(label="授课人", max_length=50, required=False)
    speaker_role = forms.CharField(label="授课人身份", max_length=100, required=False)
    safety_day = forms.ChoiceField(label="安全教育节点", choices=[("", "—")] + safedays.CHOICES, required=False)
    days = forms.IntegerField(label="培训天数（自所填日期起连续）", initial=1, required=False)
    guards = forms.ModelMultipleChoiceField(label="参训保安员", queryset=Post.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    present = forms.ModelMultipleChoiceField(label="出席人员（未勾选的记为缺席）", queryset=Person.objects.none(),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    participant_count = forms.IntegerField(label="参加人数", required=False)
    notes = forms.CharField(label="记录", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, school: Unit, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        from anxiao.staffing.models import Guard

        self.school, self.kind = school, kind
        wanted = ("occurred_on", "topic", *KIND_FIELDS[kind], "notes")
        if kind == ActivityKind.GUARD_TRAINING:
            wanted = ("occurred_on", "days", "topic", "guards", "speaker_name", "notes")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.order_fields(wanted)
        f: Any = self.fields
        if "class_post" in f:
            f["class_post"].queryset = class_posts(school)
            f["class_post"].label_from_instance = lambda p: f"{p.class_name}（{p.holder.name if p.holder else '班主任空缺'}）"
            f["class_post"].required = kind == ActivityKind.SAFETY_LESSON
            if kind == ActivityKind.PARENT_MEETING:
                f["class_post"].label = "班级（全校家长会可不选）"
        if "module" in f:
            f["module"].required = kind == ActivityKind.SAFETY_LESSON
            if kind != ActivityKind.SAFETY_LESSON:
                f["module"].label = "纲要模块（可不选）"
        if "safety_content" in f:
            f["safety_content"].required = True
        if "speaker_post" in f:
            f["speaker_post"].queryset = Post.objects.filter(unit=school, kind=PostKind.LEGAL_VICE_PRINCIPAL,
                                                             is_active=True).select_related("holder")
            f["speaker_post"].label_from_instance = lambda p: p.holder.name if p.holder else "法治副校长（空缺）"
        if kind in SPEAKER_LABELS:
            name_label, role_label = SPEAKER_LABELS[kind]
            f["speaker_name"].label = name_label
            f["speaker_name"].required = kind == ActivityKind.LECTURE
            if "speaker_role" in f and role_label:
                f["speaker_role"].label = role_label
        if "safety_day" in f:
            f["safety_day"].required = True
            f["safety_day"].choices = [("", "—")] + [(d.code, f"{d.name}（{d.rule}）") for d in safedays.SAFETY_DAYS]
        if "guards" in f:
            f["guards"].queryset = Guard.objects.filter(profile__school=school, is_active=True).select_related("profile")
            f["guards"].label_from_instance = lambda g: f"{g.name}（{g.profile.campus}）"
        if "present" in f:
            f["present"].queryset = Person.objects.filter(unit__path__startswith=school.path).order_by("name")
            f["present"].label_from_instance = lambda p: p.name
        for field in f.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "input")

    def action_data(self) -> dict[str, Any]:
        """What the form says, in the action's terms."""
        d = self.cleaned_data
        data: dict[str, Any] = {"kind": self.kind, "school": self.school}
        for name in ("occurred_on", "topic", "class_post", "module", "safety_content", "speaker_post", "speaker_name",
                     "speaker_role", "safety_day", "participant_count", "notes"):
            if name in self.fields:
                data[name] = d.get(name) if d.get(name) is not None else ("" if name not in (
                    "class_post", "speaker_post", "participant_count") else None)
        if "days" in self.fields:
            data["days"] = d.get("days") if d.get("days") is not None else 1
        if "guards" in self.fields:
            data["guards"] = list(d.get("guards") or [])
        if "present" in self.fields:
            present = {p.pk for p in d.get("present") or []}
            people: Any = self.fields["present"]
            data["attendance"] = {pk: pk in present for pk in people.queryset.values_list("pk", flat=True)}
        return data

    def apply_errors(self, exc: Any) -> None:
        from anxiao.core.forms import apply_errors

        if hasattr(exc, "error_dict") and "attendance" in exc.error_dict and "present" in self.fields:
            exc.error_dict["present"] = exc.error_dict.pop("attendance")
        apply_errors(self, exc)


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=500)
