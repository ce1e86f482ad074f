"""The morning dashboard of a bureau (or a school, for itself): every figure is one aggregate query over the
user's scope, and every figure links to the list behind it. Charts are server-side SVG (no script, no CDN)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anxiao.core.choices import UnitKind
from anxiao.org.models import Region, Unit

from . import actions, ledger

HEAT_MAX_ROWS = 60


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    months = [today.replace(day=1)]
    for _ in range(n - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def hazard_figures(user: Any, today: datetime.date) -> dict[str, Any]:
    from anxiao.hazards.models import DEADLINE_STATUSES, OPEN_STATUSES, Grade, Hazard, Status

    qs = Hazard.objects.visible_to(user).filter(voided_at__isnull=True)
    open_q = Q(status__in=OPEN_STATUSES)
    totals = qs.aggregate(
        open=Count("id", filter=open_q), major_open=Count("id", filter=open_q & Q(grade=Grade.MAJOR)),
        overdue=Count("id", filter=Q(status__in=DEADLINE_STATUSES, deadline__lt=today)),
        supervised=Count("id", filter=open_q & (Q(under_supervision=True) | Q(listed=True))),
        reported_up=Count("id", filter=open_q & Q(reported_up_at__isnull=False)),
    )
    by_status = {(row["status"], row["grade"]): row["n"] for row in
                 qs.values("status", "grade").annotate(n=Count("id"))}
    matrix = [{"status": s, "label": s.label, "cells": [(g, by_status.get((s.value, g.value), 0)) for g in Grade]}
              for s in Status if s != Status.VOID]
    overdue = list(qs.filter(status__in=DEADLINE_STATUSES, deadline__lt=today).select_related("unit")
                   .order_by("deadline")[:15])
    months = _months_back(today, 12)
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    found = dict(qs.filter(found_at__gte=start).annotate(m=TruncMonth("found_at")).values_list("m")
                 .annotate(n=Count("id")).values_list("m", "n"))
    closed = dict(qs.filter(closed_at__gte=start).annotate(m=TruncMonth("closed_at")).values_list("m")
                  .annotate(n=Count("id")).values_list("m", "n"))
    found = {(k.date() if hasattr(k, "date") else k): v for k, v in found.items()}
    closed = {(k.date() if hasattr(k, "date") else k): v for k, v in closed.items()}
    trend = [{"month": m, "found": found.get(m, 0), "closed": closed.get(m, 0)} for m in months]
    return {"totals": totals, "matrix": matrix, "grades": list(Grade), "overdue": overdue, "trend": trend,
            "trend_svg": trend_svg(trend)}


def trend_svg(trend: list[dict[str, Any]]) -> str:
    """Bars of hazards found and closed per month, and the closure rate as a line."""
    width, height, pad = 640, 220, 30
    top = max([1] + [max(t["found"], t["closed"]) for t in trend])
    step = (width - 2 * pad) / len(trend)
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" aria-label="隐患发现与销号趋势">']
    points = []
    for i, t in enumerate(trend):
        x = pad + i * step
        for j, (key, colour) in enumerate((("found", "#ef6c00"), ("closed", "#2e7d32"))):
            h = (height - 2 * pad) * t[key] / top
            parts.append(f'<rect x="{x + 4 + j * (step / 2 - 4):.1f}" y="{height - pad - h:.1f}" '
                         f'width="{step / 2 - 6:.1f}" height="{h:.1f}" fill="{colour}"><title>{t["month"]:%Y-%m} '
                         f'{"发现" if key == "found" else "销号"} {t[key]}</title></rect>')
        rate = t["closed"] / t["found"] if t["found"] else None
        if rate is not None:
            points.append(f"{x + step / 2:.1f},{height - pad - (height - 2 * pad) * min(rate, 1.5) / 1.5:.1f}")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
                     f'{t["month"]:%m}月</text>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f5fae" stroke-width="2"/>')
    parts.append('<text x="30" y="16" font-size="11" fill="#ef6c00">■ 发现</text>'
                 '<text x="80" y="16" font-size="11" fill="#2e7d32">■ 销号</text>'
                 '<text x="130" y="16" font-size="11" fill="#1f5fae">— 销号/发现</text></svg>')
    return "".join(parts)


def report_figures(user: Any, today: datetime.date) -> dict[str, Any]:
    month = ledger.first_of_month(today)
    schools = list(Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True))
    counts: dict[str, int] = defaultdict(int)
    for row in actions.month_status(schools, month, today):
        counts[row["state"]] += 1
    return {"month": month, "counts": dict(counts)}


def _group_level(n_schools: int) -> str:
    if n_schools <= HEAT_MAX_ROWS:
        return "school"
    if n_schools <= HEAT_MAX_ROWS * 20:
        return "town"
    return "county"


def compliance_heat(user: Any, today: datetime.date) -> dict[str, Any]:
    """Share of occurrences done (on time or late) per row (school, or town/county for a big scope) × rule,
    over the last three months."""
    from anxiao.obligations.models import Occurrence

    since = today - datetime.timedelta(days=92)
    schools = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    level = _group_level(schools.count())
    qs = Occurrence.objects.filter(unit__in=schools, period_start__gte=since, deadline__lt=today)
    key = {"school": "unit__name", "town": "unit__region__name", "county": "unit__region__parent__name"}[level]
    rows = qs.values(key, "rule__title").annotate(total=Count("id"), done=Count("id", filter=Q(done_count__gte=F("quota"))))
    table: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    rules: set[str] = set()
    for r in rows:
        table[r[key]][r["rule__title"]] = (r["done"], r["total"])
        rules.add(r["rule__title"])
    columns = sorted(rules)
    out = []
    for name in sorted(table):
        cells = []
        for rule in columns:
            done, total = table[name].get(rule, (0, 0))
            ratio = done / total if total else None
            colour = "" if ratio is None else ("green" if ratio >= 0.9 else "yellow" if ratio >= 0.6 else "red")
            cells.append({"ratio": ratio, "colour": colour, "done": done, "total": total})
        out.append({"name": name, "cells": cells})
    return {"level": level, "columns": columns, "rows": out[:200]}


def risk_colours(user: Any) -> dict[str, Any]:
    from anxiao.risks.models import Level, Risk

    counts = dict(Risk.objects.visible_to(user).values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    return {"levels": [(lvl.value, lvl.label, counts.get(lvl.value, 0)) for lvl in Level]}


def incident_figures(user: Any) -> dict[str, Any]:
    from anxiao.incidents.filters import late_q
    from anxiao.incidents.models import Incident, Status

    qs = Incident.objects.visible_to(user).filter(voided_at__isnull=True, status=Status.OPEN)
    return {"open": qs.count(), "late": qs.filter(late_q()).count()}


def dashboard(user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {"today": today, "hazards": hazard_figures(user, today), "reports": report_figures(user, today),
            "heat": compliance_heat(user, today), "risks": risk_colours(user), "incidents": incident_figures(user),
            "regions": Region.objects.visible_to(user).count()}
