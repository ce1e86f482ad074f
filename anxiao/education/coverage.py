"""Term coverage: what a school (and each class) did this term against the quotas of rules.md §1F.

Reads records fetched for schools the caller already may see. The quotas themselves come from the bureau's
obligation rules (the same rules the obligations app expands), so a bureau that changes a number sees it here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from anxiao.core.choices import PostKind
from anxiao.core.periods import Period, TermCalendar, period_containing
from anxiao.obligations.actions import bureau_for, settings_for
from anxiao.obligations.models import ActivityKind, ObligationRule, PeriodKind
from anxiao.org.models import Person, Post, Unit

from . import safedays
from .models import MODULE_SHORT, Attendance, EducationRecord, Module, RecordActivity

TERM_KINDS = (ActivityKind.PARENT_MEETING, ActivityKind.LECTURE, ActivityKind.STAFF_TRAINING,
              ActivityKind.GUARD_TRAINING, ActivityKind.LEGAL_EDUCATION)


def terms_of(school: Unit) -> TermCalendar:
    return settings_for(bureau_for(school)).terms


def term_of(school: Unit, day: datetime.date) -> Period:
    return period_containing(PeriodKind.TERM, day, terms_of(school))


def week_of(day: datetime.date) -> Period:
    return period_containing(PeriodKind.WEEK, day)


def guard_days(guard_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Days of off-duty training each guard had in ``[start, end]``, from guard-training records (not voided).

    Counted per calendar day, so a training that runs across a term boundary counts in each term for the days
    that fall in it, and two records on the same day count once.
    """
    ids = list(guard_ids)
    if not ids:
        return {}
    rows = (RecordActivity.objects
            .filter(record__kind=ActivityKind.GUARD_TRAINING, record__voided_at__isnull=True,
                    record__guards__in=ids, day__gte=start, day__lte=end)
            .values("record__guards").annotate(n=Count("day", distinct=True)))
    out = dict.fromkeys(ids, 0)
    out.update({r["record__guards"]: r["n"] for r in rows})
    return out


def guard_days_this_term(guards: Iterable[Any], day: datetime.date) -> dict[int, int]:
    """Each guard's training days in the term containing ``day`` of its own school's bureau calendar."""
    by_term: dict[tuple[datetime.date, datetime.date], list[int]] = defaultdict(list)
    cache: dict[int | None, TermCalendar] = {}
    for g in guards:
        school = g.profile.school
        if school.supervising_unit_id not in cache:
            cache[school.supervising_unit_id] = terms_of(school)
        term = period_containing(PeriodKind.TERM, day, cache[school.supervising_unit_id])
        by_term[(term.start, term.end)].append(g.pk)
    out: dict[int, int] = {}
    for (start, end), ids in by_term.items():
        out.update(guard_days(ids, start, end))
    return out


def _matches(rule: ObligationRule, school: Unit) -> bool:
    return ((not rule.unit_kinds or school.kind in rule.unit_kinds)
            and (not rule.stages or school.stage in rule.stages)
            and (rule.boarding is None or school.boarding == rule.boarding))


def quotas(school: Unit, rules: Iterable[ObligationRule], has_legal_vp: bool) -> dict[str, int]:
    """Per-term quota of each term kind for one school (0: the bureau asks nothing of this school)."""
    out: dict[str, int] = dict.fromkeys(TERM_KINDS, 0)
    for rule in rules:
        if rule.period != PeriodKind.TERM or rule.activity_kind not in out or not _matches(rule, school):
            continue
        if rule.post_kinds and not (PostKind.LEGAL_VICE_PRINCIPAL in rule.post_kinds and has_legal_vp):
            continue
        out[rule.activity_kind] = max(out[rule.activity_kind], rule.quota)
    return out


def term_rules(bureau_ids: Iterable[int | None]) -> dict[int, list[ObligationRule]]:
    out: dict[int, list[ObligationRule]] = defaultdict(list)
    for rule in ObligationRule.objects.filter(bureau_id__in=[b for b in bureau_ids if b], enabled=True,
                                              activity_kind__in=[*TERM_KINDS, ActivityKind.SAFETY_LESSON]):
        out[rule.bureau_id].append(rule)
    return out


@dataclass
class ClassRow:
    post: Post
    lessons: int = 0
    modules: set[str] = field(default_factory=set)
    this_week: bool = False

    @property
    def cells(self) -> list[bool]:
        return [m in self.modules for m in Module.values]

    @property
    def missing(self) -> list[str]:
        return [MODULE_SHORT[Module(m)] for m in Module.values if m not in self.modules]


@dataclass
class SafetyDayRow:
    day: safedays.SafetyDay
    on: datetime.date
    records: list[EducationRecord]
    today: datetime.date

    @property
    def status(self) -> str:
        if self.records:
            return "marked"
        return "missed" if self.on < self.today else "upcoming"

    @property
    def status_label(self) -> str:
        return {"marked": "已开展", "missed": "未开展", "upcoming": "未到"}[self.status]


@dataclass
class Coverage:
    school: Unit
    term: Period
    week: Period
    today: datetime.date
    classes: list[ClassRow]
    records: dict[str, list[EducationRecord]]
    quota: dict[str, int]
    guards: list[tuple[Any, int]]
    safety_days: list[SafetyDayRow]
    has_legal_vp: bool

    @property
    def current(self) -> bool:
        return self.term.start <= self.today <= self.term.end

    @property
    def classes_without_lesson_this_week(self) -> list[ClassRow]:
        return [c for c in self.classes if not c.this_week] if self.current else []

    @property
    def school_modules(self) -> list[tuple[str, bool]]:
        covered = set().union(*(c.modules for c in self.classes)) if self.classes else set()
        return [(MODULE_SHORT[Module(m)], m in covered) for m in Module.values]

    def count(self, kind: str) -> int:
        return len(self.records.get(kind, []))

    @property
    def trainings(self) -> list[tuple[EducationRecord, int, int]]:
        """Staff trainings with (present, total) from the attendance sheet."""
        out = []
        for rec in self.records.get(ActivityKind.STAFF_TRAINING, []):
            sheet = list(rec.attendance.all())
            out.append((rec, sum(1 for a in sheet if a.present), len(sheet)))
        return out

    @property
    def shortfalls(self) -> list[str]:
        return shortfalls(self.quota, {k: self.count(k) for k in TERM_KINDS}, self.guards,
                          len(self.classes_without_lesson_this_week), self.classes,
                          [r for r in self.safety_days if r.status == "missed"])


KIND_SHORT = {
    ActivityKind.PARENT_MEETING: "家长会安全教育", ActivityKind.LECTURE: "安全知识讲座",
    ActivityKind.STAFF_TRAINING: "教职工安全培训", ActivityKind.LEGAL_EDUCATION: "法治安全教育",
}


def shortfalls(quota: dict[str, int], counts: dict[str, int], guards: list[tuple[Any, int]], no_lesson: int,
               classes: list[ClassRow], missed_days: list[SafetyDayRow]) -> list[str]:
    out = []
    for kind, label in KIND_SHORT.items():
        if counts.get(kind, 0) < quota.get(kind, 0):
            out.append(f"{label} {counts.get(kind, 0)}/{quota[kind]} 次")
    need = quota.get(ActivityKind.GUARD_TRAINING, 0)
    short = [(g, d) for g, d in guards if d < need]
    if short:
        out.append(f"{len(short)} 名保安脱产培训不足 {need} 天（" + "、".join(f"{g.name} {d} 天" for g, d in short) + "）")
    if no_lesson:
        out.append(f"{no_lesson} 个班级本周未上安全教育课")
    partial = [c for c in classes if c.missing]
    if partial:
        out.append(f"{len(partial)} 个班级本学期未覆盖全部六个模块")
    if missed_days:
        out.append("未开展：" + "、".join(r.day.name for r in missed_days))
    return out


def _records(schools: list[Unit], start: datetime.date, end: datetime.date) -> Any:
    return (EducationRecord.objects.filter(school__in=schools, voided_at__isnull=True)
            .filter(Q(occurred_on__gte=start - datetime.timedelta(days=safedays.WINDOW_DAYS)), occurred_on__lte=end))


def school_coverage(school: Unit, day: datetime.date, today: datetime.date) -> Coverage:
    term = term_of(school, day)
    week = week_of(min(today, term.end))
    classes = [ClassRow(p) for p in class_posts_of(school)]
    by_post = {c.post.pk: c for c in classes}
    records: dict[str, list[EducationRecord]] = defaultdict(list)
    day_records: dict[str, list[EducationRecord]] = defaultdict(list)
    qs = (_records([school], term.start, term.end)
          .select_related("class_post", "speaker_post").prefetch_related("attendance", "guards", "links"))
    for rec in qs:
        if rec.kind == ActivityKind.SAFETY_DAY_EDUCATION and rec.safety_day:
            node = safedays.node_for(rec.safety_day, rec.occurred_on)
            if node is not None:
                day_records[f"{rec.safety_day}:{node}"].append(rec)
        if not term.start <= rec.occurred_on <= term.end:
            continue
        records[rec.kind].append(rec)
        if rec.kind == ActivityKind.SAFETY_LESSON and rec.class_post_id in by_post:
            row = by_post[rec.class_post_id]
            row.lessons += 1
            row.modules.add(rec.module)
            if week.start <= rec.occurred_on <= week.end:
                row.this_week = True
    has_legal_vp = Post.objects.filter(unit=school, kind=PostKind.LEGAL_VICE_PRINCIPAL, is_active=True).exists()
    quota = quotas(school, term_rules([school.supervising_unit_id]).get(school.supervising_unit_id or 0, []),
                   has_legal_vp)
    from anxiao.staffing.models import Guard

    guards = list(Guard.objects.filter(profile__school=school, is_active=True).select_related("profile__school"))
    days = guard_days([g.pk for g in guards], term.start, term.end)
    nodes = [SafetyDayRow(d, on, day_records.get(f"{d.code}:{on}", []), today)
             for d, on in safedays.days_between(term.start, term.end)]
    return Coverage(school, term, week, today, classes, dict(records), quota, [(g, days[g.pk]) for g in guards],
                    nodes, has_legal_vp)


def class_posts_of(school: Unit) -> Any:
    from .actions import class_posts

    return class_posts(school)


@dataclass
class RollupRow:
    school: Unit
    counts: dict[str, int]
    quota: dict[str, int]
    shortfalls: list[str]
    classes: int
    classes_without_lesson: int


def rollup(schools: Iterable[Unit], today: datetime.date) -> list[RollupRow]:
    """This term's shortfalls of every school, in a fixed number of queries."""
    schools = list(schools)
    if not schools:
        return []
    term = term_of(schools[0], today)  # schools in one roll-up share their bureau's calendar in practice
    week = week_of(today)
    ids = [s.pk for s in schools]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (EducationRecord.objects.filter(school_id__in=ids, voided_at__isnull=True, kind__in=TERM_KINDS,
                                               occurred_on__gte=term.start, occurred_on__lte=term.end)
                .values("school_id", "kind").annotate(n=Count("id"))):
        counts[row["school_id"]][row["kind"]] = row["n"]
    posts = defaultdict(list)
    legal = set()
    for post in Post.objects.filter(is_active=True).filter(
            Q(unit_id__in=ids) | Q(unit__parent_id__in=ids)).filter(
            kind__in=[PostKind.HOMEROOM_TEACHER, PostKind.LEGAL_VICE_PRINCIPAL]).select_related("unit"):
        school_id = post.unit_id if post.unit_id in ids else post.unit.parent_id
        if post.kind == PostKind.LEGAL_VICE_PRINCIPAL:
            legal.add(school_id)
        elif post.class_name:
            posts[school_id].append(ClassRow(post))
    modules: dict[int, set[str]] = defaultdict(set)
    this_week: set[int] = set()
    for post_id, module, on in (EducationRecord.objects.filter(
            school_id__in=ids, voided_at__isnull=True, kind=ActivityKind.SAFETY_LESSON, occurred_on__gte=term.start,
            occurred_on__lte=term.end).values_list("class_post_id", "module", "occurred_on")):
        modules[post_id].add(module)
        if week.start <= on <= week.end:
            this_week.add(post_id)
    for rows in posts.values():
        for c in rows:
            c.modules = modules.get(c.post.pk, set())
            c.this_week = c.post.pk in this_week
    from anxiao.staffing.models import Guard

    guards = defaultdict(list)
    all_guards = list(Guard.objects.filter(profile__school_id__in=ids, is_active=True).select_related("profile"))
    days = guard_days([g.pk for g in all_guards], term.start, term.end)
    for g in all_guards:
        guards[g.profile.school_id].append((g, days[g.pk]))
    marked = set(EducationRecord.objects.filter(
        school_id__in=ids, voided_at__isnull=True, kind=ActivityKind.SAFETY_DAY_EDUCATION,
        occurred_on__gte=term.start - datetime.timedelta(days=safedays.WINDOW_DAYS), occurred_on__lte=term.end)
        .values_list("school_id", "safety_day", "occurred_on"))
    marked_nodes = {(s, code, safedays.node_for(code, on)) for s, code, on in marked}
    nodes = [(d, on) for d, on in safedays.days_between(term.start, min(term.end, today)) if on < today]
    rules = term_rules({s.supervising_unit_id for s in schools})
    out = []
    current = term.start <= today <= term.end
    for s in schools:
        quota = quotas(s, rules.get(s.supervising_unit_id or 0, []), s.pk in legal)
        classes = posts.get(s.pk, [])
        no_lesson = sum(1 for c in classes if not c.this_week) if current else 0
        missed = [SafetyDayRow(d, on, [], today) for d, on in nodes if (s.pk, d.code, on) not in marked_nodes]
        out.append(RollupRow(s, counts.get(s.pk, {}), quota,
                             shortfalls(quota, counts.get(s.pk, {}), guards.get(s.pk, []), no_lesson, classes, missed),
                             len(classes), no_lesson))
    return out


def guard_training_days(school: Unit, activity_ids: list[int], start: datetime.date,
                        end: datetime.date) -> dict[int, set[datetime.date]]:
    """The days each guard on duty at the school trained among these activities (one per record day), every guard
    owed the training included (with no days): what a guard-training slot counts (obligations.crediting)."""
    from anxiao.staffing.models import Guard

    owed = list(Guard.objects.filter(profile__school=school, is_active=True).values_list("pk", flat=True))
    out: dict[int, set[datetime.date]] = {pk: set() for pk in owed}
    if activity_ids and owed:
        rows = (RecordActivity.objects.filter(activity_id__in=activity_ids, record__voided_at__isnull=True,
                                              record__guards__in=owed, day__gte=start, day__lte=end)
                .values_list("record__guards", "day"))
        for guard, day in rows:
            out[guard].add(day)
    return out


def staff_attendance(school: Unit, activity_ids: list[int], start: datetime.date,
                     end: datetime.date) -> dict[int, set[datetime.date]]:
    """The days each of the school's people (its own and its departments', active) was present at a staff
    training among these activities, every person owed included (with no days): what a slot of a rule crediting
    those who attended counts (obligations.crediting.people_counter)."""
    owed = list(Person.objects.filter(unit__path__startswith=school.path, is_active=True).values_list("pk", flat=True))
    out: dict[int, set[datetime.date]] = {pk: set() for pk in owed}
    if activity_ids and owed:
        rows = (Attendance.objects.filter(record__links__activity_id__in=activity_ids, record__voided_at__isnull=True,
                                          present=True, person_id__in=owed, record__links__day__gte=start,
                                          record__links__day__lte=end)
                .values_list("person_id", "record__links__day"))
        for person, day in rows:
            out[person].add(day)
    return out


def person_names(keys: Iterable[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=list(keys)).values_list("pk", "name"))


def guard_names(keys: Iterable[int]) -> dict[int, str]:
    from anxiao.staffing.models import Guard

    return dict(Guard.objects.filter(pk__in=list(keys)).values_list("pk", "name"))
