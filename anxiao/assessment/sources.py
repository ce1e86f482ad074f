"""Computed indicators and veto checks from incidents and accountability (other apps add their own)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .registry import indicator, veto


def _incidents(unit: Any, year: int) -> Any:
    from anxiao.incidents.models import Incident

    return Incident.objects.filter(unit__path__startswith=unit.path, learned_at__year=year, voided_at__isnull=True)


@indicator("incident_report_timeliness", "事故按时报告率")
def incident_report_timeliness(unit: Any, year: int) -> float | None:
    incidents = list(_incidents(unit, year))
    if not incidents:
        return None
    return sum(1 for i in incidents if not i.reported_late) / len(incidents)


@veto("late_accident_report", "事故迟报、瞒报")
def late_accident_report(unit: Any, year: int) -> list[str]:
    return [f"{i.title}（{timezone.localtime(i.learned_at):%Y-%m-%d}）迟报" for i in _incidents(unit, year)
            if i.reported_late]


@veto("accountability_veto", "追责决定给予一票否决")
def accountability_veto(unit: Any, year: int) -> list[str]:
    from anxiao.accountability.actions import veto_decisions

    return [f"{d.case.title}：{d.post.title}（{d.decided_on}）" for d in veto_decisions(unit, year)]


@veto("major_accident_with_responsibility", "发生较大及以上安全责任事故")
def major_accident(unit: Any, year: int) -> list[str]:
    from anxiao.accountability.models import Decision, Finding

    serious = [i for i in _incidents(unit, year) if i.level != "general"]
    if not serious:
        return []
    derelict = Decision.objects.filter(case__unit__path__startswith=unit.path, case__year=year,
                                       finding=Finding.DERELICT, case__voided_at__isnull=True).exists()
    return [f"{i.title}（{i.get_level_display()}），经认定有责任" for i in serious] if derelict else []
