"""Drafting the monthly ledger from live data (rules.md §5): header, one row per hazard (every hazard found
in the period and every hazard still open at its end), and the summary block.

The statistics period runs from the 28th of the previous month to the 27th of the report month, so that
the report due on the 28th covers a complete period (rules.md §5.1 [SUG]).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from anxiao.core.choices import PostKind

from .figures import due_on, first_of_month, period  # noqa: F401  (the period rules live in figures)

COLUMNS = [  # (key, 中文列名, width): narrow enough that 24 columns print legibly on A4 landscape
    ("no", "序号", 4), ("number", "隐患编号", 14), ("found_on", "排查日期", 10), ("source", "排查方式", 8),
    ("finder", "排查人", 7), ("category", "隐患类别", 10), ("location", "隐患部位", 12), ("description", "隐患具体描述", 22),
    ("grade", "隐患等级", 7), ("risk", "风险等级", 7), ("temporary", "临时防范措施", 12), ("measures", "整改措施", 16),
    ("responsible", "整改责任部门/责任人", 12), ("funds", "整改资金（万元）及来源", 9), ("deadline", "整改时限", 10),
    ("plan", "应急预案", 10), ("supervision", "督办情况", 7), ("status", "整改状态", 8),
    ("rectified_on", "整改完成日期", 10), ("acceptance", "验收人/日期/结论", 14), ("closed_on", "销号日期", 10),
    ("unfinished", "未完成原因及下步措施", 12), ("upward", "需上级协调解决事项", 12), ("remark", "备注", 7),
]
# Printed as two tables on A4 landscape (序号 and 隐患编号 repeated in both), the body at 8 pt or more: the
# column each part starts at, and its name. The XLSX and the PDF split the same way.
PARTS = {"found_on": "隐患排查登记", "responsible": "整改落实与销号"}
KEY_COLUMNS = 2
ACTIVITY_KINDS = [("patrol", "日常巡查"), ("inspection", "集中排查/检查"), ("leadership_inspection", "领导带队检查"),
                  ("drill", "应急演练"), ("safety_lesson", "安全教育课"), ("staff_training", "教职工培训"),
                  ("meeting", "安全会议")]


def _local(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _d(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _holder(unit: Any, kind: str) -> str:
    post = unit.posts.filter(kind=kind, is_active=True, holder__isnull=False).select_related("holder").first()
    return post.holder.name if post else ""


def _status_at(h: Any, end: datetime.date, as_of: datetime.date) -> str:
    """The hazard's 整改状态 at the end of the period; 逾期 as ``hazards.figures`` counts it on ``as_of`` (the
    period's end, or today while the period runs: a deadline later this month is not late yet)."""
    from anxiao.hazards.figures import overdue_on

    closed = _local(h.closed_at)
    if closed and closed <= end:
        return "已整改销号"
    if overdue_on(h, as_of):
        return "逾期"
    reported_up = _local(h.reported_up_at)
    if reported_up and reported_up <= end:
        return "已上报需上级协调"
    if h.status in ("rectifying", "awaiting_acceptance", "accepted"):
        return "整改中"
    return "未整改"


def _row(no: int, h: Any, end: datetime.date, as_of: datetime.date) -> dict[str, Any]:
    accepted = _local(h.accepted_at)
    acceptance = ""
    if accepted and accepted <= end:
        who = h.accepted_by.get_full_name() if h.accepted_by else ""
        acceptance = f"{who} {accepted} {h.acceptance_note}".strip()
    funds = f"{h.funds}" if h.funds is not None else ""
    if h.funds_source:
        funds = f"{funds}（{h.funds_source}）"
    supervision = "挂牌督办" if h.listed else ("督办" if h.under_supervision else "")
    status = _status_at(h, end, as_of)
    return {
        "no": no, "number": h.number, "found_on": _d(_local(h.found_at)), "source": h.get_source_display(),
        "finder": h.finder_name or (h.finder.name if h.finder else ""), "category": h.get_category_display(),
        "location": h.location, "description": h.description, "grade": h.get_grade_display(),
        "risk": h.get_risk_colour_display() if h.risk_colour else "", "temporary": h.temporary_measures,
        "measures": h.measures,
        "responsible": "/".join(x for x in [h.responsible_department, h.responsible.name if h.responsible else ""] if x),
        "funds": funds, "deadline": _d(h.deadline), "plan": h.contingency_plan, "supervision": supervision,
        "status": status, "rectified_on": _d(_local(h.rectified_at)), "acceptance": acceptance,
        "closed_on": _d(_local(h.closed_at)) if status == "已整改销号" else "",
        "unfinished": "" if status == "已整改销号" else (h.upward_note or ""),
        "upward": h.upward_note if h.reported_up_at else "", "remark": "重大隐患" if h.grade == "major" else "",
        "_major": h.grade == "major", "_overdue": status == "逾期", "_closed": status == "已整改销号",
    }


def draft(unit: Any, month: datetime.date, today: datetime.date | None = None) -> dict[str, Any]:
    from anxiao.hazards.models import Hazard
    from anxiao.obligations.models import Activity

    start, end = period(month)
    as_of = min(end, today or timezone.localdate())
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    base = Hazard.objects.filter(unit__path__startswith=unit.path, voided_at__isnull=True).exclude(status="void")
    found_in = Q(found_at__gte=start_dt, found_at__lt=end_dt)
    open_at_end = Q(found_at__lt=end_dt) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end_dt))
    hazards = list(base.filter(found_in | open_at_end).select_related("finder", "responsible", "accepted_by__person")
                   .order_by("found_at", "id"))
    rows = [_row(i, h, end, as_of) for i, h in enumerate(hazards, start=1)]
    carried = base.filter(found_at__lt=start_dt).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start_dt)).count()
    new = [h for h in hazards if start_dt <= h.found_at < end_dt]
    closed = base.filter(closed_at__gte=start_dt, closed_at__lt=end_dt)
    funds = sum((h.funds or Decimal(0) for h in closed), Decimal(0))
    closed_count = closed.count()
    activity_counts = dict(
        Activity.objects.filter(unit__path__startswith=unit.path, voided_at__isnull=True,
                                occurred_on__range=(start, end))
        .values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    denominator = carried + len(new)
    summary = {
        "carried": carried, "new": len(new), "new_major": sum(1 for h in new if h.grade == "major"),
        "new_general": sum(1 for h in new if h.grade != "major"), "closed": closed_count,
        "open": sum(1 for r in rows if not r["_closed"]), "overdue": sum(1 for r in rows if r["_overdue"]),
        "major_open": sum(1 for r in rows if r["_major"] and not r["_closed"]),
        "supervised": sum(1 for r in rows if r["supervision"]),
        "rate": round(closed_count / denominator, 4) if denominator else 1.0, "funds": str(funds),
        "activities": {kind: activity_counts.get(kind, 0) for kind, _label in ACTIVITY_KINDS},
    }
    header = {
        "school": unit.name, "code": unit.code, "town": unit.region.name, "stage": unit.get_stage_display(),
        "boarding": "是" if unit.boarding else "否", "month": f"{month:%Y年%m月}", "period_start": _d(start),
        "period_end": _d(end), "principal": _holder(unit, PostKind.PRINCIPAL),
        "safety_deputy": _holder(unit, PostKind.SAFETY_DEPUTY), "phone": unit.phone,
    }
    return {"header": header, "rows": rows, "summary": summary}
