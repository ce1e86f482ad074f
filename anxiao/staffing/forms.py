from __future__ import annotations

from django import forms

from anxiao.core.forms import ScopedModelForm

from .models import Guard, SchoolProfile, StaffingSettings
from .rules import EQUIPMENT


class ProfileForm(ScopedModelForm):
    class Meta:
        model = SchoolProfile
        fields = ["school", "campus", "students", "staff", "boarders", "buildings", "safety_office_size",
                  "has_safety_office_director", "has_safety_department", "alarm_linked", "video_linked",
                  "video_retention_days", "closed_perimeter", "anti_ramming", "security_room", "gate_duty_24h"]


class GuardForm(ScopedModelForm):
    equipment = forms.MultipleChoiceField(label="装备", choices=EQUIPMENT, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Guard
        fields = ["profile", "name", "from_security_company", "company", "licence_no", "birth_date", "equipment",
                  "is_active"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}


class SettingsForm(ScopedModelForm):
    class Meta:
        model = StaffingSettings
        fields = ["bureau", "guard_standard", "rounding", "video_retention_days"]
