"""Which staffing and security rules a school fails, and by how much.

Reads profiles and guards (already fetched through the access-checked path) and applies the pure
rules of :mod:`rules`; the page, the roll-up and the API all show the same findings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import rules
from .rules import GuardStandard, Rounding


@dataclass(frozen=True)
class Finding:
    code: str
    message: str  # e.g. "需配备 6 名保安，现有 4 名"
    source: str
    campus: str = ""
    shortfall: int = 0


@dataclass(frozen=True)
class Config:
    standard: str = GuardStandard.S002
    rounding: str = Rounding.UP
    video_retention_days: int = 30


def config_for(settings: Any) -> Config:
    if settings is None:
        return Config()
    return Config(settings.guard_standard, settings.rounding, settings.video_retention_days)


FACILITIES = [  # (field, what is missing)
    ("alarm_linked", "一键报警未与公安联网"),
    ("video_linked", "视频监控未与公安联网"),
    ("closed_perimeter", "未实行封闭化管理"),
    ("anti_ramming", "校门外未设硬质防冲撞设施"),
    ("security_room", "未建立安全保卫室"),
    ("gate_duty_24h", "门卫未实行24小时值守"),
]


def campus_findings(profile: Any, guards: Iterable[Any], config: Config, today: datetime.date,
                    training_days: Mapping[int, int]) -> list[Finding]:
    """``training_days``: each guard's off-duty training days this term (see :func:`training_days_this_term`)."""
    campus = profile.campus
    active = [g for g in guards if g.is_active]
    out: list[Finding] = []
    need = rules.guards_required(profile.students, profile.staff, profile.boarders, config.standard, config.rounding)
    if len(active) < need.count:
        out.append(Finding("guards", f"需配备 {need.count} 名保安，现有 {len(active)} 名", need.source, campus,
                           need.count - len(active)))
    for g in active:
        if not rules.guard_age_ok(g.birth_date, today):
            out.append(Finding("guard_age", f"保安员{g.name}已满 {rules.age_on(g.birth_date, today)} 周岁，超过 55 周岁",
                               rules.SRC_GUARD_AGE, campus, 1))
        if not rules.guard_source_ok(g.from_security_company):
            out.append(Finding("guard_source", f"保安员{g.name}不是保安公司选派（社会人员）", rules.SRC_GUARD_SOURCE,
                               campus, 1))
        missing = rules.missing_equipment(g.equipment)
        if missing:
            names = "、".join(rules.EQUIPMENT_LABELS[c] for c in missing)
            out.append(Finding("guard_equipment", f"保安员{g.name}缺少装备：{names}", rules.SRC_GUARD_EQUIPMENT, campus,
                               len(missing)))
        days = training_days.get(g.pk, 0)
        if not rules.training_ok(days):
            out.append(Finding("guard_training",
                               f"保安员{g.name}本学期脱产培训 {days} 天，需不少于 {rules.GUARD_TRAINING_DAYS} 天",
                               rules.SRC_GUARD_TRAINING, campus, rules.GUARD_TRAINING_DAYS - days))
    for field, message in FACILITIES:
        if not getattr(profile, field):
            out.append(Finding(field, message, rules.SRC_FACILITIES, campus, 1))
    if profile.video_retention_days < config.video_retention_days:
        out.append(Finding("video_retention",
                           f"视频存储 {profile.video_retention_days} 天，需不少于 {config.video_retention_days} 天",
                           rules.SRC_FACILITIES + "（存储天数待核）", campus,
                           config.video_retention_days - profile.video_retention_days))
    return out


def training_days_this_term(guards: Iterable[Any], today: datetime.date) -> dict[int, int]:
    """Each guard's training days in the current term, derived from the guard-training records of the education
    app (one day per calendar day a record lists the guard; the term is the school's bureau calendar)."""
    from anxiao.education.coverage import guard_days_this_term

    return guard_days_this_term(guards, today)


def school_findings(profiles: list[Any], config: Config, today: datetime.date,
                    training_days: Mapping[int, int] | None = None) -> list[Finding]:
    """All findings for one school; ``profiles`` with their guards prefetched (``guards``)."""
    if not profiles:
        return [Finding("profile", "尚未填写学校基本情况", "学校基本情况是核查配备标准的依据")]
    out: list[Finding] = []
    # The safety office and the 安全科 belong to the school, so they are checked on its total enrolment.
    students = sum(p.students for p in profiles)
    office = rules.safety_office_required(students)
    size = sum(p.safety_office_size for p in profiles)
    if size < office.members:
        out.append(Finding("safety_office", f"安全办需 {office.members} 人（含主任），现有 {size} 人", office.source,
                           shortfall=office.members - size))
    if not any(p.has_safety_office_director for p in profiles):
        out.append(Finding("safety_office_director", "安全办未配备主任", office.source, shortfall=1))
    if office.department and not any(p.has_safety_department for p in profiles):
        out.append(Finding("safety_department", f"在校生 {students} 人，须成立安全科", office.department_source,
                           shortfall=1))
    if training_days is None:
        training_days = training_days_this_term([g for p in profiles for g in p.guards.all() if g.is_active], today)
    for p in profiles:
        out.extend(campus_findings(p, p.guards.all(), config, today, training_days))
    return out


def findings_by_school(schools: Iterable[Any], today: datetime.date) -> list[tuple[Any, list[Finding]]]:
    """The roll-up: schools (with ``staffing_profiles__guards`` prefetched) and their findings."""
    from .models import StaffingSettings

    schools = list(schools)
    bureau_ids = {s.supervising_unit_id for s in schools if s.supervising_unit_id}
    configs = {s.bureau_id: config_for(s) for s in StaffingSettings.objects.filter(bureau_id__in=bureau_ids)}
    guards = [g for s in schools for p in s.staffing_profiles.all() for g in p.guards.all() if g.is_active]
    # The prefetch set guard.profile.school to the schools above: no query per guard.
    days = training_days_this_term(guards, today)
    return [(s, school_findings(list(s.staffing_profiles.all()), configs.get(s.supervising_unit_id, Config()), today,
                                days)) for s in schools]


def config_for_school(school: Any) -> Config:
    from .models import StaffingSettings

    return config_for(StaffingSettings.objects.filter(bureau_id=school.supervising_unit_id).first())
