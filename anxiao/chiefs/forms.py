from __future__ import annotations

from typing import Any

from django import forms

from anxiao.core.choices import UnitKind
from anxiao.core.forms import ScopedModelForm

from .models import CHIEF_KINDS, AgencyTask, ChiefMeeting, GateDuty
from .summary import routable_agencies, routable_governments


class MeetingForm(ScopedModelForm):
    class Meta:
        model = ChiefMeeting
        fields = ["government", "kind", "held_on", "title", "chair", "minutes", "decisions", "agencies"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}),
                   "agencies": forms.CheckboxSelectMultiple()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f: Any = self.fields
        f["government"].queryset = f["government"].queryset.filter(kind=UnitKind.GOVERNMENT)
        f["chair"].queryset = f["chair"].queryset.filter(kind__in=CHIEF_KINDS).select_related("unit", "holder")
        f["agencies"].queryset = f["agencies"].queryset.filter(kind=UnitKind.MEMBER_AGENCY)
        f["agencies"].widget.attrs.pop("class", None)


class TaskForm(ScopedModelForm):
    class Meta:
        model = AgencyTask
        fields = ["government", "agency", "school", "source", "hazard_kind", "meeting", "title", "description",
                  "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f: Any = self.fields
        f["government"].queryset = routable_governments(self.user)
        f["agency"].queryset = routable_agencies(self.user)
        f["school"].queryset = f["school"].queryset.filter(kind=UnitKind.SCHOOL)


class CloseForm(forms.Form):
    evidence = forms.CharField(label="办结情况", widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
                               required=False)
    note = forms.CharField(label="佐证说明（无附件时必填）", widget=forms.Textarea(attrs={"rows": 2, "class": "input"}),
                           required=False)


class DutyForm(ScopedModelForm):
    class Meta:
        model = GateDuty
        fields = ["school", "person", "role", "weekday", "starts_at", "ends_at", "place", "is_active"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}), "ends_at": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f: Any = self.fields
        f["school"].queryset = f["school"].queryset.filter(kind=UnitKind.SCHOOL)
