"""One Django form per hazard transition (``actions.SPECS``): the hazard page renders it, the page's POST is cleaned by
it into the action's arguments, and the API's ``HazardTransitionIn`` is built from the same fields
(``transition_schema``). Adding a field to a transition is one line here (and its use in the action's handler).

The forms type the values (dates, numbers, the person and the risk, looked up in the user's scope); what a value must
be for the hazard (a deadline not before today, a major hazard's funds, a choice among the codes) stays in the
action, so the page and the API refuse the same input with the same Chinese message.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, ClassVar

from django import forms

from anxiao.core.access import ancestor_ids
from anxiao.core.forms import MultipleFileField, StyledForm
from anxiao.org.models import Person

from .models import Category, Grade, Hazard, RiskColour, SupervisionKind, UpwardReason


def _text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False)


def _area(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _select(label: str, choices: Any, blank: str = "请选择") -> forms.CharField:
    """A choice the action checks (its message names the field): the form only offers the choices."""
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=[("", blank), *choices]))


def _date(label: str, named: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": f"{named or label}格式应为 YYYY-MM-DD"})


def _number(label: str, named: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=decimal.Decimal(0),
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
                              error_messages={"invalid": f"{named}应为数字", "min_value": f"{named}不能为负数"})


def _photos(label: str) -> MultipleFileField:
    field = MultipleFileField(label=label, required=False)
    field.widget.attrs["accept"] = "image/*"
    return field


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class RiskChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_level_display()} · {obj.area}"


class TransitionForm(StyledForm):
    """The fields of one transition. ``hazard`` gives the starting values (the hazard's own, so that a form sent
    unchanged changes nothing) and ``user`` the people and risks offered (and accepted: only visible ones)."""

    action: ClassVar[str] = ""

    def __init__(self, data: Any = None, files: Any = None, *, user: Any, hazard: Hazard) -> None:
        initial = {name: _current(hazard, name) for name in self.base_fields}
        super().__init__(data, files, initial=initial, auto_id=f"id_{self.action}_%s")
        self.hazard = hazard
        if "responsible" in self.fields:
            field = self.fields["responsible"]
            field.queryset = Person.objects.visible_to(user).select_related("unit")  # type: ignore[attr-defined]
            field.widget.choices = [("", "请选择"), *(  # type: ignore[attr-defined]
                (p.pk, p.name) for p in Person.objects.visible_to(user).filter(
                    unit__path__startswith=hazard.unit.path, is_active=True).order_by("name")[:500])]
        if "risk" in self.fields:
            from anxiao.risks.models import Risk

            field = self.fields["risk"]
            field.queryset = Risk.objects.visible_to(user).select_related("school")  # type: ignore[attr-defined]
            field.widget.choices = [("", "（不关联）"), *(  # type: ignore[attr-defined]
                (r.pk, f"{r.get_level_display()} · {r.area}") for r in school_risks(user, hazard.unit))]

    def arguments(self) -> dict[str, Any]:
        """The action's keyword arguments: what was filled in (an empty field is "not given")."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}


def school_risks(user: Any, unit: Any) -> Any:
    """Active risks of the unit's school (the unit itself or the school above a school department)."""
    from anxiao.risks.models import Risk

    return Risk.objects.visible_to(user).filter(school_id__in=ancestor_ids(unit.path), is_active=True) \
        .order_by("category", "area")


HAZARD_FIELDS = {f.name: f.attname for f in Hazard._meta.concrete_fields}


def _current(hazard: Hazard, name: str) -> Any:
    """What an action's field starts with: the hazard's own value (a select left alone must not fall back to its
    first option, e.g. 类别 GL)."""
    if name not in HAZARD_FIELDS:
        return ""
    value = getattr(hazard, HAZARD_FIELDS[name])
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _form(name: str, **fields: forms.Field) -> type[TransitionForm]:
    return type(f"{name.title().replace('_', '')}Form", (TransitionForm,), {"action": name, **fields})


FORMS: dict[str, type[TransitionForm]] = {form.action: form for form in (
    _form("register", location=_text("隐患部位"), category=_select("隐患类别", Category.choices),
          description=_area("隐患描述"), note=_text("说明"), photos=_photos("照片")),
    _form("grade", grade=_select("隐患等级", Grade.choices), grade_basis=_text("判定依据"),
          risk_score=_number("风险分值（LEC/LS，可选）", "风险分值"),
          risk_colour=_select("风险等级（可选）", RiskColour.choices, blank="—"), note=_text("说明")),
    _form("start_rectification", measures=_area("整改措施"),
          responsible=PersonChoice(Person.objects.none(), label="整改责任人", required=False,
                                   error_messages={"invalid_choice": "请选择整改责任人"}),
          responsible_department=_text("整改责任部门"), deadline=_date("整改时限"),
          funds=_number("整改资金（万元）", "整改资金"), funds_source=_text("资金来源"),
          contingency_plan=_area("应急预案（重大隐患必填）"), temporary_measures=_area("临时防范措施（重大隐患必填）"),
          note=_text("说明")),
    _form("rectify_on_spot", measures=_area("当场整改措施"), photos=_photos("整改后照片")),
    _form("submit_for_acceptance", note=_area("整改情况说明"), photos=_photos("整改后照片")),
    _form("accept", note=_area("验收结论"), photos=_photos("验收照片")),
    _form("reject", note=_area("不通过原因"), photos=_photos("照片")),
    _form("close", note=_text("说明")),
    _form("request_extension", new_deadline=_date("申请延至", "申请延至日期"), reason=_area("延期理由")),
    _form("approve_extension", note=_text("审批意见")),
    _form("refuse_extension", note=_text("驳回理由")),
    _form("report_upward", upward_reason=_select("原因", UpwardReason.choices), note=_area("需上级协调解决事项")),
    _form("supervise", kind=_select("类型", SupervisionKind.choices), document_number=_text("督办文号"),
          supervision_deadline=_date("督办期限"), requirements=_area("督办要求")),
    _form("acknowledge_supervision", note=_text("签收说明")),
    _form("request_void", reason=_area("作废理由")),
    _form("approve_void", note=_text("审批意见")),
    _form("refuse_void", note=_text("驳回理由")),
    _form("comment", note=_area("说明"), photos=_photos("照片")),
    _form("link_risk", risk=RiskChoice(Person.objects.none(), label="关联风险（不选则取消关联）", required=False,
                                        error_messages={"invalid_choice": "关联风险不存在或不可见"}),
          note=_text("说明")),
)}


def form_for(name: str, data: Any = None, files: Any = None, *, user: Any, hazard: Hazard) -> TransitionForm:
    """The form of transition ``name`` (an unknown name gets an empty form: the action refuses it by name)."""
    form_class = FORMS.get(name) or _form(name or "unknown")
    return form_class(data, files, user=user, hazard=hazard)


# The API's body: every transition form's fields, typed as the forms clean them (a person or risk by its id).
API_TYPES: dict[type[forms.Field], Any] = {forms.DateField: datetime.date, forms.DecimalField: decimal.Decimal}


def transition_fields() -> dict[str, tuple[Any, None]]:
    fields: dict[str, tuple[Any, None]] = {}
    for form in FORMS.values():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.FileField):
                continue  # photos go up as files on the page; the API takes none
            if isinstance(field, forms.ModelChoiceField):
                fields[f"{name}_id"] = (int | None, None)
            else:
                fields[name] = (API_TYPES.get(type(field), str) | None, None)
    return fields
