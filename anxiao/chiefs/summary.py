"""Read-only figures for the chief's page and the gate-duty coverage (no state changes here)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from anxiao.core.choices import PostKind, UnitKind
from anxiao.org.models import Post, Unit

from .duties import chief_duties
from .models import OPEN, AgencyTask, ChiefMeeting, GateCheckIn, GateDuty, MeetingKind, TaskStatus


@dataclass
class PeriodStatus:
    label: str
    count: int
    state: str  # "done", "missing", "pending" (the period is not over yet)

    @property
    def state_label(self) -> str:
        return {"done": "已召开", "missing": "未召开", "pending": "待召开"}[self.state]


def _state(count: int, quota: int, over: bool) -> str:
    if count >= quota:
        return "done"
    return "missing" if over else "pending"


def plenary_by_year(government: Unit, years: int = 3, today: datetime.date | None = None) -> list[PeriodStatus]:
    """A10: the district chief holds a plenary meeting of all member agencies at least once a year."""
    today = today or timezone.localdate()
    counts = Counter(
        d.year for d in ChiefMeeting.objects.filter(
            government=government, kind=MeetingKind.PLENARY, voided_at__isnull=True,
            held_on__year__gte=today.year - years + 1,
        ).values_list("held_on", flat=True)
    )
    return [PeriodStatus(f"{y}年", counts[y], _state(counts[y], 1, y < today.year))
            for y in range(today.year - years + 1, today.year + 1)]


def _months_back(today: datetime.date, n: int) -> list[tuple[int, int]]:
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def monthly_by_month(government: Unit, months: int = 12, today: datetime.date | None = None) -> list[PeriodStatus]:
    """A11: the town chief's monthly meeting on school safety."""
    today = today or timezone.localdate()
    keys = _months_back(today, months)
    first = datetime.date(keys[0][0], keys[0][1], 1)
    counts = Counter(
        (d.year, d.month) for d in ChiefMeeting.objects.filter(
            government=government, kind=MeetingKind.TOWN_MONTHLY, voided_at__isnull=True, held_on__gte=first,
        ).values_list("held_on", flat=True)
    )
    return [PeriodStatus(f"{y}年{m}月", counts[(y, m)], _state(counts[(y, m)], 1, (y, m) < (today.year, today.month)))
            for y, m in keys]


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Coverage:
    school: Unit
    slots: int
    covered: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.slots) if self.slots else None


def coverage(schools: Any, start: datetime.date, today: datetime.date | None = None,
             now: datetime.time | None = None) -> list[Coverage]:
    """Per school, the roster slots of the week that have begun (up to now) and how many had a check-in."""
    today = today or timezone.localdate()
    if now is None:
        now = timezone.localtime().time() if today == timezone.localdate() else datetime.time.max
    end = start + datetime.timedelta(days=6)
    schools = list(schools)
    if today < start:
        return [Coverage(s, 0, 0) for s in schools]
    ids = [s.pk for s in schools]
    if end < today:
        begun = Q()
    else:
        # This week: the past days, and today's slots that have already started.
        begun = Q(weekday__lt=today.weekday()) | Q(weekday=today.weekday(), starts_at__lte=now)
    slots = Counter(dict(
        GateDuty.objects.filter(begun, school_id__in=ids, is_active=True)
        .values("school_id").annotate(n=Count("id")).values_list("school_id", "n")
    ))
    covered = Counter(dict(
        GateCheckIn.objects.filter(duty__school_id__in=ids, on__gte=start, on__lte=min(end, today),
                                   duty__is_active=True)
        .values("duty__school_id").annotate(n=Count("duty_id", distinct=True)).values_list("duty__school_id", "n")
    ))
    return [Coverage(s, slots[s.pk], covered[s.pk]) for s in schools]


def chief_context(user: Any, post: Post, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    government = post.unit
    region_path = government.region_path
    schools = list(Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, region_path__startswith=region_path,
                                                        is_active=True).select_related("region").order_by("region_path", "name"))
    tasks = AgencyTask.objects.visible_to(user).filter(
        Q(government__region_path__startswith=region_path) | Q(school__region_path__startswith=region_path)
    )
    by_status = dict(tasks.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    open_tasks = list(tasks.filter(status__in=OPEN).select_related("agency", "school").order_by("deadline")[:50])
    meetings = list(ChiefMeeting.objects.visible_to(user).filter(government=government, voided_at__isnull=True)
                    .order_by("-held_on")[:20])
    requirement: list[PeriodStatus] = []
    requirement_title = ""
    if post.kind == PostKind.CHIEF_DISTRICT:
        requirement = plenary_by_year(government, today=today)
        requirement_title = "全体成员单位会议（每年至少1次，S004 二(三)）"
    elif post.kind == PostKind.CHIEF_TOWN:
        requirement = monthly_by_month(government, today=today)
        requirement_title = "镇级总校(园)长例会（每月1次，S004 二(三)）"
    this_week = week_start(today)
    last_week = this_week - datetime.timedelta(days=7)
    cover = coverage(schools, this_week, today)
    last = {row.school.pk: row for row in coverage(schools, last_week, today)}
    for row in cover:
        row.last_week = last[row.school.pk]  # type: ignore[attr-defined]
    return {
        "post": post, "government": government, "region": government.region, "schools": schools,
        "duties": chief_duties(post.kind, post.unit),
        "status_counts": [(s, by_status.get(s.value, 0)) for s in TaskStatus],
        "open_tasks": open_tasks, "today": today, "meetings": meetings,
        "requirement": requirement, "requirement_title": requirement_title,
        "week": this_week, "last_week": last_week, "coverage": cover,
        "hazards": _open_hazards(user, region_path),
    }


def visible_hazards(user: Any) -> Any:
    """The hazards app's hazards the user may see, or None while that app is not installed."""
    try:
        from anxiao.hazards.models import Hazard
    except ImportError:  # pragma: no cover - the hazards app is optional
        return None
    return Hazard.objects.visible_to(user)


def _open_hazards(user: Any, region_path: str) -> list[Any] | None:
    """Open hazards a school reported upward (it cannot fix them alone): the government's to coordinate."""
    hazards = visible_hazards(user)
    if hazards is None:
        return None
    from anxiao.hazards.figures import figure_q

    rows = list(hazards.filter(figure_q("reported_up"), unit__region_path__startswith=region_path)
                .select_related("unit").order_by("-reported_up_at")[:50])
    tasks: dict[int, AgencyTask] = {}
    for t in AgencyTask.objects.filter(hazard_id__in=[h.pk for h in rows]).select_related("agency"):
        tasks.setdefault(t.hazard_id or 0, t)
    for h in rows:
        h.chief_task = tasks.get(h.pk)
    return rows


def routable_governments(user: Any) -> Any:
    """Governments the user may route tasks for: written by the chief's office, or led by the user as chief."""
    from .actions import chief_posts_of

    q = Q(pk__in=Unit.objects.writable_by(user).filter(kind=UnitKind.GOVERNMENT).values("pk"))
    for post in chief_posts_of(user):
        q |= Q(region_path__startswith=post.unit.region_path)
    return Unit.objects.filter(q, kind=UnitKind.GOVERNMENT, is_active=True).order_by("region_path", "name")


def routable_agencies(user: Any) -> Any:
    """Member agencies serving a region the user may route in (the district's agencies serve every town).

    Agencies are a directory: a town chief sees the district police here without any grant over it.
    """
    q = Q(pk__in=[])
    for path in set(routable_governments(user).values_list("region_path", flat=True)):
        q |= Q(region_path__startswith=path)
        prefixes = [p for p in path.strip("/").split("/") if p]
        for i in range(1, len(prefixes)):
            q |= Q(region_path="/" + "/".join(prefixes[:i]) + "/")
    return Unit.objects.filter(q, kind=UnitKind.MEMBER_AGENCY, is_active=True).order_by("name")
