"""Demo county: the national checklist, a year of school inspections, bureau supervisions, patrol points
with this month's QR rounds (the records of the guards' patrol rule). Everything is bulk-created so the demo stays fast."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.demo import DemoContext

from .actions import load_checklist
from .models import (
    Inspection,
    InspectionKind,
    InspectionStatus,
    ItemResult,
    Outcome,
    PatrolCheckIn,
    PatrolPoint,
)

# Each demo inspection covers a few sections of the library in turn (a concentrated inspection rarely covers all 13).
SECTIONS = [["XF", "AB"], ["XS", "SP"], ["GL", "NS"], ["SS", "JT"], ["SY", "WL"], ["ZB", "HD", "XL"]]
POINTS = [("校门口", "南大门"), ("教学楼楼道", "一号教学楼"), ("食堂后厨", "学生食堂"), ("配电房", "后勤楼一层"),
          ("学生宿舍", "宿舍楼"), ("围墙周界", "操场东侧")]


def build(ctx: DemoContext) -> None:
    checklist, _ = load_checklist()
    schools: list[dict[str, Any]] = ctx.data.get("schools", [])
    bureau = ctx.data.get("bureau")
    today = ctx.today
    start = today - datetime.timedelta(days=365)
    rows: list[Inspection] = []
    for s in schools:
        school = s["school"]
        deputy = s["safety_deputy"].holder
        principal = s["principal"].holder
        day = start
        while day <= today:
            # Half-monthly concentrated inspection (1st and 16th) and the monthly leadership inspection (the 10th).
            for dom, kind, leader, title in ((1, InspectionKind.HALF_MONTHLY, deputy, "半月集中排查"),
                                             (16, InspectionKind.HALF_MONTHLY, deputy, "半月集中排查"),
                                             (10, InspectionKind.MONTHLY_LEADERSHIP, principal, "校长带队月度检查")):
                if day.day == dom:
                    done = day < today - datetime.timedelta(days=1) or ctx.rng.random() < 0.5
                    rows.append(Inspection(
                        unit=school, kind=kind, checklist=checklist, title=title, planned_on=day, leader=leader,
                        categories=SECTIONS[(day.month * 3 + dom) % len(SECTIONS)],
                        status=InspectionStatus.DONE if done else InspectionStatus.IN_PROGRESS,
                        completed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
                        if done else None))
            day += datetime.timedelta(days=1)
        if bureau is not None:
            for month in (3, 9):
                day = today.replace(month=month, day=15) if today.month > month else \
                    today.replace(year=today.year - 1, month=month, day=15)
                rows.append(Inspection(unit=school, inspecting_unit=bureau, kind=InspectionKind.BUREAU_SUPERVISION,
                                       checklist=checklist, title="开学安全专项督查", planned_on=day,
                                       categories=["XF", "XS", "SP"],
                                       status=InspectionStatus.DONE,
                                       completed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))))
    if bureau is not None and schools:
        # One unannounced visit under way: the school does not see it yet.
        rows.append(Inspection(unit=schools[0]["school"], inspecting_unit=bureau, kind=InspectionKind.UNANNOUNCED,
                               checklist=checklist, title="明察暗访（食堂、校门）", planned_on=today,
                               categories=["SP", "AB"],
                               status=InspectionStatus.IN_PROGRESS))
    Inspection.objects.bulk_create(rows, batch_size=500)
    results = _results(ctx, rows, list(checklist.items.all()))
    points: list[PatrolPoint] = []
    for s in schools:
        school = s["school"]
        for name, where in POINTS[: 4 + (1 if school.boarding else 0)]:
            if name == "学生宿舍" and not school.boarding:
                continue
            points.append(PatrolPoint(unit=school, name=name, location=where, key_area=name != "围墙周界"))
    PatrolPoint.objects.bulk_create(points, batch_size=500)
    checkins = _patrols(ctx, points)
    ctx.data["checklist"] = checklist
    ctx.say(f"检查排查：{len(rows)} 次检查（{len(results)} 项结果），{len(points)} 个巡查点，{len(checkins)} 次打卡。")


def _patrols(ctx: DemoContext, points: list[PatrolPoint]) -> list[PatrolCheckIn]:
    """This month's patrols as live use makes them: rounds of QR check-ins at every key point (hours apart, so
    one check-in per point per interval), most days five or six rounds, some days short, today only up to now.
    Each complete round is the ``patrol_round`` record live check-ins write (actions._record_rounds), linked to
    the slots crediting.py gives it."""
    from anxiao.obligations.demo import link_records
    from anxiao.obligations.models import Activity

    now = timezone.localtime()
    today = ctx.today
    by_school: dict[int, list[PatrolPoint]] = {}
    for p in points:
        if p.key_area:
            by_school.setdefault(p.unit_id, []).append(p)
    checkins: list[PatrolCheckIn] = []
    rounds: list[Activity] = []
    for school_id, pts in by_school.items():
        for i in range(today.day):
            day = today.replace(day=1) + datetime.timedelta(days=i)
            diligent = ctx.rng.random() < 0.85
            n = ctx.rng.choice([5, 5, 6]) if diligent else ctx.rng.choice([2, 3, 4])
            for r in range(n):
                times = [timezone.make_aware(datetime.datetime.combine(
                    day, datetime.time(7 + 2 * r, j * 4 + ctx.rng.randint(0, 3)))) for j in range(len(pts))]
                missed = len(pts) - 1 if not diligent and r == n - 1 and ctx.rng.random() < 0.5 else None
                scanned = [(p, at) for j, (p, at) in enumerate(zip(pts, times, strict=True)) if at <= now and j != missed]
                checkins += [PatrolCheckIn(point=p, at=at, on=day, normal=ctx.rng.random() > 0.05,
                                           note="" if ctx.rng.random() > 0.05 else "发现杂物堆放，已清理")
                             for p, at in scanned]
                if len(scanned) < len(pts):
                    break
                rounds.append(Activity(kind="patrol", occurred_on=day, unit_id=school_id, title=f"重点部位巡查第 {r + 1} 轮",
                                       record_kind="patrol_round", evidence="record", post_role="led",
                                       notes="每个重点部位均已现场扫码打卡",
                                       source_ref=f"patrol_round:{school_id}:{day:%Y%m%d}:{r + 1}"))
    PatrolCheckIn.objects.bulk_create(checkins, batch_size=2000)
    if ctx.data.get("bureau") is not None:
        Activity.objects.bulk_create(rounds, batch_size=2000)
        link_records(rounds)
    return checkins


def _results(ctx: DemoContext, inspections: list[Inspection], items: list[Any]) -> dict[tuple[int, str], ItemResult]:
    """Every applicable item of a completed inspection is answered (the rule for completing one); one under way
    has about half. The hazards demo turns some of them into failures. Kept in ``ctx.data["item_results"]``."""
    results: list[ItemResult] = []
    for insp in inspections:
        applicable = [i for i in items if i.category in insp.categories and i.applies_to(insp.unit)]
        for item in applicable:
            if insp.status != InspectionStatus.DONE and ctx.rng.random() < 0.5:
                continue
            na = item.allow_na and ctx.rng.random() < 0.03
            results.append(ItemResult(inspection=insp, item=item, item_code=item.code,
                                      outcome=Outcome.NA if na else Outcome.PASS))
    ItemResult.objects.bulk_create(results, batch_size=2000)
    by_key = {(r.inspection_id, r.item_code): r for r in results}
    ctx.data["item_results"] = by_key
    return by_key
