from __future__ import annotations

from typing import Any

from django import forms


def style_fields(form: forms.BaseForm) -> None:
    """Style every field, and give free text without a limit the project's one (core.validation)."""
    from django.core.validators import MaxLengthValidator

    from .validation import TEXT_MAX_LENGTH

    for field in form.fields.values():
        css = "check" if isinstance(field.widget, forms.CheckboxInput) else "input"
        field.widget.attrs.setdefault("class", css)
        if type(field) is forms.CharField and field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))


def apply_errors(form: forms.BaseForm, exc: Any) -> None:
    """Put a ValidationError raised by an action onto the fields it names (others go to the whole form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for err in errors:
                form.add_error(target, err)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class StyledForm(forms.Form):
    """A plain form styled like the rest and able to show an action's errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def apply_errors(self, exc: Any) -> None:
        apply_errors(self, exc)


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose choice fields only offer records the user may see."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                qs = field.queryset
                if qs is not None and hasattr(qs, "visible_to"):
                    field.queryset = qs.visible_to(user)
        style_fields(self)

    def apply_errors(self, exc: Any) -> None:
        apply_errors(self, exc)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
