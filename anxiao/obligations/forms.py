from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.forms import MultipleFileField, MultipleFileInput, ScopedModelForm  # noqa: F401 (re-exported)

from . import crediting
from .models import Activity, HeightenedPeriod, ObligationRule, ObligationSettings


class CommaListField(forms.CharField):
    """A JSON list edited as comma-separated codes."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [v.strip() for v in text.replace("，", ",").split(",") if v.strip()]


class RuleForm(ScopedModelForm):
    post_kinds = CommaListField(label="岗位类别（代码，逗号分隔）", required=False)
    unit_kinds = CommaListField(label="单位类型（代码，逗号分隔）", required=False)
    stages = CommaListField(label="学段（代码，逗号分隔）", required=False)
    # The rule's crediting (crediting.py): shown and edited next to the rule; blank parts take the kind's defaults.
    credit_records = CommaListField(
        label="计入的记录（记录类型代码，逗号分隔）", required=False,
        help_text="可用：" + "、".join(f"{k}（{v}）" for k, v in crediting.RECORDS.items()))
    credit_roles = forms.MultipleChoiceField(label="负责岗位的角色（计入岗位时）", required=False,
                                             choices=crediting.Role.choices, widget=forms.CheckboxSelectMultiple)
    credit_slot = forms.ChoiceField(label="计入谁", required=False,
                                    choices=[("", "按工作类型默认"), *crediting.Slot.choices])
    credit_evidence = forms.ChoiceField(label="证据要求", required=False, choices=[
        ("", "按工作类型默认"), *[(e.value, e.label) for e in crediting.RULE_EVIDENCE]])

    CREDIT_FIELDS = {"credit_records": "records", "credit_roles": "roles", "credit_slot": "slot",
                     "credit_evidence": "evidence"}

    class Meta:
        model = ObligationRule
        fields = ["bureau", "code", "title", "activity_kind", "post_kinds", "unit_kinds", "stages", "boarding",
                  "scope", "quota", "period", "due_rule", "due_day", "grace_days", "heightened", "teaching_only", "enabled",
                  "clause_ref", "note", "active_from", "active_until"]
        widgets = {"active_from": forms.DateInput(attrs={"type": "date"}),
                   "active_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau: Any = self.fields["bureau"]
        bureau.queryset = bureau.queryset.filter(kind="bureau")
        self.fields["code"].required = False
        # The action decides what is possible; the form only collects.
        quota: Any = self.fields["quota"]
        quota.min_value = None
        quota.validators = []
        quota.widget.attrs.pop("min", None)
        if self.instance.pk:
            credit = crediting.credit_of(self.instance).as_dict()
            for name, key in self.CREDIT_FIELDS.items():
                self.initial.setdefault(name, credit[key])

    @classmethod
    def credit_from(cls, data: dict[str, Any], editing: bool) -> dict[str, Any]:
        """Take the four credit fields out of the cleaned data as the rule's ``credit`` block (blank parts keep
        the rule's own, or the kind's defaults for a new rule; the action checks it)."""
        credit = {}
        for name, key in cls.CREDIT_FIELDS.items():
            value = data.pop(name, None)
            if value or (key == "roles" and editing):
                credit[key] = list(value) if isinstance(value, list | tuple) else value
        return credit

    def apply_errors(self, exc: Any) -> None:
        if hasattr(exc, "error_dict") and "credit" in exc.error_dict:
            for err in exc.error_dict.pop("credit"):
                self.add_error("credit_records", err)
        super().apply_errors(exc)


class HeightenedPeriodForm(ScopedModelForm):
    class Meta:
        model = HeightenedPeriod
        fields = ["bureau", "name", "starts_on", "ends_on", "factor"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau: Any = self.fields["bureau"]
        bureau.queryset = bureau.queryset.filter(kind="bureau")


class ActivityForm(ScopedModelForm):
    attachments = MultipleFileField(label="附件（照片、文件）", required=False)

    class Meta:
        model = Activity
        fields = ["kind", "meeting_kind", "occurred_on", "unit", "responsible_post", "post_role", "title",
                  "participants", "participant_count", "notes"]
        help_texts = {"meeting_kind": "会议须选类别，并填写纪要或参会人员，才计入相应的会议要求",
                      "post_role": "负责岗位在这项工作中的角色（主持会议、带队检查为“带队/主持”）"}
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"}),
                   "participants": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 4})}


    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_role"].required = False  # blank: the usual 组织

    def clean_post_role(self) -> str:
        return self.cleaned_data.get("post_role") or crediting.Role.ORGANISED


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(ScopedModelForm):
    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in ("spring_term_end_month", "spring_term_end_day", "autumn_term_end_month", "autumn_term_end_day"):
            if data.get(name) in (None, ""):
                data[name] = getattr(self.instance, name)
        return data

    class Meta:
        model = ObligationSettings
        fields = ["bureau", "spring_term_month", "spring_term_day", "spring_term_end_month", "spring_term_end_day",
                  "autumn_term_month", "autumn_term_day", "autumn_term_end_month", "autumn_term_end_day",
                  "backdate_days", "remind_days", "holidays", "workdays"]

    # Dates typed one per line or comma-separated; the action checks them and names the bad ones.
    holidays = forms.CharField(label="节假日", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="不上课的日期（YYYY-MM-DD），逗号或换行分隔；元旦、劳动节、国庆节按法定日期自动计入")
    workdays = forms.CharField(label="调休上课日", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="周末上课的日期（YYYY-MM-DD）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau: Any = self.fields["bureau"]
        bureau.queryset = bureau.queryset.filter(kind="bureau")
        if self.instance.pk:
            bureau.disabled = True
        for name in ("spring_term_end_month", "spring_term_end_day", "autumn_term_end_month", "autumn_term_end_day"):
            self.fields[name].required = False  # left out: the record's value (7月10日, 1月20日 by default)
        for name in ("holidays", "workdays"):
            if self.instance.pk and not self.is_bound:
                self.initial[name] = "\n".join(getattr(self.instance, name) or [])
        # The action checks the numbers and says what is wrong in words.
        for name in self.Meta.fields[1:-2]:
            field: Any = self.fields[name]
            field.min_value = field.max_value = None
            field.validators = []
            field.widget = forms.NumberInput()
