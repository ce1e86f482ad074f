"""Duty lists of the chiefs and member agencies, read from the s004 policy pack.

Read straight from the pack file so this app does not depend on the policies app's models.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from anxiao.core.choices import PostKind

PACK = Path(__file__).resolve().parent.parent / "policies" / "packs" / "s004.yaml"

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


@lru_cache(maxsize=1)
def _lists() -> dict[str, dict[str, Any]]:
    if not PACK.exists():
        return {}
    data = yaml.safe_load(PACK.read_text(encoding="utf-8")) or {}
    return {item["key"]: item for item in data.get("duty_lists", [])}


def duty_list(key: str) -> dict[str, Any] | None:
    """``{"holder", "to_be_completed", "duties": [{"clause", "topic", "text"}]}`` or None."""
    return _lists().get(key)


def chief_duties(post_kind: str) -> dict[str, Any] | None:
    key = CHIEF_LISTS.get(post_kind)
    return duty_list(key) if key else None
