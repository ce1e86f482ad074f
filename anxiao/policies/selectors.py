"""Read-only queries other apps use (responsibility lists, obligations)."""

from __future__ import annotations

from typing import Any

from anxiao.org.conditions import condition_holds, school_of
from anxiao.org.models import Post, Unit

from .models import DutyList, DutyTemplate, ObligationTemplate, PolicyStatus


def adopted_policies(bureau: Unit) -> Any:
    """The bureau's policies in effect: active, with their mapping confirmed."""
    from .models import Policy

    return Policy.objects.filter(bureau=bureau, status=PolicyStatus.ACTIVE, mapping_confirmed_at__isnull=False)


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


DEPARTMENT_KINDS = ("bureau_department", "school_department")
OUTSIDE_KINDS = ("government", "member_agency")


def judged_unit(duty_list: DutyList, post: Post) -> Unit:
    """The unit a post is matched (and corrected) by: its department for a department's or an agency's list,
    otherwise its school (a teacher in 教务处 belongs to the school), otherwise its own unit."""
    if duty_list.unit_kind in DEPARTMENT_KINDS or duty_list.unit_kind in OUTSIDE_KINDS:
        return post.unit
    return school_of(post.unit) or post.unit


def unit_matches(duty_list: DutyList, unit: Unit) -> bool:
    """The meaning-based proposal: the unit is of the kind the list is for; a school's stage and features (bus,
    boarding, private) fit; a department or agency does the work the list names (its function codes, recorded or
    read from its name), whatever it is called locally."""
    school = school_of(unit)
    if duty_list.unit_kind in ("school", "school_department") and school is None:
        return False
    if duty_list.policy.own_plan and (school is None or school.pk not in duty_list.policy.for_units):
        return False  # a school's own plan never widens to other units
    # Stages narrow the schools a list reaches; a bureau post in the same list (领导小组) is not a school's.
    if duty_list.stages and school is not None and school.stage not in duty_list.stages:
        return False
    if duty_list.condition and not condition_holds(duty_list.condition, school):
        return False
    wanted = duty_list.function_codes
    if duty_list.unit_kind in DEPARTMENT_KINDS or duty_list.unit_kind in OUTSIDE_KINDS:
        if unit.kind != duty_list.unit_kind:
            return False
        if wanted and not set(wanted) & set(unit.function_codes):
            return False
    return True


Corrections = dict[tuple[int, int], bool]


def corrections_of(bureau: Unit) -> Corrections:
    """(duty list id, unit id) → applies, as the bureau corrected the proposed matches."""
    from .models import MappingCorrection

    return {(c.duty_list_id, c.unit_id): c.include
            for c in MappingCorrection.objects.filter(policy__bureau=bureau).only("duty_list_id", "unit_id", "include")}


def list_matches_post(duty_list: DutyList, post: Post, corrections: Corrections | None = None) -> bool:
    """A post gets a duty list when its kind is named and its unit matches—as proposed by meaning, or as the
    bureau corrected it on the mapping screen."""
    if post.kind not in duty_list.post_kinds:
        return False
    unit = judged_unit(duty_list, post)
    if corrections and (duty_list.pk, unit.pk) in corrections:
        return corrections[(duty_list.pk, unit.pk)]
    return unit_matches(duty_list, unit)
