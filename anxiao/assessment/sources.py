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


@veto("licence_review", "民办学校/校车许可年检未通过或缺失")
def licence_review(unit: Any, year: int) -> list[str]:
    from .actions import licence_failures

    return licence_failures(unit, year)


@veto("lost_assessment_grounds", "不重视、推进不力、整改不到位、弄虚作假等情形")
def lost_assessment_grounds(unit: Any, year: int) -> list[str]:
    from anxiao.accountability.actions import lost_assessment_decisions

    return [f"{'、'.join(d.ground_labels)}：{d.case.title}（{d.decided_on}"
            f"{'，' + d.document_number if d.document_number else ''}），取消本年度综合考核评估资格和绩效考核奖励"
            for d in lost_assessment_decisions(unit, year)]


@veto("major_accident_with_responsibility", "发生较大及以上安全责任事故")
def major_accident(unit: Any, year: int) -> list[str]:
    from anxiao.accountability.models import Decision, Finding

    serious = [i for i in _incidents(unit, year) if i.level != "general"]
    if not serious:
        return []
    derelict = Decision.objects.filter(case__unit__path__startswith=unit.path, case__year=year,
                                       finding=Finding.DERELICT, case__voided_at__isnull=True).exists()
    return [f"{i.title}（{i.get_level_display()}），经认定有责任" for i in serious] if derelict else []


def _year_dates(year: int) -> tuple[Any, Any]:
    import datetime

    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), timezone.localdate())


@indicator("obligation_compliance", "履职任务完成率")
def obligation_compliance(unit: Any, year: int) -> float | None:
    from django.db.models import F, Q, Sum

    from anxiao.obligations.models import Occurrence

    start, end = _year_dates(year)
    row = Occurrence.objects.filter(unit__path__startswith=unit.path, deadline__range=(start, end),
                                    deadline__lt=timezone.localdate()).aggregate(
        total=Sum("slots"), met=Sum("met_slots", filter=~Q(completed_on__gt=F("deadline"))))
    return (row["met"] or 0) / row["total"] if row["total"] else None


@indicator("drill_coverage", "演练开展率")
def drill_coverage(unit: Any, year: int) -> float | None:
    from django.db.models import Sum

    from anxiao.obligations.models import Occurrence

    start, end = _year_dates(year)
    row = Occurrence.objects.filter(unit__path__startswith=unit.path, rule__activity_kind="drill",
                                    deadline__range=(start, end), deadline__lt=timezone.localdate()).aggregate(
        total=Sum("slots"), met=Sum("met_slots"))
    return (row["met"] or 0) / row["total"] if row["total"] else None


@indicator("hazard_closure_on_time", "隐患按期整改率")
def hazard_closure_on_time(unit: Any, year: int) -> float | None:
    from django.db.models import Count, F, Q

    from anxiao.hazards.models import Hazard

    start, end = _year_dates(year)
    row = Hazard.objects.filter(unit__path__startswith=unit.path, voided_at__isnull=True,
                                deadline__range=(start, end)).aggregate(
        total=Count("id"), on_time=Count("id", filter=Q(closed_at__isnull=False, closed_at__date__lte=F("deadline"))))
    return row["on_time"] / row["total"] if row["total"] else None


@indicator("report_timeliness", "台账按时报送率")
def report_timeliness(unit: Any, year: int) -> float | None:
    import datetime

    from anxiao.reports.models import LedgerStatus, MonthlyLedger

    today = timezone.localdate()
    due_months = [datetime.date(year, m, 1) for m in range(1, 13) if datetime.date(year, m, 28) < today]
    if not due_months or unit.kind != "school":
        return None
    on_time = MonthlyLedger.objects.filter(unit=unit, month__in=due_months, late=False,
                                           status__in=[LedgerStatus.SUBMITTED, LedgerStatus.SUPERSEDED]
                                           ).values("month").distinct().count()
    return on_time / len(due_months)


@indicator("letter_signing", "责任书签订率")
def letter_signing(unit: Any, year: int) -> float | None:
    from django.db.models import Count, Q

    from anxiao.responsibility.models import Letter, LetterStatus

    row = Letter.objects.filter(signatory_unit__path__startswith=unit.path, year=year,
                                status__in=[LetterStatus.ISSUED, LetterStatus.SIGNED]).aggregate(
        total=Count("id"), signed=Count("id", filter=Q(status=LetterStatus.SIGNED)))
    return row["signed"] / row["total"] if row["total"] else None


@veto("major_hazard_overdue", "重大隐患逾期未整改")
def major_hazard_overdue(unit: Any, year: int) -> list[str]:
    import datetime

    from django.db.models import Q

    from anxiao.hazards.models import Grade, Hazard, overdue_q

    # 逾期未整改 as the hazard figures define it (hazards.models.overdue_q: graded or being rectified past the
    # deadline; once rectified, waiting for acceptance or for 销号 is not the school's delay). For a year already
    # ended: not rectified by its last day.
    today = timezone.localdate()
    end = min(datetime.date(year, 12, 31), today)
    rows = Hazard.objects.filter(unit__path__startswith=unit.path, grade=Grade.MAJOR, voided_at__isnull=True,
                                 deadline__lt=end, deadline__year=year)
    rows = rows.filter(overdue_q(today)) if end == today else rows.filter(
        Q(rectified_at__isnull=True) | Q(rectified_at__date__gt=end))
    return [f"{h.location}：{h.description[:20]}（期限 {h.deadline}）" for h in rows]
