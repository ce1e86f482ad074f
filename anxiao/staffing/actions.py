"""Staffing operations: the only code that changes profiles, guards and a bureau's settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.choices import UnitKind
from anxiao.core.models import assign
from anxiao.org.actions import require_unit

from . import rules
from .models import Guard, SchoolProfile, StaffingSettings


def save_profile(actor: Any, profile: SchoolProfile | None, **data: Any) -> SchoolProfile:
    creating = profile is None
    profile = profile or SchoolProfile()
    if not creating:
        require_unit(actor, profile.school)
    assign(profile, data)
    if profile.school_id is None:
        raise ValidationError({"school": ["请选择学校"]})
    require_unit(actor, profile.school)
    if profile.school.kind != UnitKind.SCHOOL:
        raise ValidationError({"school": ["学校基本情况只能填写在学校/幼儿园上"]})
    rules.check_counts(students=profile.students, staff=profile.staff, boarders=profile.boarders,
                       buildings=profile.buildings, safety_office_size=profile.safety_office_size,
                       video_retention_days=profile.video_retention_days)
    with transaction.atomic():
        profile.full_clean()
        profile.save()
    return profile


def save_guard(actor: Any, guard: Guard | None, **data: Any) -> Guard:
    creating = guard is None
    guard = guard or Guard()
    if not creating:
        require_unit(actor, guard.profile.school)
    assign(guard, data)
    if guard.profile_id is None:
        raise ValidationError({"profile": ["请选择校区"]})
    require_unit(actor, guard.profile.school)
    rules.check_birth_date(guard.birth_date, timezone.localdate())
    unknown = [item for item in (guard.equipment or []) if item not in rules.EQUIPMENT_CODES]
    if unknown:
        raise ValidationError({"equipment": [f"装备“{'、'.join(map(str, unknown))}”无效，可选："
                                             f"{'、'.join(rules.EQUIPMENT_CODES)}"]})
    guard.equipment = [c for c in rules.EQUIPMENT_CODES if c in set(guard.equipment or [])]
    if guard.from_security_company and not guard.company.strip():
        raise ValidationError({"company": ["保安公司选派的保安员请填写保安公司"]})
    with transaction.atomic():
        guard.full_clean()
        guard.save()
    return guard


def save_settings(actor: Any, settings: StaffingSettings | None, **data: Any) -> StaffingSettings:
    creating = settings is None
    settings = settings or StaffingSettings()
    if not creating:
        require_unit(actor, settings.bureau)
    assign(settings, data)
    if settings.bureau_id is None or settings.bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": ["保安配备设置只能由教育局设定"]})
    require_unit(actor, settings.bureau)
    with transaction.atomic():
        settings.full_clean()
        settings.save()
    return settings
