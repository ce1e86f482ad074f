"""Read-only queries other apps use (responsibility lists, obligations)."""

from __future__ import annotations

from typing import Any

from anxiao.org.models import Post, Unit

from .models import DutyList, DutyTemplate, ObligationTemplate, PolicyStatus


def adopted_policies(bureau: Unit) -> Any:
    from .models import Policy

    return Policy.objects.filter(bureau=bureau, status=PolicyStatus.ACTIVE)


def obligation_templates(bureau: Unit) -> list[dict[str, Any]]:
    """The recurring obligations of the packs the bureau has adopted, as plain dicts."""
    rows = ObligationTemplate.objects.filter(policy__in=adopted_policies(bureau)).select_related("policy")
    return [
        {"code": o.code, "clause_ref": o.clause_ref, "title": o.title, "activity_kind": o.activity_kind,
         "subject": o.subject, "quota": o.quota, "period": o.period, "due": o.due, "grace_days": o.grace_days,
         "heightened": o.heightened, "enabled": o.enabled, "note": o.note, "policy_code": o.policy.code,
         "policy_id": o.policy_id}
        for o in rows.order_by("policy__code", "order")
    ]


def current_duties(bureau: Unit) -> list[tuple[DutyList, list[DutyTemplate]]]:
    """Every duty list of the bureau's adopted policies with its current, not retired duties."""
    lists = list(DutyList.objects.filter(policy__in=adopted_policies(bureau)).select_related("policy")
                 .order_by("policy__code", "order"))
    duties: dict[int, list[DutyTemplate]] = {dl.pk: [] for dl in lists}
    for d in DutyTemplate.objects.filter(duty_list__in=lists, is_current=True, retired=False).order_by("order"):
        duties[d.duty_list_id].append(d)
    return [(dl, duties[dl.pk]) for dl in lists]


def school_of(unit: Unit) -> Unit | None:
    if unit.kind == "school":
        return unit
    if unit.kind == "school_department" and unit.parent_id:
        return unit.parent
    return None


def list_matches_post(duty_list: DutyList, post: Post) -> bool:
    """A post gets a duty list when its kind is named, its school's stage fits, and—if the list names a
    department (股室/处室)—the post sits in a department unit of that name."""
    if post.kind not in duty_list.post_kinds:
        return False
    if duty_list.condition:
        # The organisation records no "uses a school bus" flag yet, so conditional lists wait for it.
        return False
    unit = post.unit
    if duty_list.stages:
        school = school_of(unit)
        if school is None or school.stage not in duty_list.stages:
            return False
    if duty_list.department:
        if unit.kind not in ("bureau_department", "school_department"):
            return False
        names = {unit.name, unit.short_name}
        return duty_list.department in names
    return True
