"""Due-soon reminders, overdue notices and escalation of missed slots, run by ``anxiao worker``.

Each occurrence carries the day the worker must next look at it (``alert_on``, indexed). The worker
moves a slot to its next stage with a conditional ``update()`` and acts only if exactly one row
changed, so two workers never send the same reminder.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anxiao.core.choices import PostKind, UnitKind
from anxiao.notifications.actions import alert, notify
from anxiao.org.models import Assignment, AssignmentKind, Group, Person, Post, Unit

from .actions import bureau_for
from .models import Occurrence

SCHOOL_RESPONSIBLE = [PostKind.SAFETY_OFFICER, PostKind.SAFETY_DEPUTY, PostKind.PRINCIPAL]
OTHER_RESPONSIBLE = [PostKind.BUREAU_SAFETY_LEADER, PostKind.BUREAU_DEPT_HEAD, PostKind.BUREAU_PRINCIPAL,
                     PostKind.CHIEF_DISTRICT, PostKind.CHIEF_TOWN, PostKind.CHIEF_VILLAGE]
BATCH = 500


def holders(unit: Unit, kinds: Sequence[str], subtree: bool = True) -> list[Person]:
    """Holders of the first of ``kinds`` that the unit (or its departments) has."""
    where = Q(unit__path__startswith=unit.path) if subtree else Q(unit=unit)
    posts = list(Post.objects.filter(where, kind__in=kinds, is_active=True, holder__isnull=False)
                 .select_related("holder"))
    for kind in kinds:
        found = [p.holder for p in posts if p.kind == kind and p.holder is not None]
        if found:
            return found
    return []


def responsible(occ: Occurrence) -> list[Person]:
    if occ.post_id:
        return [occ.post.holder] if occ.post and occ.post.holder else []
    return holders(occ.unit, SCHOOL_RESPONSIBLE if occ.unit.kind == UnitKind.SCHOOL else OTHER_RESPONSIBLE)


def bureau_safety_office(bureau: Unit) -> list[Person]:
    """The people of the bureau's 安全办 (the office of its leadership group), else its safety leader."""
    office_ids = list(Group.objects.filter(unit=bureau, is_active=True, office_unit__isnull=False)
                      .values_list("office_unit_id", flat=True))
    people = [p.holder for p in Post.objects.filter(unit_id__in=office_ids, is_active=True, holder__isnull=False)
              .select_related("holder") if p.holder is not None]
    return people or holders(bureau, [PostKind.BUREAU_SAFETY_LEADER], subtree=False)


def supervisors(occ: Occurrence, today: datetime.date) -> list[Person]:
    """Who hears about a missed slot: school → safety deputy and principal; principal → 包保 leader and the
    bureau safety office; a bureau post → the bureau's leaders."""
    unit = occ.unit
    holder_kind = occ.post.kind if occ.post_id and occ.post else None
    post_unit = occ.post.unit if occ.post_id and occ.post else unit
    if unit.kind == UnitKind.SCHOOL and post_unit.kind in (UnitKind.SCHOOL, UnitKind.SCHOOL_DEPARTMENT):
        if holder_kind == PostKind.PRINCIPAL:
            leaders = [a.holder_post.holder for a in Assignment.objects.filter(
                kind=AssignmentKind.BAOBAO, target_unit=unit, holder_post__holder__isnull=False,
                started_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
                .select_related("holder_post__holder")
                if a.holder_post is not None and a.holder_post.holder is not None]
            bureau = bureau_for(unit)
            return leaders + (bureau_safety_office(bureau) if bureau else [])
        kinds = [PostKind.PRINCIPAL] if holder_kind == PostKind.SAFETY_DEPUTY else [PostKind.SAFETY_DEPUTY]
        found = holders(unit, kinds, subtree=False) + holders(unit, [PostKind.PRINCIPAL], subtree=False)
        return found
    bureau = bureau_for(post_unit)
    if bureau is None:
        return []
    return holders(bureau, [PostKind.BUREAU_SAFETY_LEADER], subtree=False) + holders(
        bureau, [PostKind.BUREAU_PRINCIPAL], subtree=False)


def _describe(occ: Occurrence) -> str:
    who = f"{occ.unit.name}" + (f" {occ.post.title}" if occ.post_id and occ.post else "")
    source = f"\n依据：{occ.rule.source}" if occ.rule.source else ""
    return (f"{who}：{occ.rule.title}（{occ.period_key}），应于 {occ.deadline:%Y-%m-%d} 前完成 {occ.quota} 次，"
            f"目前 {occ.done_count} 次。{source}")


def _advance(occ: Occurrence, today: datetime.date) -> str | None:
    """Claim the slot's next stage. Returns the stage this worker now owns, or None."""
    if occ.is_met:
        stage, next_on = occ.alert_stage, None
    elif occ.alert_stage == "" and today <= occ.deadline:
        stage, next_on = "reminded", occ.deadline + datetime.timedelta(days=1)
    else:
        stage, next_on = "escalated", None
    changed = Occurrence.objects.filter(pk=occ.pk, alert_on=occ.alert_on, alert_stage=occ.alert_stage).update(
        alert_on=next_on, alert_stage=stage, updated_at=timezone.now())
    if changed != 1 or occ.is_met:
        return None
    return stage


def run(today: datetime.date | None = None) -> int:
    """Send what is due today. Returns the number of slots acted on."""
    today = today or timezone.localdate()
    acted = 0
    while True:
        batch = list(Occurrence.objects.filter(alert_on__lte=today).select_related(
            "rule", "unit", "post__holder", "post__unit").order_by("alert_on", "pk")[:BATCH])
        if not batch:
            return acted
        for occ in batch:
            stage = _advance(occ, today)
            if stage is None:
                continue
            acted += 1
            url = reverse("obligations:occurrence_detail", args=[occ.pk])
            key = f"occ{occ.pk}:{stage}"
            text = _describe(occ)
            if stage == "reminded":
                notify(responsible(occ), f"即将到期：{occ.rule.title}", text, url, key)
                continue
            notify(responsible(occ), f"已逾期未完成：{occ.rule.title}", text, url, key)
            notify(supervisors(occ, today), f"督办：{occ.unit.name}未按期完成{occ.rule.title}", text, url,
                   f"{key}:up")
            alert([], occ.unit, f"未按期完成：{occ.unit.name} {occ.rule.title}", text, url, key)


def daily_job() -> Any:
    """The worker's job: keep this period's and the next period's slots, then remind and escalate."""
    from django.conf import settings

    from anxiao.notifications.actions import once_a_day

    from .actions import expand_all

    today = timezone.localdate()
    # "Expanded today" lives in the database (notifications.DailyRun), so several workers expand once.
    once_a_day("obligations.expand", today, lambda: expand_all(today, jobs=max(1, settings.EXPAND_JOBS)))
    return run(today)
