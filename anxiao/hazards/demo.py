"""Demo county: ~2,000 hazards over a year in every state, with their timelines; some overdue and
escalated, a few major ones under 督办 / 挂牌督办, pending extensions, some reported upward.
Bulk-created (hazards, item results, events) so the demo stays fast."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anxiao.core.demo import DemoContext

from .models import (
    Extension,
    Grade,
    Hazard,
    HazardEvent,
    Source,
    Status,
    SupervisionKind,
    SupervisionOrder,
    UpwardReason,
)

PER_SCHOOL = 45
LATE_MAJORS = 3  # open major hazards past their deadline in the demo county (a few, under 督办)
# (status, weight): most of a year's hazards are closed; the rest spread over the loop.
STATES = [(Status.CLOSED, 62), (Status.ACCEPTED, 4), (Status.AWAITING_ACCEPTANCE, 6), (Status.RECTIFYING, 14),
          (Status.GRADED, 4), (Status.REGISTERED, 4), (Status.REPORTED, 5), (Status.VOID, 1)]
ORDER: list[str] = [Status.REPORTED, Status.REGISTERED, Status.GRADED, Status.RECTIFYING, Status.AWAITING_ACCEPTANCE,
         Status.ACCEPTED, Status.CLOSED]
LABELS: dict[str, tuple[str, str]] = {Status.REPORTED: ("report", "发现上报"), Status.REGISTERED: ("register", "登记"),
          Status.GRADED: ("grade", "评估定级"), Status.RECTIFYING: ("start_rectification", "下达整改"),
          Status.AWAITING_ACCEPTANCE: ("submit_for_acceptance", "申请验收"), Status.ACCEPTED: ("accept", "验收通过"),
          Status.CLOSED: ("close", "销号")}
MEASURES = ["更换", "维修", "清理", "加固", "重新张贴", "补充配备", "整改到位"]


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def build(ctx: DemoContext) -> None:
    from anxiao.inspections.models import Inspection, ItemResult, Outcome

    checklist = ctx.data.get("checklist")
    if checklist is None:
        return
    items = list(checklist.items.all())
    schools: list[dict[str, Any]] = ctx.data.get("schools", [])
    today = ctx.today
    inspections: dict[int, list[Any]] = {}
    answered: dict[tuple[int, str], ItemResult] = ctx.data.get("item_results", {})
    for done in Inspection.objects.filter(status="done").only("id", "unit_id", "planned_on", "kind", "categories"):
        inspections.setdefault(done.unit_id, []).append(done)
    weights = [w for _s, w in STATES]
    plans: list[dict[str, Any]] = []
    results: list[ItemResult] = []
    failed: list[ItemResult] = []
    used: set[tuple[int, str]] = set()
    for s in schools:
        school = s["school"]
        officers = [p.holder for p in s.get("safety_officers", []) if p.holder]
        deputy = s["safety_deputy"].holder
        applicable = [i for i in items if i.applies_to(school)]
        own = inspections.get(school.pk, [])
        for _ in range(PER_SCHOOL):
            status = ctx.rng.choices([st for st, _w in STATES], weights)[0]
            item = ctx.rng.choice(applicable)
            major = item.grade == "major" or (item.grade == "major_if" and ctx.rng.random() < 0.2)
            age = ctx.rng.randint(0, 364) if status in (Status.CLOSED, Status.VOID) else ctx.rng.randint(0, 120)
            found = today - datetime.timedelta(days=age)
            insp = None
            near = [i for i in own if abs((i.planned_on - found).days) < 8 and (i.pk, item.code) not in used
                    and (not i.categories or item.category in i.categories)]
            if near and ctx.rng.random() < 0.7:
                insp = ctx.rng.choice(near)
                used.add((insp.pk, item.code))
                found = insp.planned_on
                # The inspection answered every item; this one becomes its failure.
                result = answered.get((insp.pk, item.code)) or ItemResult(inspection=insp, item=item,
                                                                          item_code=item.code)
                result.outcome, result.note = Outcome.FAIL, f"{item.text[:40]}——不符合要求"
                (failed if result.pk else results).append(result)
            plans.append({"school": school, "item": item, "major": major, "status": status, "found": found,
                          "inspection": insp, "finder": ctx.rng.choice(officers or [deputy]),
                          "responsible": deputy if major else ctx.rng.choice(officers or [deputy])})
    ItemResult.objects.bulk_create(results, batch_size=1000)
    ItemResult.objects.bulk_update(failed, ["outcome", "note"], batch_size=1000)
    by_key = {(r.inspection_id, r.item_code): r for r in [*results, *failed]}
    hazards: list[Hazard] = []
    late_majors = 0
    for p in plans:
        status, found, item = p["status"], p["found"], p["item"]
        reached = ORDER.index(status) if status in ORDER else ORDER.index(Status.REGISTERED)
        h = Hazard(
            unit=p["school"], location=ctx.rng.choice(["一号教学楼", "食堂", "操场", "宿舍楼", "实验楼", "校门", "配电房"]),
            category=item.category, description=f"{item.text[:60]}（不符合）", item_code=item.code,
            source=Source.INSPECTION if p["inspection"] else ctx.rng.choice([Source.PATROL, Source.STAFF_REPORT,
                                                                              Source.PATROL, Source.PUBLIC]),
            finder=p["finder"], finder_name=p["finder"].name if p["finder"] else "", found_at=_aware(found, 9),
            grade=Grade.MAJOR if p["major"] else Grade.GENERAL, grade_basis=item.major_basis if p["major"] else "",
            inspection=p["inspection"], status=status,
            item_result=by_key.get((p["inspection"].pk, item.code)) if p["inspection"] else None,
        )
        if reached >= ORDER.index(Status.RECTIFYING):
            span = 60 if p["major"] else ctx.rng.choice([3, 7, 15])
            h.measures = f"{ctx.rng.choice(MEASURES)}（{item.category}）"
            h.responsible = p["responsible"]
            h.deadline = found + datetime.timedelta(days=span)
            if status in (Status.RECTIFYING, Status.AWAITING_ACCEPTANCE):
                # About a quarter of the open ones run late; a major one rarely does (it is supervised from the day
                # it is graded): the county has LATE_MAJORS, each vetoing its school's assessment.
                days = ctx.rng.randint(-15, 40)
                if p["major"] and days < 0:
                    if late_majors >= LATE_MAJORS:
                        days = 5 - days
                    else:
                        late_majors += 1
                h.deadline = max(found + datetime.timedelta(days=1), today + datetime.timedelta(days=days))
            if p["major"]:
                h.funds, h.funds_source = Decimal(ctx.rng.choice(["2.5", "8", "15", "30"])), "县财政专项"
                h.contingency_plan = "制定专项应急预案，明确疏散路线和责任人"
                h.temporary_measures = "停用相关场所，设置警示标志和隔离带"
        if reached >= ORDER.index(Status.AWAITING_ACCEPTANCE):
            h.rectified_at = _aware(min(today, found + datetime.timedelta(days=ctx.rng.randint(1, 10))), 15)
        if reached >= ORDER.index(Status.ACCEPTED):
            h.accepted_at = h.rectified_at + datetime.timedelta(days=1) if h.rectified_at else None
            h.acceptance_note = "整改到位，验收合格"
            h.rejection_count = 1 if ctx.rng.random() < 0.08 else 0
        if status == Status.CLOSED:
            h.closed_at = h.accepted_at
        if status == Status.VOID:
            h.voided_at, h.void_reason = _aware(found + datetime.timedelta(days=1), 10), "重复登记，经教育局批准作废"
        if status in (Status.RECTIFYING, Status.GRADED) and h.deadline and h.deadline < today:
            overdue = (today - h.deadline).days
            h.escalation_level = 2 if overdue >= 7 else 1
            h.escalated_at = _aware(h.deadline + datetime.timedelta(days=1), 8)
        hazards.append(h)
    Hazard.objects.bulk_create(hazards, batch_size=500)
    events: list[HazardEvent] = []
    for h in hazards:
        path = ORDER[: ORDER.index(h.status) + 1] if h.status in ORDER else [Status.REPORTED, Status.REGISTERED]
        at = h.found_at
        previous = ""
        for st in path:
            action, label = LABELS[st]
            note = {"start_rectification": h.measures, "accept": h.acceptance_note,
                    "submit_for_acceptance": "已按要求整改，申请验收"}.get(action, "")
            events.append(HazardEvent(hazard=h, action=action, label=label, from_status=previous, to_status=st, at=at,
                                      actor_name=h.finder_name, note=note or ""))
            previous = st
            at = at + datetime.timedelta(hours=ctx.rng.randint(2, 30))
        if h.status == Status.VOID:
            events.append(HazardEvent(hazard=h, action="approve_void", label="批准作废", from_status=previous,
                                      to_status=Status.VOID, at=at, actor_name="县教育局", note=h.void_reason))
        if h.escalation_level:
            events.append(HazardEvent(hazard=h, action="escalate", label="逾期上报包保领导", from_status=h.status,
                                      to_status=h.status, at=h.escalated_at or at, actor_name="系统",
                                      note=f"整改时限 {h.deadline} 已逾期", data={"level": 1}))
            if h.escalation_level == 2:
                events.append(HazardEvent(hazard=h, action="escalate", label="逾期上报教育局安全办",
                                          from_status=h.status, to_status=h.status,
                                          at=(h.escalated_at or at) + datetime.timedelta(days=7), actor_name="系统",
                                          note=f"整改时限 {h.deadline} 已逾期 7 天以上", data={"level": 2}))
    HazardEvent.objects.bulk_create(events, batch_size=2000)
    _supervision(ctx, hazards)
    ctx.say(f"隐患台账：{len(hazards)} 条隐患，{len(events)} 条处理记录。")
    _rectification_lists(ctx, schools)


# Schools whose Party branch studied the rectification list this month; the first FILED of them filed it with the
# bureau's safety office (seed 002 五(二)), the others have yet to.
PARTY_MEETINGS, FILED = 8, 6


def _rectification_lists(ctx: DemoContext, schools: list[dict[str, Any]]) -> None:
    """整改问题清单 as a school does it, through the actions: every open problem gets its owner and deadline (登记,
    定级, 下达整改), the Party branch meets on the list (a meeting record with minutes), and the list is filed."""
    from anxiao.obligations import actions as obligations

    from . import actions

    today = ctx.today
    # The persona school (城关镇中心小学, xiaozhang) has met but not filed yet: its principal finds the meeting to
    # choose and the problems still without an owner or deadline; the bureau sees the lists the others filed.
    main = next((s for s in schools if s["school"].name == "城关镇中心小学"), None)
    others = [s for s in schools if s is not main]
    chosen = ctx.rng.sample(others, min(PARTY_MEETINGS - (main is not None), len(others)))
    if main is not None:
        chosen.insert(min(FILED, len(chosen)), main)
    filed = 0
    for i, s in enumerate(chosen):
        school, deputy = s["school"], s["safety_deputy"].holder
        if i < FILED:
            for h in Hazard.objects.filter(unit=school, status__in=[Status.REPORTED, Status.REGISTERED, Status.GRADED],
                                           voided_at__isnull=True).order_by("pk"):
                if h.status == Status.REPORTED:
                    h = actions.transition(None, h, "register")
                if h.status == Status.REGISTERED:
                    h = actions.transition(None, h, "grade", grade=h.grade or Grade.GENERAL)
                major = h.grade == Grade.MAJOR
                five: dict[str, Any] = {
                    "measures": f"{ctx.rng.choice(MEASURES)}（{h.category}）", "responsible": deputy,
                    "deadline": today + datetime.timedelta(days=60 if major else ctx.rng.choice([7, 15, 30]))}
                if major:
                    five.update(funds="5", funds_source="县财政专项", contingency_plan="制定专项应急预案，明确疏散路线和责任人",
                                temporary_measures="停用相关场所，设置警示标志和隔离带")
                actions.transition(None, h, "start_rectification", **five)
        day = today - datetime.timedelta(days=ctx.rng.randint(0, min(10, today.day - 1)))
        meeting = obligations.record_activity(
            None, kind="meeting", meeting_kind="party_branch", unit=school, occurred_on=day, today=today,
            title="党支部会议研究安全隐患整改问题清单",
            notes="逐项研究查摆出的安全隐患问题，明确整改责任人和整改完成时限，同意报局安全办备案。" if i < FILED
            else "传达上级学校安全工作要求，研究本校安全隐患整改，整改清单待补充责任人和时限后再议。")
        if i < FILED:
            actions.file_rectification_list(None, school, meeting=meeting, today=today)
            filed += 1
    ctx.say(f"整改清单：{len(chosen)} 所学校党支部会议研究，{filed} 所报局安全办备案。")


def _supervision(ctx: DemoContext, hazards: list[Hazard]) -> None:
    bureau = ctx.data.get("bureau")
    today = ctx.today
    open_major = [h for h in hazards if h.grade == Grade.MAJOR and h.status in (Status.RECTIFYING, Status.GRADED)]
    orders, extensions, up = [], [], []
    for n, h in enumerate(open_major[:6], start=1):
        kind = SupervisionKind.LISTED if n <= 2 else SupervisionKind.ORDER
        orders.append(SupervisionOrder(
            hazard=h, kind=kind, issuing_unit=bureau, document_number=f"临教安督〔{today.year}〕{n}号",
            issued_on=today - datetime.timedelta(days=10 + n), deadline=today + datetime.timedelta(days=20 + n),
            requirements="限期整改到位，整改期间停用相关场所", delivered_at=_aware(today - datetime.timedelta(days=10 + n), 9),
            received_at=_aware(today - datetime.timedelta(days=9 + n), 10) if n % 3 else None))
        h.under_supervision, h.listed = True, kind == SupervisionKind.LISTED
    if bureau is not None:
        SupervisionOrder.objects.bulk_create(orders)
    Hazard.objects.bulk_update([o.hazard for o in orders], ["under_supervision", "listed"])
    rectifying = [h for h in hazards if h.status == Status.RECTIFYING and h.deadline]
    for h in rectifying[:8]:
        assert h.deadline is not None
        extensions.append(Extension(hazard=h, old_deadline=h.deadline, new_deadline=h.deadline + datetime.timedelta(days=30),
                                    reason="所需材料需政府采购，到货时间延后"))
    Extension.objects.bulk_create(extensions)
    for h in rectifying[10:22]:
        h.reported_up_at = _aware(h.found_at.date() + datetime.timedelta(days=3), 10)
        h.upward_reason = ctx.rng.choice([UpwardReason.FUNDS, UpwardReason.OUTSIDE_CAMPUS])
        h.upward_note = "校门口道路缺少减速带和交通标志，需交通部门设置" if h.upward_reason == UpwardReason.OUTSIDE_CAMPUS \
            else "围墙加固需资金约 20 万元，学校公用经费无法解决"
        up.append(h)
    Hazard.objects.bulk_update(up, ["reported_up_at", "upward_reason", "upward_note"])
