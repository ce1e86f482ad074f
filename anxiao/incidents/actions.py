"""Incident operations: record, report against the clocks, follow up, close, and sweep the clocks."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import Role, UnitKind

from .grading import Level, accident_level
from .models import (
    SUBCATEGORIES,
    Category,
    EmergencyTeam,
    FollowUpAction,
    Incident,
    IncidentEvent,
    IncidentReport,
    ReportingRule,
    ReportKind,
    Status,
    TeamKind,
)

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)
REPORTERS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN, Role.SCHOOL_MEMBER}
MANAGERS: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN}
FIGURES = ("deaths", "serious_injuries", "minor_injuries", "missing", "direct_loss")


def _require(actor: Any, unit: Any, roles: set[str], message: str) -> None:
    if actor is not None and not (roles_over_unit(actor, unit) & roles):
        raise PermissionDenied(message)


def bureau_of(unit: Any) -> Any:
    if unit.kind == UnitKind.BUREAU:
        return unit
    if unit.supervising_unit_id:
        return unit.supervising_unit
    if unit.parent_id:
        return bureau_of(unit.parent)
    return None


def rule_for(unit: Any) -> ReportingRule:
    bureau = bureau_of(unit)
    rule = ReportingRule.objects.filter(bureau=bureau).first() if bureau is not None else None
    return rule or ReportingRule(phone_minutes=30, written_minutes=120, remind_before_minutes=10)


def _figures(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FIGURES:
        if name not in data or data[name] in (None, ""):
            continue
        value = data[name]
        try:
            number = Decimal(str(value)) if name == "direct_loss" else int(value)
        except (TypeError, ValueError, InvalidOperation):
            errors[name] = ["请填写数字"]
            continue
        if number < 0:
            errors[name] = ["不能为负数"]
            continue
        out[name] = number
    return out


def _event(incident: Incident, actor: Any, kind: str, note: str = "", dedupe_key: str | None = None,
           at: datetime.datetime | None = None) -> IncidentEvent | None:
    try:
        with transaction.atomic():
            return IncidentEvent.objects.create(incident=incident, actor=actor, kind=kind, note=note,
                                                dedupe_key=dedupe_key, at=at or timezone.now())
    except IntegrityError:
        return None  # already recorded (a second sweeper got there first)


def record(actor: Any, unit: Any, *, title: str, category: str, occurred_at: datetime.datetime,
           learned_at: datetime.datetime, place: str, subcategory: str = "", people_involved: str = "",
           initial_measures: str = "", plan_activated: str = "", teams: Any = (), now: datetime.datetime | None = None,
           **figures: Any) -> Incident:
    """A new incident; its two reporting clocks start at the time the school learned of it."""
    _require(actor, unit, REPORTERS, "您不能为该单位登记事件")
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if not title or not title.strip():
        errors["title"] = ["请填写事件名称"]
    if category not in Category.values:
        errors["category"] = ["请选择事件类别"]
    elif subcategory and subcategory not in dict(SUBCATEGORIES.get(category, [])):
        errors["subcategory"] = ["细类与类别不符"]
    if not place or not place.strip():
        errors["place"] = ["请填写地点"]
    if occurred_at and occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = ["发生时间不能晚于现在"]
    if learned_at and learned_at > now + CLOCK_SKEW:
        errors["learned_at"] = ["获知时间不能晚于现在"]
    if occurred_at and learned_at and learned_at < occurred_at:
        errors["learned_at"] = ["获知时间不能早于发生时间"]
    values = _figures(figures, errors)
    if errors:
        raise ValidationError(errors)
    rule = rule_for(unit)
    with transaction.atomic():
        incident = Incident.objects.create(
            unit=unit, title=title.strip(), category=category, subcategory=subcategory, occurred_at=occurred_at,
            learned_at=learned_at, place=place.strip(), people_involved=people_involved,
            initial_measures=initial_measures, plan_activated=plan_activated, recorded_by=actor,
            phone_due_at=learned_at + datetime.timedelta(minutes=rule.phone_minutes),
            written_due_at=learned_at + datetime.timedelta(minutes=rule.written_minutes),
            remind_before_minutes=rule.remind_before_minutes, **values,
        )
        incident.level = accident_level(incident.deaths, incident.serious_injuries, incident.direct_loss)
        incident.save(update_fields=["level", "updated_at"])
        if teams:
            incident.teams_activated.set([t for t in teams if t.unit_id == unit.pk])
        _event(incident, actor, "recorded", f"登记事件；电话报告截止 {timezone.localtime(incident.phone_due_at):%H:%M}，"
                                            f"书面报告截止 {timezone.localtime(incident.written_due_at):%H:%M}")
    return incident


def report(actor: Any, incident: Incident, *, kind: str, made_at: datetime.datetime | None = None,
           recipient: str = "", content: str = "", now: datetime.datetime | None = None, **figures: Any) -> IncidentReport:
    """Record a report that was made (phone, written, follow-up with new figures, final)."""
    _require(actor, incident.unit, REPORTERS, "您不能为该事件报告")
    now = now or timezone.now()
    made_at = made_at or now
    errors: dict[str, list[str]] = {}
    if kind not in ReportKind.values:
        errors["kind"] = ["请选择报告类型"]
    if made_at > now + CLOCK_SKEW:
        errors["made_at"] = ["报告时间不能晚于现在"]
    if made_at < incident.occurred_at:
        errors["made_at"] = ["报告时间不能早于事件发生时间"]
    values = _figures(figures, errors)
    if kind in (ReportKind.WRITTEN, ReportKind.FINAL) and not content.strip():
        errors["content"] = ["书面报告和终报须填写报告内容"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status == Status.CLOSED:
            raise ValidationError({"kind": ["事件已结案，不能再报告"]})
        if kind == ReportKind.FINAL and incident.reports.filter(kind=ReportKind.FINAL).exists():
            raise ValidationError({"kind": ["终报已报送，如有变化请续报"]})
        dues: dict[str, datetime.datetime] = {ReportKind.PHONE: incident.phone_due_at,
                                              ReportKind.WRITTEN: incident.written_due_at}
        due = dues.get(kind)
        snapshot = {name: values.get(name, getattr(incident, name)) for name in FIGURES}
        entry = IncidentReport.objects.create(
            incident=incident, kind=kind, made_at=made_at, made_by=actor, recipient=recipient or "县教育局安全办",
            content=content, late=due is not None and made_at > due, **snapshot,
        )
        changed = []
        if kind == ReportKind.PHONE and incident.phone_reported_at is None:
            incident.phone_reported_at = made_at
            changed.append("phone_reported_at")
        if kind == ReportKind.WRITTEN and incident.written_reported_at is None:
            incident.written_reported_at = made_at
            changed.append("written_reported_at")
        differences = [name for name in FIGURES if snapshot[name] != getattr(incident, name)]
        for name in differences:
            setattr(incident, name, snapshot[name])
        changed += differences
        level = accident_level(incident.deaths, incident.serious_injuries, incident.direct_loss)
        if level != incident.level:
            _event(incident, actor, "level_changed", f"事故等级由{Level(incident.level).label}调整为{Level(level).label}")
            incident.level = level
            changed.append("level")
        if changed:
            incident.save(update_fields=[*changed, "updated_at"])
        late = "（迟报）" if entry.late else ""
        _event(incident, actor, "reported", f"{entry.get_kind_display()}{late}：报{entry.recipient}", at=made_at)
    return entry


def add_action(actor: Any, incident: Incident, *, description: str, responsible: Any = None,
               due_on: datetime.date | None = None) -> FollowUpAction:
    _require(actor, incident.unit, MANAGERS, "您不能为该事件安排后续措施")
    if incident.status == Status.CLOSED:
        raise ValidationError({"description": ["事件已结案"]})
    if not description or not description.strip():
        raise ValidationError({"description": ["请填写后续措施"]})
    return FollowUpAction.objects.create(incident=incident, description=description.strip(), responsible=responsible,
                                         due_on=due_on)


def complete_action(actor: Any, action: FollowUpAction, note: str) -> FollowUpAction:
    _require(actor, action.incident.unit, MANAGERS, "您不能完成该措施")
    if not note or not note.strip():
        raise ValidationError({"done_note": ["请填写完成情况"]})
    updated = FollowUpAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_note=note.strip(), updated_at=timezone.now())
    if not updated:
        raise ValidationError({"done_note": ["该措施已完成"]})
    action.refresh_from_db()
    return action


def close(actor: Any, incident: Incident) -> Incident:
    """结案: only once both reports are made and every follow-up action is done."""
    _require(actor, incident.unit, MANAGERS, "您不能结案")
    incident = Incident.objects.get(pk=incident.pk)  # reports may have moved it on since it was loaded
    problems = []
    if incident.phone_reported_at is None:
        problems.append("尚未记录电话报告")
    if incident.written_reported_at is None:
        problems.append("尚未记录书面报告")
    open_actions = incident.actions.filter(done_at__isnull=True).count()
    if open_actions:
        problems.append(f"还有 {open_actions} 项后续措施未完成")
    if problems:
        raise ValidationError({"status": ["不能结案：" + "；".join(problems)]})
    with transaction.atomic():
        if not Incident.objects.filter(pk=incident.pk, status=Status.OPEN).update(
                status=Status.CLOSED, closed_at=timezone.now(), updated_at=timezone.now()):
            raise ValidationError({"status": ["事件已结案"]})
        incident.refresh_from_db()
        _event(incident, actor, "closed", "结案")
    return incident


def sweep_clocks(now: datetime.datetime | None = None) -> list[IncidentEvent]:
    """Remind before a reporting clock runs out and escalate once it has; each only once per clock.

    Run by ``anxiao incidents sweep`` (from cron or the worker loop); safe to run in parallel.
    """
    now = now or timezone.now()
    created: list[IncidentEvent] = []
    horizon = now + datetime.timedelta(hours=1)
    open_incidents = Incident.objects.filter(status=Status.OPEN, voided_at__isnull=True).select_related(
        "unit__supervising_unit")
    candidates = open_incidents.filter(phone_reported_at__isnull=True, phone_due_at__lte=horizon) | \
        open_incidents.filter(written_reported_at__isnull=True, written_due_at__lte=horizon)
    for incident in candidates.distinct():
        for kind, label in (("phone", "电话报告"), ("written", "书面报告")):
            clock = incident.clock(kind, now)
            if clock["state"] == "pending":
                if clock["seconds_left"] <= incident.remind_before_minutes * 60:
                    event = _event(incident, None, "reminder", f"{label}将于 {timezone.localtime(clock['due']):%H:%M} 到期",
                                   dedupe_key=f"{kind}:remind")
                    if event:
                        created.append(event)
            elif clock["state"] == "overdue":
                event = _event(incident, None, "escalated", f"{label}已超时，已提醒教育局安全办",
                               dedupe_key=f"{kind}:overdue")
                if event:
                    created.append(event)
    for event in created:
        _notify(event)
    return created


def _notify(event: IncidentEvent) -> None:
    """Hand reminders and escalations to the notification outbox."""
    from . import notify

    notify.send(event)


def ensure_teams(actor: Any, unit: Any) -> list[EmergencyTeam]:
    """The school's emergency leading group has the seven teams of seed 001 七(三); create any that are missing."""
    existing = {t.kind: t for t in EmergencyTeam.objects.filter(unit=unit)}
    missing = [k for k in TeamKind.values if k not in existing]
    if missing:
        _require(actor, unit, MANAGERS, "您不能管理该单位的应急小组")
        EmergencyTeam.objects.bulk_create([EmergencyTeam(unit=unit, kind=k) for k in missing])
    return list(EmergencyTeam.objects.filter(unit=unit).select_related("leader__holder").prefetch_related(
        "members__holder").order_by("kind"))


def save_team(actor: Any, team: EmergencyTeam, *, leader: Any = None, members: Any = (), duties: str = "") -> EmergencyTeam:
    _require(actor, team.unit, MANAGERS, "您不能管理该单位的应急小组")
    members = list(members)
    outside = [p for p in [leader, *members] if p is not None and not p.unit.path.startswith(team.unit.path)]
    if outside:
        raise ValidationError({"members": [f"{outside[0]} 不是本单位的岗位"]})
    with transaction.atomic():
        team.leader = leader
        team.duties = duties
        team.save()
        team.members.set(members)
    return team
