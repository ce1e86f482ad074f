"""One Django form per transition (hazards.forms): every action of the state machine has one, the hazard page renders
it, its POST is cleaned by it and the API's body is made of the same fields."""

from __future__ import annotations

import pathlib

from anxiao.hazards import actions, forms
from anxiao.hazards.api import HazardTransitionIn

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_every_transition_has_its_form_and_the_api_body_is_their_fields():
    assert set(forms.FORMS) == set(actions.SPECS)
    expected = {"action"}
    for form in forms.FORMS.values():
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.forms.FileField):
                expected.add(f"{name}_id" if isinstance(field, forms.forms.ModelChoiceField) else name)
    assert set(HazardTransitionIn.model_fields) == expected  # type: ignore[attr-defined]


def test_the_page_has_no_field_language_of_its_own():
    """No tuple language in the views and no ``if`` chain over field types in the template: the forms render."""
    assert "ACTION_FIELDS" not in (ROOT / "views.py").read_text()
    assert 'fld.type ==' not in (ROOT / "templates" / "hazards" / "detail.html").read_text()


def test_a_form_types_the_post_and_starts_from_the_hazards_values(world):
    hazard = actions.report_hazard(None, unit=world.a1, location="操场", category="XS", description="篮球架松动",
                                   finder_name="测试")
    user = world.users["school_admin"]
    assert forms.form_for("register", user=user, hazard=hazard)["category"].value() == "XS"
    form = forms.form_for("start_rectification", {"deadline": "2026-02-30", "funds": "-1", "measures": "加固"},
                          user=user, hazard=hazard)
    assert not form.is_valid()
    assert form.errors == {"deadline": ["整改时限格式应为 YYYY-MM-DD"], "funds": ["整改资金不能为负数"]}
    person = world.people["a1_teacher"]
    form = forms.form_for("start_rectification", {"deadline": "2099-01-01", "responsible": person.pk,
                                                  "measures": " 加固 "}, user=user, hazard=hazard)
    assert form.is_valid(), form.errors
    assert form.arguments() == {"deadline": __import__("datetime").date(2099, 1, 1), "responsible": person,
                                "measures": "加固"}
