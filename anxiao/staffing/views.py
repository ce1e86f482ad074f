from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anxiao.core import privacy
from anxiao.core.access import get_visible_or_404, may_manage
from anxiao.core.choices import UnitKind
from anxiao.core.crud import Crud
from anxiao.org.models import Unit

from . import actions, compliance, filters, forms, rules
from .models import Guard, SchoolProfile, StaffingSettings


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _profile_context(request: HttpRequest, profile: SchoolProfile) -> dict[str, Any]:
    guards = list(Guard.objects.visible_to(request.user).filter(profile=profile).select_related("profile__school"))
    config = compliance.config_for_school(profile.school)
    today = timezone.localdate()
    days = compliance.training_days_this_term([g for g in guards if g.is_active], today)
    return {"guards": [(g, rules.age_on(g.birth_date, today), days.get(g.pk, 0)) for g in guards],
            "findings": compliance.campus_findings(profile, guards, config, today, days)}


def _training_days(guard: Guard) -> int:
    return compliance.training_days_this_term([guard], timezone.localdate())[guard.pk]


PROFILES = Crud(
    name="profile", app="staffing", model=SchoolProfile, title="学校基本情况", form=forms.ProfileForm,
    save=actions.save_profile,
    columns=[("学校/校区", str), ("学生", lambda p: p.students), ("教职工", lambda p: p.staff),
             ("寄宿生", lambda p: p.boarders), ("安全办人数", lambda p: p.safety_office_size)],
    filters=filters.ProfileFilter, select_related=("school",),
    detail_fields=[("学校", lambda p: p.school), ("校区", lambda p: p.campus), ("学生人数", lambda p: p.students),
                   ("教职工人数", lambda p: p.staff), ("寄宿生人数", lambda p: p.boarders),
                   ("校舍栋数", lambda p: p.buildings), ("安全办人数（含主任）", lambda p: p.safety_office_size),
                   ("配备安全办主任", lambda p: _yes(p.has_safety_office_director)),
                   ("已设安全科", lambda p: _yes(p.has_safety_department)),
                   ("一键报警与公安联网", lambda p: _yes(p.alarm_linked)),
                   ("视频监控与公安联网", lambda p: _yes(p.video_linked)),
                   ("视频存储天数", lambda p: p.video_retention_days),
                   ("封闭化管理", lambda p: _yes(p.closed_perimeter)), ("硬质防冲撞设施", lambda p: _yes(p.anti_ramming)),
                   ("安全保卫室", lambda p: _yes(p.security_room)), ("门卫24小时值守", lambda p: _yes(p.gate_duty_24h))],
    detail_template="staffing/profile_detail.html", detail_context=_profile_context,
    extra_actions=[("配备核查", "staffing:compliance")],
)

GUARDS = Crud(
    name="guard", app="staffing", model=Guard, title="保安员", form=forms.GuardForm, save=actions.save_guard,
    columns=[("姓名", lambda g: g.name), ("校区", lambda g: g.profile),
             ("保安公司", lambda g: g.company if g.from_security_company else "社会人员"),
             ("出生日期", lambda g: privacy.birth_date(g.birth_date, g.profile.school)),
             ("装备", lambda g: f"{len(g.equipment or [])}/7")],
    filters=filters.GuardFilter, select_related=("profile__school",),
    detail_fields=[("姓名", lambda g: g.name), ("校区", lambda g: g.profile),
                   ("保安公司选派", lambda g: _yes(g.from_security_company)), ("保安公司", lambda g: g.company),
                   ("保安员证号", lambda g: privacy.id_number(g.licence_no, g.profile.school)),
                   ("出生日期", lambda g: privacy.birth_date(g.birth_date, g.profile.school)),
                   ("年龄（周岁）", lambda g: rules.age_on(g.birth_date, timezone.localdate())),
                   ("本学期脱产培训天数（按培训记录）", _training_days),
                   ("装备", lambda g: "、".join(rules.EQUIPMENT_LABELS[c] for c in g.equipment or []) or "无"),
                   ("在岗", lambda g: _yes(g.is_active))],
)

SETTINGS = Crud(
    name="settings", app="staffing", model=StaffingSettings, title="保安配备设置", form=forms.SettingsForm,
    save=actions.save_settings, needs=may_manage,
    columns=[("教育局", lambda s: s.bureau), ("配备标准", lambda s: s.get_guard_standard_display()),
             ("取整", lambda s: s.get_rounding_display()), ("视频存储天数下限", lambda s: s.video_retention_days)],
    filters=filters.StaffingSettingsFilter, select_related=("bureau",),
    detail_fields=[("教育局", lambda s: s.bureau), ("配备标准", lambda s: s.get_guard_standard_display()),
                   ("取整", lambda s: s.get_rounding_display()), ("视频存储天数下限", lambda s: s.video_retention_days)],
)


def visible_schools(user: Any) -> Any:
    return (Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
            .prefetch_related(Prefetch("staffing_profiles", SchoolProfile.objects.prefetch_related("guards")))
            .order_by("region_path", "name"))


@login_required
def compliance_rollup(request: HttpRequest) -> HttpResponse:
    rows = compliance.findings_by_school(visible_schools(request.user), timezone.localdate())
    failing = [(s, f) for s, f in rows if f]
    return render(request, "staffing/compliance.html", {"rows": rows, "failing": failing})


@login_required
def school_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_visible_or_404(visible_schools(request.user), request.user, pk=pk)
    [(school, findings)] = compliance.findings_by_school([school], timezone.localdate())
    return render(request, "staffing/school.html", {"school": school, "findings": findings,
                                                    "profiles": school.staffing_profiles.all()})
