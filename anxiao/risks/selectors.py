"""Read-side helpers: the four-colour distribution per school and for the bureau."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from .grading import LEVEL_ORDER


def distribution(risks: Any) -> dict[str, Any]:
    """Counts per colour per school from one aggregate query over ``risks`` (already access-checked).

    The bureau total is summed from the same rows, so the roll-up costs one query whatever the size.
    """
    counts = {level.value: Count("id", filter=Q(level=level)) for level in LEVEL_ORDER}
    rows = list(risks.filter(is_active=True).order_by().values("school_id", "school__name")
                .annotate(total=Count("id"), **counts).order_by("school__name"))
    total = {level.value: sum(r[level.value] for r in rows) for level in LEVEL_ORDER}
    total["total"] = sum(r["total"] for r in rows)
    schools = [{"school_id": r["school_id"], "school": r["school__name"], "total": r["total"],
                **{level.value: r[level.value] for level in LEVEL_ORDER}} for r in rows]
    return {"total": total, "schools": schools}


def colour_totals(risks: Any) -> dict[str, int]:
    """Counts per colour over ``risks`` (access-checked), one query."""
    counts = {level.value: Count("id", filter=Q(level=level)) for level in LEVEL_ORDER}
    return risks.filter(is_active=True).aggregate(total=Count("id"), **counts)


def home_section(request: Any) -> dict[str, Any] | None:
    from .grading import COLOUR_NAMES
    from .models import Risk

    if not request.user.is_authenticated:
        return None
    totals = colour_totals(Risk.objects.visible_to(request.user))
    if not totals["total"]:
        return None
    return {"total": totals["total"],
            "levels": [(level.value, COLOUR_NAMES[level], level.label, totals[level.value]) for level in LEVEL_ORDER]}
