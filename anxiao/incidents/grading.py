"""Accident level by 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条.

"以上" includes the boundary, "以下" excludes it; any one of the three figures decides.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


# (level, deaths ≥, serious injuries ≥, direct loss ≥ yuan)
THRESHOLDS = [
    (Level.ESPECIALLY_MAJOR, 30, 100, Decimal("100000000")),
    (Level.MAJOR, 10, 50, Decimal("50000000")),
    (Level.LARGER, 3, 10, Decimal("10000000")),
]
SOURCE = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"


def accident_level(deaths: int, serious_injuries: int, direct_loss: Decimal | int | float) -> str:
    loss = Decimal(str(direct_loss or 0))
    for level, d, s, money in THRESHOLDS:
        if deaths >= d or serious_injuries >= s or loss >= money:
            return level
    return Level.GENERAL
