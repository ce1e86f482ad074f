"""Who is acting, from where, through which channel — for the audit log.

Set by the request middleware for web and API calls, and by ``acting_as`` for CLI commands
and the worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    ip: str | None = None
    via: str = "cli"


_current: ContextVar[Actor] = ContextVar("anxiao_actor", default=Actor())


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(user: Any = None, ip: str | None = None, via: str = "cli") -> Iterator[Actor]:
    token = _current.set(Actor(user=user, ip=ip, via=via))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


_audit_off: ContextVar[bool] = ContextVar("anxiao_audit_off", default=False)


def audit_enabled() -> bool:
    return not _audit_off.get()


@contextlib.contextmanager
def audit_suppressed() -> Iterator[None]:
    """For bulk loading of generated data (the demo), where a change log would only be noise."""
    token = _audit_off.set(True)
    try:
        yield
    finally:
        _audit_off.reset(token)
