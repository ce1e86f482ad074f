"""Home sections of the school's principal and of the bureau:

- principal: what waits for their approval or signature (monthly ledgers and quarterly summaries prepared for them
  to submit, the year's drill plan to approve, inspection reports waiting for the inspected unit's representative
  to sign: ``inspections.models.awaiting_signature_q``, the inspection list's 待签名 filter);
- bureau office: the month that is due with the schools late or missing, overdue and supervised hazards;
- director: the county at a glance (the dashboard's headline figures, the schools ranked by on-time compliance,
  the 12-month trend).

Every figure is the one of ``reports.figures``, ``hazards.figures`` and ``obligations.figures`` (through the
dashboard for the director), never counted again here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from anxiao.core.access import user_scope
from anxiao.core.choices import PostKind, UnitKind

from . import figures

RANKED = 10
HOME_TOP = 3  # a phone home lists the newest few of a kind, then "更多" to the list


def _latest_prepared(model: Any, school_ids: list[int]) -> list[Any]:
    from .models import LedgerStatus

    latest: dict[tuple[int, Any], Any] = {}
    for r in (model.objects.filter(unit_id__in=school_ids).defer("snapshot").select_related("unit")
              .order_by("unit_id", model.period_field, "version")):
        latest[(r.unit_id, r.period_value)] = r
    return [r for r in latest.values() if r.status == LedgerStatus.PREPARED]


def principal_approvals(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not getattr(user, "person_id", None):
        return None
    from anxiao.drills.models import DrillPlan, PlanStatus
    from anxiao.org.models import Post

    from .models import MonthlyLedger, QuarterlySummary

    schools = list(Post.objects.filter(holder_id=user.person_id, kind=PostKind.PRINCIPAL, is_active=True)
                   .values_list("unit_id", flat=True))
    if not schools:
        return None
    ledgers = _latest_prepared(MonthlyLedger, schools)
    summaries = _latest_prepared(QuarterlySummary, schools)
    plans = list(DrillPlan.objects.filter(school_id__in=schools, status=PlanStatus.DRAFT, voided_at__isnull=True)
                 .select_related("school").order_by("-year"))
    unsigned = _unsigned_inspections(user, schools)
    return {"ledgers": ledgers, "summaries": summaries, "plans": plans, "unsigned": unsigned,
            "empty": not (ledgers or summaries or plans or unsigned)}


def _unsigned_inspections(user: Any, schools: list[int]) -> list[dict[str, Any]]:
    """Per school: the inspection reports waiting for its representative's signature (the count, the newest
    few, the link to the list filtered the same way)."""
    from django.urls import reverse

    from anxiao.inspections.models import Inspection, SignerRole, awaiting_signature_q

    out = []
    waiting = Inspection.objects.visible_to(user).filter(awaiting_signature_q(SignerRole.REPRESENTATIVE))
    for school in schools:
        mine = waiting.filter(unit_id=school)
        count = mine.count()
        if count:
            out.append({"count": count, "top": list(mine.select_related("unit").order_by("-completed_at", "-pk")[:HOME_TOP]),
                        "url": f"{reverse('inspections:inspection_list')}?unsigned={SignerRole.REPRESENTATIVE}"
                               f"&unit={school}"})
    return out


def _schools(user: Any) -> Any:
    from anxiao.org.models import Unit

    return Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)


def bureau_office(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if user_scope(user).empty:
        return None
    from anxiao.hazards import figures as hazard_figures
    from anxiao.hazards.models import Hazard

    from .actions import month_status

    today = timezone.localdate()
    month = figures.due_month(today)
    rows = month_status(list(_schools(user).select_related("region").order_by("region__name", "name")), month, today)
    counts = dict.fromkeys(figures.STATES, 0)
    for r in rows:
        counts[r["state"]] += 1
    behind = [r for r in rows if r["state"] in ("missing", "late", "returned")]
    hazards = Hazard.objects.visible_to(user)
    supervised = list(hazards.filter(hazard_figures.figure_q("supervised", today)).select_related("unit")
                      .order_by("deadline", "pk")[:10])
    return {"month": month, "due_on": figures.due_on(month), "counts": counts, "labels": figures.STATES,
            "behind": behind[:20], "behind_more": max(len(behind) - 20, 0),
            "hazard_counts": hazard_figures.status_counts(hazards, today),
            "overdue": hazard_figures.overdue_list(hazards, today, limit=10), "supervised": supervised}


def county_glance(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if user_scope(user).empty:
        return None
    from anxiao.obligations.figures import compliance_rate, rag

    from . import dashboard

    d = dashboard.dashboard(user)
    ranking = []
    for row in d["heat"]["rows"]:
        done = sum(c["done"] or 0 for c in row["cells"])
        total = sum(c["total"] or 0 for c in row["cells"])
        rate = compliance_rate(done, 0, total - done)
        if rate is not None:
            ranking.append({"id": row["id"], "name": row["name"], "rate": rate, "rag": rag(rate),
                            "region": row["region"]})
    ranking.sort(key=lambda r: (r["rate"], r["name"]))
    return {"d": d, "ranking": ranking[:RANKED], "ranked": len(ranking), "labels": figures.STATES}
