"""The school conditions a duty list or an obligation rule may name (seed 001: 校车、寄宿、民办), read from the unit's
own fields: the one definition, used by adoption (``policies``) and by obligation rules (``obligations``)."""

from __future__ import annotations

from .models import Unit

CONDITIONS = {"school_bus": "使用校车的学校", "boarding": "寄宿制学校", "private": "民办学校"}


def school_of(unit: Unit) -> Unit | None:
    """The school a unit belongs to (itself, or a school department's school); None outside schools."""
    if unit.kind == "school":
        return unit
    if unit.kind == "school_department" and unit.parent_id:
        return unit.parent
    return None


def condition_holds(condition: str, school: Unit | None) -> bool:
    """Whether a school has the feature a conditional list or rule names (``CONDITIONS``)."""
    if not condition:
        return True
    if school is None:
        return False
    if condition == "school_bus":
        return school.uses_bus
    if condition == "boarding":
        return school.boarding
    if condition == "private":
        return school.is_private
    return False
