"""Run an action from a POST-and-redirect view and tell the user how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest


def run_and_flash(request: HttpRequest, action: Callable[[], Any], done: str) -> Any:
    """The action's result, or None after showing its Chinese error (a refusal is a message, not a 403 page)."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "没有权限")
        return None
    messages.success(request, done)
    return result
