"""Demo county: a year of safety education and training.

The obligations demo already simulated a year of activities for every rule (bulk, with their quota slots); this
adds the detail those activities stand for — the class and outline module of each lesson (some classes skip a
module or two), the safety content of parent meetings, lecturers, attendance sheets, the guards of each training
day, the legal vice-principal — moves the safety-day activities onto the days they mark, extends the weekly
lessons (whose slots the obligations demo keeps for 91 days) to a full year, and tops up this term's guard
training so that only a few schools fall short of 3 days. Written in bulk: through ``actions.record`` one
activity costs an expansion of the bureau's slots (about 50 ms), far too slow for ~9,000 lessons.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from anxiao.core.demo import DemoContext
from anxiao.core.periods import period_containing, periods_between
from anxiao.obligations import actions as obligations
from anxiao.obligations import crediting, tally
from anxiao.obligations.models import Activity, ActivityKind, ActivityOccurrence, ObligationRule, Occurrence
from anxiao.org.models import Person

from . import safedays
from .actions import class_posts
from .models import EDUCATION_KINDS, Attendance, EducationRecord, Module, RecordActivity

TOPICS = {
    Module.SOCIAL: ["防拐骗与陌生人接触", "预防校园欺凌", "遇到抢劫怎么办"],
    Module.PUBLIC_HEALTH: ["预防传染病与勤洗手", "食品安全与不吃三无食品", "心理健康与情绪管理"],
    Module.ACCIDENTS: ["防溺水六不准", "交通安全与文明出行", "课间活动防摔伤", "用电安全"],
    Module.NETWORK: ["防范网络诈骗", "保护个人信息", "不沉迷网络游戏"],
    Module.NATURAL: ["地震避险与疏散", "防雷电与暴雨", "防汛知识"],
    Module.OTHER: ["实验室安全", "假期安全告知", "大型活动防踩踏"],
}
MEETING_CONTENT = ["假期防溺水、交通安全、用火用电安全告知家长", "上下学接送与校车乘车安全", "预防校园欺凌与家校沟通",
                   "防范电信网络诈骗，管理孩子手机使用"]
LECTURERS = [("王建军", "县消防救援大队教官"), ("李红梅", "县疾控中心医生"), ("张卫东", "交警大队民警"),
             ("陈立新", "县禁毒办干部")]
LEGAL_TOPICS = ["预防未成年人犯罪", "宪法与未成年人保护法", "远离毒品", "抵制校园欺凌"]
SEED_DAYS = ("student_safety_day", "disaster_prevention_day", "fire_safety_day")
SHORT_OF_GUARD_DAYS = 3  # schools whose guards fall short this term


def build(ctx: DemoContext) -> None:
    bureau = ctx.data.get("bureau")
    schools = [s["school"] for s in ctx.data.get("schools") or []]
    if bureau is None or not schools:
        return
    rng, today = ctx.rng, ctx.today
    terms = obligations.settings_for(bureau).terms
    ids = [s.pk for s in schools]
    by_id = {s.pk: s for s in schools}
    classes = {s.pk: list(class_posts(s)) for s in schools}
    # Each class covers its own modules: most all six, some skip one or two.
    class_modules = {}
    for posts in classes.values():
        for p in posts:
            modules = list(Module.values)
            rng.shuffle(modules)
            skip = rng.choice([0, 0, 0, 1, 2])
            class_modules[p.pk] = modules[:len(modules) - skip]
    people: dict[int, list[int]] = defaultdict(list)
    for pk, unit_id, parent_id in Person.objects.filter(unit_id__in=_unit_ids(schools)).values_list(
            "pk", "unit_id", "unit__parent_id"):
        owner = unit_id if unit_id in by_id else parent_id
        if owner is not None:
            people[owner].append(pk)
    from anxiao.staffing.models import Guard

    guards: dict[int, list[Any]] = defaultdict(list)
    for g in Guard.objects.filter(profile__school_id__in=ids, is_active=True).select_related("profile"):
        guards[g.profile.school_id].append(g)

    _redate_safety_days(ctx, ids)
    _extend_lessons(ctx, bureau, schools, classes, terms)
    _top_up_guard_training(ctx, bureau, schools, terms)

    # Detail for every education activity of the demo schools.
    acts = list(Activity.objects.filter(unit_id__in=ids, kind__in=EDUCATION_KINDS, voided_at__isnull=True,
                                        education_link__isnull=True).select_related("responsible_post__holder")
                .order_by("occurred_on", "pk"))
    short = set(rng.sample(ids, min(SHORT_OF_GUARD_DAYS, len(ids))))
    term_now = period_containing("term", today, terms)
    records: list[EducationRecord] = []
    for a in acts:
        rec = EducationRecord(kind=a.kind, school_id=a.unit_id, occurred_on=a.occurred_on, topic=a.title)
        post = a.responsible_post
        if a.kind == ActivityKind.SAFETY_LESSON and post is not None and post.pk in class_modules:
            mods = class_modules[post.pk]
            rec.class_post = post
            rec.module = mods[a.occurred_on.isocalendar().week % len(mods)]
            rec.topic = rng.choice(TOPICS[Module(rec.module)])
            rec.participant_count = rng.randint(35, 50)
        elif a.kind == ActivityKind.SAFETY_LESSON:
            continue  # a vacant class without a name: nothing to describe
        elif a.kind == ActivityKind.PARENT_MEETING:
            rec.topic = "家长会"
            rec.safety_content = rng.choice(MEETING_CONTENT)
            rec.participant_count = rng.randint(120, 600)
        elif a.kind == ActivityKind.LECTURE:
            rec.speaker_name, rec.speaker_role = rng.choice(LECTURERS)
            rec.topic = rng.choice(["消防安全知识讲座", "禁毒知识讲座", "交通安全讲座", "急救知识讲座"])
            rec.participant_count = rng.randint(200, 900)
        elif a.kind == ActivityKind.STAFF_TRAINING:
            rec.topic = rng.choice(["全体教职工安全培训", "应急救护培训", "消防器材使用培训"])
        elif a.kind == ActivityKind.GUARD_TRAINING:
            rec.topic = "保安员脱产岗位技能培训"
            rec.speaker_name = "县保安服务公司培训中心"
        elif a.kind == ActivityKind.LEGAL_EDUCATION:
            rec.topic = rng.choice(LEGAL_TOPICS)
            rec.speaker_post = post if post is not None and post.kind == "legal_vice_principal" else None
            rec.speaker_name = post.holder.name if post is not None and post.holder is not None else "派出所民警"
            rec.speaker_role = "法治副校长"
        elif a.kind == ActivityKind.SAFETY_DAY_EDUCATION:
            code = _node_code(a.occurred_on)
            if code is None:
                continue
            rec.safety_day = code
            rec.topic = f"{safedays.BY_CODE[code].name}主题教育"
        rec.notes = ""
        rec._activity = a  # type: ignore[attr-defined]
        records.append(rec)
    EducationRecord.objects.bulk_create(records, batch_size=2000)
    RecordActivity.objects.bulk_create(
        [RecordActivity(record=r, activity=r._activity, day=r.occurred_on) for r in records],  # type: ignore[attr-defined]
        batch_size=2000)
    sheets: list[Attendance] = []
    through = EducationRecord.guards.through
    guard_rows = []
    for r in records:
        if r.kind == ActivityKind.STAFF_TRAINING:
            sheets += [Attendance(record=r, person_id=pk, present=rng.random() < 0.9) for pk in people[r.school_id]]
        elif r.kind == ActivityKind.GUARD_TRAINING:
            mine = guards[r.school_id]
            # In a few schools one guard missed a day of this term's training.
            if r.school_id in short and mine and term_now.start <= r.occurred_on and not getattr(
                    by_id[r.school_id], "_skipped", False):
                by_id[r.school_id]._skipped = True  # type: ignore[attr-defined]
                mine = mine[1:]
            guard_rows += [through(educationrecord_id=r.pk, guard_id=g.pk) for g in mine]
    Attendance.objects.bulk_create(sheets, batch_size=2000)
    through.objects.bulk_create(guard_rows, batch_size=2000)
    # the slots that count people (each employee's yearly fire training, each guard's days) read the sheets and
    # guards written just above: count them again as live recording does (education.actions.record)
    counted = [r._activity for r in records  # type: ignore[attr-defined]
               if r.kind in (ActivityKind.STAFF_TRAINING, ActivityKind.GUARD_TRAINING)]
    # and a training fills every slot crediting says it fills (the obligations demo linked each activity to the one
    # slot it was made for; a staff training is also each employee's yearly fire training)
    ActivityOccurrence.objects.bulk_create(
        [ActivityOccurrence(activity=a, occurrence=o) for a in counted for o in crediting.slots_for(a)],
        batch_size=2000, ignore_conflicts=True)
    obligations.recount(set(ActivityOccurrence.objects.filter(activity__in=counted)
                            .values_list("occurrence_id", flat=True)))
    lessons = sum(1 for r in records if r.kind == ActivityKind.SAFETY_LESSON)
    ctx.say(f"安全教育与培训：{len(records)} 条记录（其中安全教育课 {lessons} 节），{len(sheets)} 人次签到。")


def _unit_ids(schools: list[Any]) -> list[int]:
    """The schools and their departments (people belong to either)."""
    from anxiao.org.models import Unit

    ids = [s.pk for s in schools]
    return ids + list(Unit.objects.filter(parent_id__in=ids).values_list("pk", flat=True))


def _node_code(day: datetime.date) -> str | None:
    for d in safedays.SAFETY_DAYS:
        if safedays.node_for(d.code, day) == d.date_in(day.year) and d.date_in(day.year) <= day:
            return d.code
    return None


def _redate_safety_days(ctx: DemoContext, ids: list[int]) -> None:
    """The obligations demo spread the yearly safety-day activities at random: put each on a node it marks."""
    acts = list(Activity.objects.filter(unit_id__in=ids, kind=ActivityKind.SAFETY_DAY_EDUCATION)
                .order_by("unit_id", "occurred_on"))
    used: dict[tuple[int, int], set[str]] = defaultdict(set)
    for a in acts:
        year = a.occurred_on.year
        nodes = [(d, on) for d, on in safedays.days_in(year) if on <= ctx.today and d.code not in used[(a.unit_id, year)]]
        preferred = [n for n in nodes if n[0].code in SEED_DAYS] or nodes
        if not preferred:
            continue
        day, on = ctx.rng.choice(preferred)
        used[(a.unit_id, year)].add(day.code)
        a.occurred_on = min(ctx.today, on + datetime.timedelta(days=ctx.rng.randint(0, 2)))
        a.title = f"{day.name}主题教育"
    Activity.objects.bulk_update(acts, ["occurred_on", "title"], batch_size=2000)
    occ_ids = set(ActivityOccurrence.objects.filter(activity__in=acts).values_list("occurrence_id", flat=True))
    obligations.recount(occ_ids)


def _extend_lessons(ctx: DemoContext, bureau: Any, schools: list[Any], classes: dict[int, list[Any]],
                    terms: Any) -> None:
    """Weekly lessons from a year ago up to where the obligations demo's weekly slots begin."""
    rule = ObligationRule.objects.filter(bureau=bureau, activity_kind=ActivityKind.SAFETY_LESSON, scope="class").first()
    if rule is None:
        return
    first_kept = (Occurrence.objects.filter(rule=rule).order_by("period_start").values_list("period_start", flat=True)
                  .first()) or ctx.today
    weeks = [w for w in periods_between("week", ctx.today - datetime.timedelta(days=365), ctx.today, terms)
             if w.end < first_kept]
    # The slots are built here with their outcome (as the obligations demo does): expansion week by week and a
    # bulk update of ~10,000 slots took most of the demo's time.
    conf = obligations.settings_for(bureau)
    subjects = {post_id: unit_id for unit_id, post_id, _key in obligations.BureauOrg(bureau, ctx.today).subjects(rule)}
    rate = {s.pk: ctx.rng.uniform(0.55, 0.75) if i % 11 == 3 else ctx.rng.uniform(0.85, 0.97)
            for i, s in enumerate(schools)}
    slots, activities, owners = [], [], []
    for s in schools:
        for post in classes[s.pk]:
            if post.pk not in subjects:
                continue
            for week in weeks:
                occ = Occurrence(rule=rule, unit_id=subjects[post.pk], post_id=post.pk, subject_key=f"p{post.pk}",
                                 period_key=week.key, period_start=week.start, period_end=week.end, quota=rule.quota,
                                 **obligations.occurrence_dates(rule, week, conf.remind_days))
                occ.alert_on, occ.alert_stage = None, "escalated"  # history: the worker does not chase it
                slots.append(occ)
                if ctx.rng.random() >= rate[s.pk] or _holiday(week.start):
                    continue
                day = week.start + datetime.timedelta(days=ctx.rng.randint(0, 4))
                activities.append(Activity(kind=ActivityKind.SAFETY_LESSON, occurred_on=day, unit_id=s.pk,
                                           responsible_post_id=post.pk, title=rule.title,
                                           record_kind="education:safety_lesson", evidence="record",
                                           post_role="led"))  # as education.actions writes a lesson
                occ.done_count, occ.completed_on, occ.met_slots, occ.day_mask = 1, day, 1, 1
                owners.append(occ)
    Occurrence.objects.bulk_create(slots, batch_size=2000, ignore_conflicts=False)
    Activity.objects.bulk_create(activities, batch_size=2000)
    ActivityOccurrence.objects.bulk_create(
        [ActivityOccurrence(activity=a, occurrence=o) for a, o in zip(activities, owners, strict=True)], batch_size=2000)
    tally.rebuild()  # the lesson history above was written in bulk, past the compliance tally


def _holiday(monday: datetime.date) -> bool:
    """Summer and winter holidays: no lessons (the slots stay, as the rule is weekly; a bureau may pause it)."""
    return (monday.month == 8) or (monday.month == 7 and monday.day > 10) or (monday.month == 2 and monday.day < 15)


def _top_up_guard_training(ctx: DemoContext, bureau: Any, schools: list[Any], terms: Any) -> None:
    """This term's guard training: most schools have held their 3 days by now."""
    term = period_containing("term", ctx.today, terms)
    rule = ObligationRule.objects.filter(bureau=bureau, activity_kind=ActivityKind.GUARD_TRAINING,
                                         period="term").first()
    if rule is None:
        return
    slots = {o.unit_id: o for o in Occurrence.objects.filter(rule=rule, period_key=term.key)}
    activities, owners = [], []
    start = max(term.start, ctx.today - datetime.timedelta(days=60))
    for s in schools:
        occ = slots.get(s.pk)
        if occ is None or occ.done_count >= occ.quota:
            continue
        first = start + datetime.timedelta(days=ctx.rng.randint(0, max(0, (ctx.today - start).days - occ.quota)))
        for i in range(occ.quota - occ.done_count):
            activities.append(Activity(kind=ActivityKind.GUARD_TRAINING, occurred_on=first + datetime.timedelta(days=i),
                                       unit_id=s.pk, title=rule.title, record_kind="education:guard_training",
                                       evidence="record", post_role="led"))
            owners.append(occ)
    Activity.objects.bulk_create(activities, batch_size=2000)
    ActivityOccurrence.objects.bulk_create(
        [ActivityOccurrence(activity=a, occurrence=o) for a, o in zip(activities, owners, strict=True)], batch_size=2000)
    obligations.recount({o.pk for o in owners})
