from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from anxiao.core.choices import UnitKind
from anxiao.core.forms import StyledForm
from anxiao.org.models import Person, Unit

from .models import LetterKind


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class GenerateForm(StyledForm):
    bureau = forms.ModelChoiceField(label="教育局", queryset=Unit.objects.none())
    force = forms.BooleanField(label="覆盖手工修订过的清单", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["bureau"]
        field.queryset = Unit.objects.writable_by(user).filter(kind=UnitKind.BUREAU)


class ListEditForm(StyledForm):
    business = forms.CharField(label="业务职责（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    safety = forms.CharField(label="安全职责（每行一项）", required=False, widget=forms.Textarea(attrs={"rows": 10}))
    note = forms.CharField(label="修订说明", max_length=200, required=False)


class LetterIssueForm(StyledForm):
    issuer = forms.ModelChoiceField(label="甲方（下发单位）", queryset=Unit.objects.none())
    kind = forms.ChoiceField(label="类型", choices=LetterKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    signatory_name = forms.CharField(label="校车服务提供者名称", required=False, max_length=200)
    draft = forms.BooleanField(label="先存为草稿，不下发", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["issuer"]
        field.queryset = Unit.objects.writable_by(user).filter(
            kind__in=(UnitKind.BUREAU, UnitKind.SCHOOL))
        self.fields["year"].initial = timezone.localdate().year


class LetterEditForm(StyledForm):
    title = forms.CharField(label="标题", max_length=200)
    preamble = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 5}))
    clauses = forms.CharField(label="责任条款（每行一条）", widget=forms.Textarea(attrs={"rows": 10}))
    terms = forms.CharField(label="责任追究条款", widget=forms.Textarea(attrs={"rows": 3}))


class MatterForm(StyledForm):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    title = forms.CharField(label="事项", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["unit"]
        field.queryset = Unit.objects.visible_to(user).filter(
            kind__in=(UnitKind.BUREAU, UnitKind.SCHOOL))


class AssignForm(StyledForm):
    owner = forms.ModelChoiceField(label="责任人", queryset=Person.objects.none())

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            field: Any = self.fields["owner"]
            field.queryset = Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
