"""Drill records for tests and the permission matrix (made once per test world)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

CLASS_A1 = "七年级（1）班"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "预案.pdf") -> Any:
    buf = io.BytesIO(PDF)
    buf.name = name
    return buf


def homeroom(w: Any) -> Any:
    """a1's homeroom teacher post (held by the school_member user) with its class."""
    post = w.posts["a1_teacher"]
    if post.class_name != CLASS_A1:
        post.class_name = CLASS_A1
        post.save()
    return post


def drill(w: Any) -> Any:
    """An ordinary drill of a1, under way, with the scenario plan attached and its window open now."""
    if not hasattr(w, "drill_a1"):
        from anxiao.drills import actions

        now = timezone.now()
        d = actions.save_drill(None, None, school=w.a1, kind="drill", theme="fire", title="新华中学消防疏散演练",
                               planned_on=timezone.localdate(), window_start=now - datetime.timedelta(hours=1),
                               window_end=now + datetime.timedelta(hours=3), classes=[homeroom(w)])
        w.drill_file_a1 = actions.attach_file(None, d, pdf())
        w.drill_a1 = actions.start(None, d)
    return w.drill_a1


def finding(w: Any) -> Any:
    if not hasattr(w, "drill_finding_a1"):
        from anxiao.drills import actions

        w.drill_finding_a1 = actions.add_finding(None, drill(w), description="东侧楼梯疏散拥堵", location="东侧楼梯",
                                                 category="XS")
    return w.drill_finding_a1


def plan(w: Any, school: Any = None, year: int | None = None) -> Any:
    """A draft plan of a1 (monthly fire/earthquake… drills, guard drills every month)."""
    from anxiao.drills import actions

    school = school or w.a1
    year = year or timezone.localdate().year
    themes = ["fire", "earthquake", "anti_violence", "crowd_crush", "flood", "fire", "school_bus", "earthquake",
              "fire", "anti_violence", "crowd_crush", "fire"]
    items = [{"month": m, "kind": "drill", "theme": t} for m, t in enumerate(themes, start=1)]
    items += [{"month": m, "kind": "guard_drill", "theme": "anti_violence"} for m in range(1, 13)]
    return actions.save_plan(None, None, school=school, year=year, items=items)


def plan_a1(w: Any) -> Any:
    if not hasattr(w, "drill_plan_a1"):
        w.drill_plan_a1 = plan(w)
    return w.drill_plan_a1


def settings_a(w: Any) -> Any:
    if not hasattr(w, "drill_settings_a"):
        from anxiao.drills.models import DrillSettings

        w.drill_settings_a = DrillSettings.objects.create(unit=w.bureau_a, evacuation_target_seconds=150)
    return w.drill_settings_a
