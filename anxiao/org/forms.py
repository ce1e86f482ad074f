from __future__ import annotations

from django import forms

from anxiao.core.choices import UnitFunction
from anxiao.core.forms import ScopedModelForm

from .models import Assignment, Group, GroupMember, Person, Post, Region, Unit


class RegionForm(ScopedModelForm):
    class Meta:
        model = Region
        fields = ["name", "code", "level", "parent"]


class UnitForm(ScopedModelForm):
    functions = forms.MultipleChoiceField(
        label="职能", required=False, choices=UnitFunction.choices, widget=forms.CheckboxSelectMultiple,
        help_text="股室/处室做什么；不勾选时按名称判断（如“基建财务股”为基建、财务）",
    )

    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "kind", "region", "parent", "supervising_unit", "stage", "boarding",
                  "is_private", "bus", "functions", "campuses", "address", "phone", "is_active"]


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "mobile", "email", "birth_date", "unit", "is_active"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}


class PostForm(ScopedModelForm):
    class Meta:
        model = Post
        fields = ["unit", "kind", "title", "holder", "class_name", "is_active"]


class GroupForm(ScopedModelForm):
    class Meta:
        model = Group
        fields = ["unit", "name", "office_unit", "office_name", "purpose", "is_active"]


class AssignmentForm(ScopedModelForm):
    class Meta:
        model = Assignment
        fields = ["kind", "holder_unit", "holder_post", "target_unit", "target_region", "started_on", "ended_on", "note"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "ended_on": forms.DateInput(attrs={"type": "date"}),
        }


class GroupMemberForm(ScopedModelForm):
    class Meta:
        model = GroupMember
        fields = ["post", "role"]


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class PeopleImportForm(ImportForm):
    accounts = forms.BooleanField(label="同时开通账号（角色按岗位确定，初始密码只显示一次，首次登录须修改）",
                                  required=False)
