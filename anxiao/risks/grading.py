"""Risk grading as pure functions: LEC (D = L × E × C) and the 5 × 5 LS matrix (R = L × S).

Scales from rules.md §2.3 and §2.4; bands and colours from design.md (half-open intervals,
thresholds configurable per bureau); control levels from rules.md §2.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    LEC = "lec", _("LEC 法（D = L × E × C）")
    LS = "ls", _("LS 风险矩阵（R = L × S）")


class Level(models.TextChoices):
    RED = "red", _("重大风险（红）")
    ORANGE = "orange", _("较大风险（橙）")
    YELLOW = "yellow", _("一般风险（黄）")
    BLUE = "blue", _("低风险（蓝）")


class ControlLevel(models.TextChoices):
    PRINCIPAL = "principal", _("校长管控并报教育局")
    DEPUTY = "deputy", _("分管副校长管控")
    DEPARTMENT = "department", _("处室/年级管控")
    POST = "post", _("岗位/班级管控")


COLOUR_NAMES = {Level.RED: "红", Level.ORANGE: "橙", Level.YELLOW: "黄", Level.BLUE: "蓝"}
LEVEL_ORDER = [Level.RED, Level.ORANGE, Level.YELLOW, Level.BLUE]
# rules.md §2.2 [SUG]: red → principal (and reported to the bureau), orange → deputy, yellow → department or
# grade, blue → post or class.
CONTROL_FOR_LEVEL = {Level.RED: ControlLevel.PRINCIPAL, Level.ORANGE: ControlLevel.DEPUTY,
                     Level.YELLOW: ControlLevel.DEPARTMENT, Level.BLUE: ControlLevel.POST}


def _d(text: str) -> Decimal:
    return Decimal(text)


# rules.md §2.3: the discrete LEC scales (value → meaning).
LEC_L = {_d("10"): "完全可以预料", _d("6"): "相当可能", _d("3"): "可能，但不经常", _d("1"): "可能性小，完全意外",
         _d("0.5"): "很不可能，可以设想", _d("0.2"): "极不可能", _d("0.1"): "实际不可能"}
LEC_E = {_d("10"): "连续暴露", _d("6"): "每天工作时间内暴露", _d("3"): "每周一次或偶然暴露", _d("2"): "每月一次暴露",
         _d("1"): "每年几次暴露", _d("0.5"): "非常罕见地暴露"}
LEC_C = {_d("100"): "大灾难，许多人死亡", _d("40"): "灾难，数人死亡", _d("15"): "非常严重，一人死亡",
         _d("7"): "严重，重伤", _d("3"): "重大，致残", _d("1"): "引人注目，需要救护"}
# rules.md §2.4: L and S each 1–5.
LS_L = {5: "无防范措施或经常发生", 4: "措施未有效执行，常发生", 3: "未严格按规程执行，发生过类似事故",
        2: "能及时发现并定期监测，偶尔发生", 1: "措施充分有效，极不可能发生"}
LS_S = {5: "≥1 人死亡、群体伤害或重大舆情", 4: "重伤或致残", 3: "骨折、住院，或多人轻伤、食物中毒", 2: "轻伤需就医",
        1: "轻微伤或无伤害"}

# The two LS mappings of rules.md §2.4 as minimum scores of red/orange/yellow (products 17–19 do not occur).
LS_MAPPING_A = (20, 15, 9)  # 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue (default)
LS_MAPPING_B = (20, 10, 4)  # 20–25 red, 10–16 orange, 4–9 yellow, 1–3 blue


@dataclass(frozen=True)
class Thresholds:
    """Minimum score of each colour; below ``yellow`` is blue. design.md defaults."""

    lec_red: Decimal = Decimal(320)
    lec_orange: Decimal = Decimal(160)
    lec_yellow: Decimal = Decimal(70)
    ls_red: int = LS_MAPPING_A[0]
    ls_orange: int = LS_MAPPING_A[1]
    ls_yellow: int = LS_MAPPING_A[2]


@dataclass(frozen=True)
class Grade:
    score: Decimal
    level: str

    @property
    def control_level(self) -> str:
        return CONTROL_FOR_LEVEL[Level(self.level)]


def _fmt(scale: Any) -> str:
    return "、".join(f"{v.normalize():f}" if isinstance(v, Decimal) else str(v) for v in scale)


def _value(value: Any, scale: dict[Any, str], field: str, label: str, errors: dict[str, list[str]]) -> Any:
    if value is None or value == "":
        errors[field] = [f"请填写{label}"]
        return None
    try:
        number = Decimal(str(value)) if isinstance(next(iter(scale)), Decimal) else int(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or number not in scale:
        errors[field] = [f"{label}只能取 {_fmt(scale)}"]
        return None
    return number


def band(score: Decimal | int, red: Decimal | int, orange: Decimal | int, yellow: Decimal | int) -> str:
    """Half-open bands: [red,∞) red, [orange,red) orange, [yellow,orange) yellow, below that blue."""
    if score >= red:
        return Level.RED
    if score >= orange:
        return Level.ORANGE
    if score >= yellow:
        return Level.YELLOW
    return Level.BLUE


def grade_lec(l: Any, e: Any, c: Any, thresholds: Thresholds = Thresholds()) -> Grade:  # noqa: E741
    errors: dict[str, list[str]] = {}
    lv = _value(l, LEC_L, "lec_l", "L（事故发生的可能性）", errors)
    ev = _value(e, LEC_E, "lec_e", "E（暴露于危险环境的频繁程度）", errors)
    cv = _value(c, LEC_C, "lec_c", "C（可能后果）", errors)
    if errors:
        raise ValidationError(errors)
    score = lv * ev * cv
    return Grade(score, band(score, thresholds.lec_red, thresholds.lec_orange, thresholds.lec_yellow))


def grade_ls(l: Any, s: Any, thresholds: Thresholds = Thresholds()) -> Grade:  # noqa: E741
    errors: dict[str, list[str]] = {}
    lv = _value(l, LS_L, "ls_l", "L（可能性）", errors)
    sv = _value(s, LS_S, "ls_s", "S（严重性）", errors)
    if errors:
        raise ValidationError(errors)
    score = lv * sv
    return Grade(Decimal(score), band(score, thresholds.ls_red, thresholds.ls_orange, thresholds.ls_yellow))


def check_thresholds(t: Thresholds) -> None:
    errors: dict[str, list[str]] = {}
    if not (t.lec_red > t.lec_orange > t.lec_yellow > 0):
        errors["lec_red"] = ["LEC 阈值应满足：红 > 橙 > 黄 > 0"]
    if not (25 >= t.ls_red > t.ls_orange > t.ls_yellow > 1):
        errors["ls_red"] = ["LS 阈值应满足：25 ≥ 红 > 橙 > 黄 > 1"]
    if errors:
        raise ValidationError(errors)
