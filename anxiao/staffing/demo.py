"""Demo county: a profile per school, guards with birth dates, and a few schools that fail the rules.

The org demo already leaves some schools short of guard posts; those stay short here. The others get
guards up to what seed 002 requires (students + staff, boarders). A handful of deliberate failures
follow: a guard over 55, a "social" hire, missing equipment, short training, a small safety office.
"""

from __future__ import annotations

import datetime
from typing import Any

from anxiao.core.demo import DemoContext

from . import rules
from .models import Guard, SchoolProfile, StaffingSettings

COMPANIES = ["临溪县平安保安服务有限公司", "青川市安盾保安服务有限公司"]


def _birth(ctx: DemoContext, age: int) -> datetime.date:
    return ctx.today.replace(year=ctx.today.year - age, month=1, day=1) - datetime.timedelta(days=ctx.rng.randint(1, 300))


def _profile(ctx: DemoContext, i: int, s: dict[str, Any]) -> SchoolProfile:
    school, students = s["school"], s["students"]
    large = students >= rules.LARGE_SCHOOL
    return SchoolProfile(
        school=school, campus="主校区", students=students, staff=students // 12 + 6,
        boarders=int(students * 0.35) if school.boarding else 0, buildings=2 + students // 400,
        # Deliberate failures: a one-person office (i = 3) and a large school without a 安全科 (i = 1).
        safety_office_size=1 if i == 3 else (3 if large else 2), has_safety_office_director=i != 3,
        has_safety_department=large and i != 1,
        alarm_linked=True, video_linked=i != 6, video_retention_days=15 if i == 9 else ctx.rng.choice([30, 90]),
        closed_perimeter=True, anti_ramming=i not in (5, 20), security_room=True, gate_duty_24h=True,
    )


def build(ctx: DemoContext) -> None:
    schools: list[dict[str, Any]] = ctx.data.get("schools", [])
    if not schools:
        return
    StaffingSettings.objects.create(bureau=ctx.data["bureau"])
    profiles = SchoolProfile.objects.bulk_create([_profile(ctx, i, s) for i, s in enumerate(schools)])
    guards: list[Guard] = []
    for i, (s, profile) in enumerate(zip(schools, profiles, strict=True)):
        names = [p.holder.name for p in s.get("guards", []) if p.holder_id]
        students = s["students"]
        # The org demo's own count (students only): a third of the schools it left short stay short.
        org_needed = 2 if students < 500 else 4 + 2 * max(0, -(-(students - 1000) // 500))
        if len(names) >= min(org_needed, 6) or i % 3:
            need = rules.guards_required(profile.students, profile.staff, profile.boarders).count
            names += [ctx.person_name() for _ in range(need - len(names))]
        for j, name in enumerate(names):
            guards.append(Guard(
                profile=profile, name=name, company=COMPANIES[(i + j) % 2], licence_no=f"BA{990121000 + len(guards):09d}",
                birth_date=_birth(ctx, 57 if (i, j) == (0, 0) else ctx.rng.randint(28, 52)),
                from_security_company=(i, j) != (4, 1),
                equipment=rules.EQUIPMENT_CODES[:5] if (i, j) == (6, 0) else list(rules.EQUIPMENT_CODES),
            ))
            if not guards[-1].from_security_company:
                guards[-1].company = ""
    Guard.objects.bulk_create(guards)
    ctx.data["staffing_profiles"] = profiles
    ctx.say(f"人员与安保配备：{len(profiles)} 份学校基本情况，{len(guards)} 名保安员。")
