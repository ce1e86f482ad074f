"""Demo county: a year of drills that agrees with the obligations history.

Every drill, guard-drill and bus-drill activity the obligations demo recorded becomes a drill record linked
to it (so the green occurrences have their drill); months the obligations demo left missed have none.
Annual plans are approved by each principal; a few recent drills still lack their evaluation (held, not closed:
their records are pending and fill no slot, as live), some classes did not sign in, and the main demo school (城关镇中心小学) has a drill under way today that the
``banzhuren`` account can sign in to. Written in bulk for speed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.choices import Stage
from anxiao.core.demo import DemoContext
from anxiao.core.files import CheckedFile

from .models import (
    AttemptReason,
    Drill,
    DrillEvent,
    DrillFile,
    DrillKind,
    DrillPlan,
    DrillPlanItem,
    DrillStatus,
    Evaluation,
    FileRole,
    Finding,
    PlanStatus,
    SignIn,
    SignInAttempt,
    Theme,
)

MAIN_SCHOOL = "城关镇中心小学"
SCHOOL_THEMES = [Theme.FIRE, Theme.EARTHQUAKE, Theme.ANTI_VIOLENCE, Theme.CROWD_CRUSH, Theme.FLOOD, Theme.FIRE,
                 Theme.PUBLIC_HEALTH, Theme.EARTHQUAKE, Theme.FIRE, Theme.ANTI_VIOLENCE, Theme.FIRE, Theme.CROWD_CRUSH]
KG_MONTHS = (3, 5, 9, 11)
PROBLEMS = ["东侧楼梯口拥堵，疏散用时偏长", "个别班级未按路线疏散", "广播系统音量不足，后排听不清", "应急照明有两处不亮",
            "集合点清点人数用时过长", "安全出口指示标志被遮挡"]
FINDING_CATEGORY = {"应急照明有两处不亮": "XF", "安全出口指示标志被遮挡": "XF", "广播系统音量不足，后排听不清": "AB",
                    "东侧楼梯口拥堵，疏散用时偏长": "XS"}


def _scenario_pdf() -> bytes:
    from anxiao.core import pdf

    doc = pdf.document()
    pdf.title(doc, "应急疏散演练预案（示例）", "演练目的 · 组织机构 · 疏散路线 · 集合点 · 分工 · 注意事项")
    pdf.table(doc, ["环节", "负责人", "要求"], [["发出警报", "安全办", "统一信号"], ["疏散", "各班班主任", "按路线有序撤离"],
                                         ["清点人数", "班主任", "到达集合点后立即上报"]])
    return pdf.output(doc)


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _plans(ctx: DemoContext, schools: list[dict[str, Any]], users: dict[Any, Any]) -> dict[tuple[int, int, int, str], Any]:
    """Approved plans for last year and this year; returns (school, year, month, kind) → plan item."""
    from anxiao.obligations.models import Activity

    plan_acts = {(a.unit_id, a.occurred_on.year): a for a in Activity.objects.filter(kind="plan",
                                                                                  unit__in=[s["school"] for s in schools])}
    plans, items = [], []
    for year in (ctx.today.year - 1, ctx.today.year):
        for i, s in enumerate(schools):
            school, principal = s["school"], s["principal"]
            act = plan_acts.get((school.pk, year))
            approved_at = _local(datetime.date(year, 1, ctx.rng.randint(5, 25)), 10)
            plan = DrillPlan(school=school, year=year, status=PlanStatus.APPROVED, approved_post=principal,
                             approved_by=users.get(principal.holder_id), approved_at=approved_at, activity=act,
                             drafted_by=users.get((s.get("safety_officers") or [principal])[0].holder_id),
                             note="安全办制定，校长批准。")
            plans.append(plan)
            kg = school.stage == Stage.KINDERGARTEN
            for m in KG_MONTHS if kg else range(1, 13):
                theme = SCHOOL_THEMES[(m + i) % 12] if not kg else [Theme.FIRE, Theme.EARTHQUAKE, Theme.FIRE,
                                                                       Theme.CROWD_CRUSH][KG_MONTHS.index(m)]
                items.append((plan, DrillPlanItem(month=m, kind=DrillKind.DRILL, theme=theme)))
                items.append((plan, DrillPlanItem(month=m, kind=DrillKind.GUARD_DRILL, theme=Theme.ANTI_VIOLENCE)))
            if kg:
                items.extend((plan, DrillPlanItem(month=m, kind=DrillKind.GUARD_DRILL, theme=Theme.ANTI_VIOLENCE))
                             for m in range(1, 13) if m not in KG_MONTHS)
    DrillPlan.objects.bulk_create(plans)
    for plan, item in items:
        item.plan = plan
    DrillPlanItem.objects.bulk_create([item for _plan, item in items], batch_size=2000)
    return {(plan.school_id, plan.year, item.month, item.kind): item for plan, item in items}


def build(ctx: DemoContext) -> None:
    from anxiao.accounts.models import User
    from anxiao.obligations.models import Activity

    schools: list[dict[str, Any]] = ctx.data.get("schools") or []
    if not schools:
        return
    by_id = {s["school"].pk: s for s in schools}
    users: dict[Any, Any] = {u.person_id: u for u in User.objects.filter(person__isnull=False)}
    plan_items = _plans(ctx, schools, users)
    from anxiao.core.pdf import PdfUnavailable

    try:
        scenario: bytes | None = _scenario_pdf()
    except PdfUnavailable:  # no Chinese font on this machine: the demo's drills go without a scenario file
        scenario = None
        ctx.say("未安装中文字体：演示演练不附预案 PDF。")
    files: dict[int, DrillFile] = {}
    for s in schools:  # one scenario document per school, shared by its drill records
        if scenario is None:
            break
        files[s["school"].pk] = DrillFile.from_checked(
            CheckedFile(scenario, "应急疏散演练预案.pdf", "pdf", "application/pdf", False),
            f"drills/{s['school'].pk}/demo", role=FileRole.SCENARIO)
    history = list(Activity.objects.filter(kind__in=[DrillKind.DRILL, DrillKind.GUARD_DRILL],
                                           unit_id__in=by_id, voided_at__isnull=True).order_by("occurred_on", "id"))
    # A few schools run school-bus drills (the bus rule is off by default: it needs a "uses a school bus" flag).
    bus_schools = [s for s in schools if s["school"].boarding][:3]
    bus_acts = []
    for s in bus_schools:
        for month in (4, 10):
            year = ctx.today.year if month <= ctx.today.month else ctx.today.year - 1
            day = datetime.date(year, month, ctx.rng.randint(8, 25))
            bus_acts.append(Activity(kind=DrillKind.BUS_DRILL, occurred_on=day, unit=s["school"],
                                     title="校车突发事件应急疏散演练", participant_count=ctx.rng.randint(40, 90),
                                     record_kind="drill:bus_drill", evidence="record"))
    Activity.objects.bulk_create(bus_acts)
    history += bus_acts
    recent = ctx.today - datetime.timedelta(days=75)
    drills: list[Drill] = []
    for n, act in enumerate(history):
        s = by_id[act.unit_id]
        school = s["school"]
        kind = act.kind
        item = plan_items.get((school.pk, act.occurred_on.year, act.occurred_on.month, kind))
        theme = item.theme if item else (Theme.SCHOOL_BUS if kind == DrillKind.BUS_DRILL else Theme.ANTI_VIOLENCE
                                         if kind == DrillKind.GUARD_DRILL else Theme.FIRE)
        start = _local(act.occurred_on, ctx.rng.choice([9, 10, 14, 15]), ctx.rng.choice([0, 30]))
        unevaluated = act.occurred_on >= recent and kind == DrillKind.DRILL and n % 4 == 0
        problems = ctx.rng.choice(PROBLEMS) if kind == DrillKind.DRILL and ctx.rng.random() < 0.35 else ""
        result = "" if unevaluated else ctx.rng.choices(
            [Evaluation.EXCELLENT, Evaluation.GOOD, Evaluation.PASS, Evaluation.FAIL], [3, 5, 2, 0.3])[0]
        seconds = None
        if kind != DrillKind.GUARD_DRILL:
            seconds = ctx.rng.randint(70, 165) if school.stage != Stage.KINDERGARTEN else ctx.rng.randint(110, 210)
        participants = (s["students"] + 40 if kind == DrillKind.DRILL else
                        len(s.get("guards") or []) if kind == DrillKind.GUARD_DRILL else act.participant_count)
        drills.append(Drill(
            school=school, kind=kind, theme=theme, title=f"{Theme(theme).label}{DrillKind(kind).label}", plan_item=item,
            planned_on=act.occurred_on, window_start=start - datetime.timedelta(minutes=30),
            window_end=start + datetime.timedelta(hours=2), status=DrillStatus.HELD if unevaluated else DrillStatus.CLOSED,
            held_on=act.occurred_on, participants_count=participants, evacuation_seconds=seconds, problems=problems,
            evaluation_result=result, evaluation="" if unevaluated else ctx.rng.choice(
                ["组织有序，疏散迅速", "总体良好，个别环节需加强", "达到预期效果", "路线清晰，清点及时"]),
            started_at=start, closed_at=None if unevaluated else start + datetime.timedelta(days=ctx.rng.randint(1, 6)),
            activity=act))
    main = next((s for s in schools if s["school"].name == MAIN_SCHOOL), schools[0])
    now = timezone.now()
    today_drill = Drill(school=main["school"], kind=DrillKind.DRILL, theme=Theme.EARTHQUAKE, title="地震避险应急疏散演练",
                        planned_on=ctx.today, window_start=now - datetime.timedelta(minutes=30),
                        window_end=now + datetime.timedelta(hours=1), signin_margin_minutes=30, status=DrillStatus.IN_PROGRESS, started_at=now,
                        plan_item=plan_items.get((main["school"].pk, ctx.today.year, ctx.today.month, DrillKind.DRILL)))
    upcoming = [Drill(school=s["school"], kind=DrillKind.DRILL, theme=SCHOOL_THEMES[i % 12], title="应急疏散演练（计划）",
                      planned_on=ctx.today + datetime.timedelta(days=7 + i),
                      window_start=_local(ctx.today + datetime.timedelta(days=7 + i), 9),
                      window_end=_local(ctx.today + datetime.timedelta(days=7 + i), 12))
                for i, s in enumerate(schools[::8])]
    drills += [today_drill, *upcoming]
    Drill.objects.bulk_create(drills, batch_size=1000)
    signed_in = _files_classes_signins(ctx, drills, by_id, files, users, today_drill)
    _events_and_findings(ctx, drills)
    _credit_as_live(drills, by_id, signed_in)
    ctx.say(f"应急演练：{DrillPlan.objects.count()} 份年度计划，{len(drills)} 次演练，"
            f"{SignIn.objects.count()} 条班主任签到。")


def _credit_as_live(drills: list[Drill], by_id: dict[int, Any], signed_in: set[int]) -> None:
    """Each drill's record says what live use would (``actions.evidence_of``): closed with its evaluation and signed
    in by its classes is a record; a drill held but not yet closed is pending and fills no slot."""
    from anxiao.obligations.actions import recount
    from anxiao.obligations.models import Activity, ActivityOccurrence

    acts, pending = [], []
    for d in drills:
        act = d.activity
        if act is None:
            continue
        classes = d.kind == DrillKind.DRILL and any(p.class_name for p in by_id[d.school_id].get("homerooms", []))
        complete = (d.status == DrillStatus.CLOSED and bool(d.evaluation_result)
                    and (not classes or d.pk in signed_in))
        act.source_ref, act.evidence = f"drill:{d.pk}", "record" if complete else "pending"
        acts.append(act)
        if not complete:
            pending.append(act.pk)
    Activity.objects.bulk_update(acts, ["source_ref", "evidence"], batch_size=2000)
    links = ActivityOccurrence.objects.filter(activity_id__in=pending)
    slots = set(links.values_list("occurrence_id", flat=True))
    links.delete()  # derived links, as set_evidence drops them live; the records stay
    recount(slots)


def _files_classes_signins(ctx: DemoContext, drills: list[Drill], by_id: dict[int, Any],
                           files: dict[int, DrillFile], users: dict[Any, Any], today_drill: Drill) -> set[int]:
    """Files, classes and sign-ins; returns the ids of the drills some class signed in to."""
    links, signins, rows = [], [], []
    through = Drill.classes.through
    for d in drills:
        base = files.get(d.school_id)
        if base and d.status != DrillStatus.PLANNED:
            rows.append(DrillFile(drill=d, path=base.path, name=base.name, content_type=base.content_type,
                                  size=base.size, sha256=base.sha256, role=FileRole.SCENARIO))
        if d.kind != DrillKind.DRILL:
            continue
        classes = [p for p in by_id[d.school_id].get("homerooms", []) if p.class_name]
        links += [through(drill_id=d.pk, post_id=p.pk) for p in classes]
        if d.status == DrillStatus.PLANNED:
            continue
        # Some drills have a class that did not sign in (and a vacant homeroom post never signs).
        skip = ctx.rng.choice(classes).pk if classes and ctx.rng.random() < 0.2 else None
        for p in classes:
            if p.holder_id is None or p.pk == skip:
                continue
            if d is today_drill and (p is classes[0] or p is classes[-1]):
                continue  # today's drill: the banzhuren account (first class) has still to sign in
            at = d.window_start + datetime.timedelta(minutes=ctx.rng.randint(20, 80))
            signins.append(SignIn(drill=d, post=p, person_id=p.holder_id, user=users.get(p.holder_id), at=at,
                                  via="web"))
    DrillFile.objects.bulk_create(rows, batch_size=1000)
    through.objects.bulk_create(links, batch_size=2000)
    SignIn.objects.bulk_create(signins, batch_size=2000)
    # Two refused attempts at the main school, for the safety office to see.
    main_classes = [p for p in by_id[today_drill.school_id].get("homerooms", []) if p.class_name and p.holder_id]
    teacher = users.get(main_classes[0].holder_id) if main_classes else None
    if teacher is not None and len(main_classes) > 1:
        SignInAttempt.objects.bulk_create([
            SignInAttempt(drill=today_drill, user=teacher, user_repr=teacher.username, at=today_drill.window_start,
                          ip="10.20.3.41", via="api", reason=AttemptReason.OTHER_CLASS,
                          detail=f"请求为班级岗位 {main_classes[1].pk} 签到"),
            SignInAttempt(drill=today_drill, user=teacher, user_repr=teacher.username, at=today_drill.window_start,
                          ip="10.20.3.41", via="web", reason=AttemptReason.OTHER_PERSON,
                          detail=f"请求为人员编号 {main_classes[1].holder_id} 签到（本人编号 {teacher.person_id}）"),
        ])
    return {si.drill_id for si in signins}


def _events_and_findings(ctx: DemoContext, drills: list[Drill]) -> None:
    events, findings = [], []
    steps = [("create", "登记演练", "", DrillStatus.PLANNED), ("start", "开始演练", DrillStatus.PLANNED, DrillStatus.IN_PROGRESS),
             ("hold", "登记演练结果", DrillStatus.IN_PROGRESS, DrillStatus.HELD),
             ("evaluate", "评估", DrillStatus.HELD, DrillStatus.HELD), ("close", "结束演练", DrillStatus.HELD, DrillStatus.CLOSED)]
    order = [DrillStatus.PLANNED, DrillStatus.IN_PROGRESS, DrillStatus.HELD, DrillStatus.CLOSED]
    for d in drills:
        reached = order.index(DrillStatus(d.status))
        for action, label, before, after in steps:
            if order.index(DrillStatus(after)) > reached or (action == "evaluate" and not d.evaluation_result):
                continue
            at = d.closed_at if action in ("evaluate", "close") and d.closed_at else (d.started_at or d.window_start)
            events.append(DrillEvent(drill=d, action=action, label=label, from_status=before, to_status=after, at=at))
        if d.problems in FINDING_CATEGORY:
            findings.append(Finding(drill=d, description=d.problems, location="教学楼", category=FINDING_CATEGORY[d.problems]))
    DrillEvent.objects.bulk_create(events, batch_size=2000)
    Finding.objects.bulk_create(findings)


def build_scale(ctx: DemoContext) -> None:
    """Nothing at province scale: drills are per school and add nothing the benchmarks measure."""
