"""Run an action from a view and show how it went: the one way a page treats an action's refusal.

An action (``<app>/actions.py``) refuses by raising ``ValidationError`` (bad input: ``{field: [中文消息]}``) or
``PermissionDenied`` (the user may not do it). A page never lets either escape as a 500 or a bare 403 page:

- with a ``form`` (a page that re-renders its form on failure), a ``ValidationError`` goes onto the fields it names
  (``core.forms.apply_errors``; names that are not fields become the form's own error) and a ``PermissionDenied``
  becomes the form's own error — the page is rendered again with what was typed, status 200;
- without a form (a POST-and-redirect button), each message is flashed as an error on the page the view redirects
  to (``messages.error``).

On success the ``done`` message (if any) is flashed. ``run_and_flash`` returns the action's result, or ``REFUSED``
(which is falsy) after a refusal — test ``if result is REFUSED`` when the action may return None.

    form = forms.ActionForm(request.POST or None)
    if run_form(request, form, lambda d: actions.add_action(request.user, incident, **d), "已记录") is not REFUSED:
        return redirect("incidents:incident_detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form})

(``run_form``: the form's POST; ``run_and_flash(request, action, done)``: a button; ``form=`` when a page builds the
action's arguments itself; ``form=PageErrors(request)`` for a page that lays out its own inputs from an ``errors``
dict.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from .forms import apply_errors

DENIED = "没有权限"


class _Refused:
    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED: Final = _Refused()


class PageErrors(dict[str, list[str]]):
    """The ``errors`` of a page that lays out its own inputs (``errors.<field>`` beside each), used as the ``form`` of
    ``run_and_flash``: a ValidationError's messages land under their field names, a PermissionDenied and errors that
    name no field (or none of ``shown``, the names the page has an input for) are flashed on the page."""

    def __init__(self, request: HttpRequest, shown: Iterable[str] | None = None) -> None:
        super().__init__()
        self.request = request
        self.shown = None if shown is None else set(shown)

    def apply_errors(self, exc: ValidationError) -> None:
        for name, errors in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
            for error in errors:
                self.add_error(None if name == "__all__" else name, error)

    def add_error(self, field: str | None, error: str) -> None:
        if field is None or (self.shown is not None and field not in self.shown):
            messages.error(self.request, error)
        else:
            self.setdefault(field, []).append(error)


def refusal_messages(exc: ValidationError | PermissionDenied, denied: str = DENIED) -> list[str]:
    """The Chinese messages of a refusal (a field's name is not repeated: the messages name it)."""
    if isinstance(exc, PermissionDenied):
        return [str(exc) or denied]
    return [str(m) for m in exc.messages]


def run_and_flash(request: HttpRequest, action: Callable[[], Any], done: str = "", *, form: Any = None,
                  denied: str = DENIED) -> Any:
    """The action's result, or ``REFUSED`` after showing its refusal (see the module docstring)."""
    try:
        result = action()
    except ValidationError as exc:
        if form is not None:  # a form may map an action's names onto its fields (its own apply_errors)
            form.apply_errors(exc) if hasattr(form, "apply_errors") else apply_errors(form, exc)
        else:
            messages.error(request, "；".join(refusal_messages(exc)))
        return REFUSED
    except PermissionDenied as exc:
        if form is not None:
            form.add_error(None, refusal_messages(exc, denied)[0])
        else:
            messages.error(request, refusal_messages(exc, denied)[0])
        return REFUSED
    if done:
        messages.success(request, done)
    return result


def run_form(request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any], done: str = "",
             denied: str = DENIED) -> Any:
    """A form page's POST: ``action(form.cleaned_data)`` once the form is posted and valid, its refusal shown on the
    form; ``REFUSED`` when not posted, invalid or refused (the caller renders the form again)."""
    if request.method != "POST" or not form.is_valid():
        return REFUSED
    return run_and_flash(request, lambda: action(form.cleaned_data), done, form=form, denied=denied)
