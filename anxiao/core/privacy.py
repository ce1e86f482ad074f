"""Personal data is shown in full only to those who need it: the managers of the record's unit (a write role over
it: the school's admin, the bureau's admin, a system admin) and the person themselves. Everybody else who may see
the record (a homeroom teacher, the read-only director, 督学, a town chief) sees it masked — in pages, exports and
the API alike, since each of them asks here.

Personal data: mobile numbers and e-mail addresses of people, licence (ID) numbers and birth dates of guards, the
people involved in an incident (who was hurt and how). ``user`` defaults to the one acting
(``core.context.current_actor``: the request's user, web or API token); ``None`` there is the system itself (CLI,
worker, demo), which sees everything.
"""

from __future__ import annotations

import datetime
from typing import Any

from .access import user_scope
from .context import current_actor

_ACTING: Any = object()
HIDDEN = "（仅本单位管理人员可见）"


def _user(user: Any) -> Any:
    return current_actor().user if user is _ACTING else user


def sees_personal(unit: Any, user: Any = _ACTING, person: Any = None) -> bool:
    """Whether the user may read the personal data of a record of ``unit`` (of ``person`` when it is theirs)."""
    user = _user(user)
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if person is not None and getattr(user, "person_id", None) == getattr(person, "pk", None):
        return True
    return unit is not None and user_scope(user, write=True).covers_unit(unit)


def phone(value: Any, unit: Any, user: Any = _ACTING, person: Any = None) -> str:
    """A mobile or phone number: ``138****5678`` for those who may not read it."""
    text = str(value or "")
    if not text or sees_personal(unit, user, person):
        return text
    return f"{text[:3]}****{text[-4:]}" if len(text) >= 8 else "****"


def email(value: Any, unit: Any, user: Any = _ACTING, person: Any = None) -> str:
    text = str(value or "")
    if not text or sees_personal(unit, user, person):
        return text
    name, _at, domain = text.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def id_number(value: Any, unit: Any, user: Any = _ACTING, person: Any = None) -> str:
    """An ID or licence number: the first two and last two characters only."""
    text = str(value or "")
    if not text or sees_personal(unit, user, person):
        return text
    return f"{text[:2]}{'*' * max(len(text) - 4, 4)}{text[-2:]}" if len(text) > 4 else "****"


def birth_date(value: datetime.date | None, unit: Any, user: Any = _ACTING, person: Any = None) -> Any:
    """A birth date, or only its year (the age a rule checks is shown on its own)."""
    if value is None or sees_personal(unit, user, person):
        return value
    return f"{value.year} 年"


def private_text(value: Any, unit: Any, user: Any = _ACTING) -> str:
    """Free text about people (who was hurt, and how): not shown at all to those who may not read it."""
    text = str(value or "")
    if not text or sees_personal(unit, user):
        return text
    return HIDDEN
