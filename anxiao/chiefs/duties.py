"""Duty lists of the chiefs and member agencies: the bureau's adopted and edited copy of the s004 pack."""

from __future__ import annotations

from typing import Any

from anxiao.core.choices import PostKind

CHIEF_LISTS: dict[str, str] = {
    PostKind.CHIEF_DISTRICT: "s004.chief.district",
    PostKind.CHIEF_TOWN: "s004.chief.town",
    PostKind.CHIEF_VILLAGE: "s004.chief.village",
}

# (pack key, name in the demo district, short name) in the order of seed 004 二(三).
AGENCIES = [
    ("s004.agency.propaganda", "区委宣传部", "宣传部"),
    ("s004.agency.politics_law", "区委政法委", "政法委"),
    ("s004.agency.education", "区教育局（成员单位）", "教育局"),
    ("s004.agency.police", "公安分局", "公安"),
    ("s004.agency.traffic_police", "交警大队", "交警"),
    ("s004.agency.finance", "区财政局", "财政"),
    ("s004.agency.ecology", "生态环境局", "生态环境"),
    ("s004.agency.construction", "区建设局", "建设"),
    ("s004.agency.transport", "区交通运输局", "交通运输"),
    ("s004.agency.culture_sports_tourism", "区科文体旅局", "科文体旅"),
    ("s004.agency.health", "区卫生健康局", "卫生健康"),
    ("s004.agency.emergency", "区应急局", "应急"),
    ("s004.agency.market_regulation", "区市场监管局", "市场监管"),
    ("s004.agency.fire_rescue", "消防救援大队", "消防"),
    ("s004.agency.towns", "各乡镇", "乡镇"),
    ("s004.agency.villages", "村（社区）", "村社区"),
]


def _adopted(unit: Any) -> Any:
    """The bureau's adopted (confirmed) copy of s004 whose region covers the unit, or None."""
    from anxiao.policies.models import Policy, PolicyStatus

    if unit is None:
        return None
    for policy in (Policy.objects.filter(code="s004", bureau__isnull=False, status=PolicyStatus.ACTIVE,
                                         mapping_confirmed_at__isnull=False).select_related("bureau")
                   .order_by("-bureau__region_path")):
        if policy.bureau and (unit.region_path or "").startswith(policy.bureau.region_path):
            return policy
    return None


def duty_list(key: str, unit: Any = None) -> dict[str, Any] | None:
    """``{"holder", "to_be_completed", "duties": [{"clause", "topic", "text"}]}`` from the adopted, edited copy of
    s004 that covers ``unit`` (the bureau's current duty templates, not the pack file), or None."""
    policy = _adopted(unit)
    if policy is None:
        return None
    dl = policy.duty_lists.filter(key=key).first()
    if dl is None:
        return None
    duties = dl.duties.filter(is_current=True, retired=False).order_by("order")
    return {"holder": dl.holder, "to_be_completed": dl.to_be_completed,
            "duties": [{"clause": d.clause_ref, "topic": d.topic, "text": d.text} for d in duties]}


def chief_duties(post_kind: str, unit: Any = None) -> dict[str, Any] | None:
    key = CHIEF_LISTS.get(post_kind)
    return duty_list(key, unit) if key else None
