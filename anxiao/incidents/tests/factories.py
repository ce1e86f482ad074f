from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.incidents import actions


def incident_in(world: Any, unit_key: str = "a1", minutes_ago: int = 5, **kw: Any) -> Any:
    """An incident learned of ``minutes_ago`` in one of the world's schools, recorded by its principal."""
    cache = f"_incident_{unit_key}"
    if not kw and getattr(world, cache, None) is not None:
        return getattr(world, cache)
    unit = getattr(world, unit_key)
    recorder = world.users["sysadmin"]
    learned = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    data = {"title": "学生课间摔伤", "category": "accident", "subcategory": "accidental_injury",
            "occurred_at": learned - datetime.timedelta(minutes=2), "learned_at": learned, "place": "教学楼二楼走廊",
            "minor_injuries": 1, **kw}
    incident = actions.record(recorder, unit, **data)
    if not kw:
        setattr(world, cache, incident)
    return incident
