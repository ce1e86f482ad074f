"""Staffing and security rules as pure functions, each naming its source.

Nothing here touches the database: the compliance checks, the API (``GET /api/v1/rules/staffing``)
and the CLI (``anxiao rules staffing``) all call :func:`staffing_rules` / the functions below.
Sources: seed 002 四(二)(五) and 四(三); seed 001 七(二); GB/T 29315-2022 (rules.md §3.2); design.md.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from anxiao.core.choices import Stage


class GuardStandard:
    S002 = "s002"
    GBT29315 = "gbt29315"
    CHOICES = [(S002, "县教体局 002 号文（按师生员工总数，寄宿生另加）"), (GBT29315, "GB/T 29315-2022（按非寄宿学生数）")]


class Rounding:
    UP = "up"
    DOWN = "down"
    CHOICES = [(UP, "不足部分按一档计（从严，默认）"), (DOWN, "不足部分不计")]


SRC_OFFICE = "S002 四(二)：1000人以下学校不少于2人（主任1人、工作人员1人），1000人以上不少于3人"
SRC_DEPARTMENT = "S001 七(二)：千人以上学校必须成立安全科"
SRC_GUARDS_S002 = "S002 四(五)：师生员工少于500人至少2名，500–1000人至少4名，超过1000人每增加500人增配2名；寄宿生每300名增配2名"
SRC_GUARDS_GBT = "GB/T 29315-2022：非寄宿学生100人以下至少1名，1000人及以上至少3名、每增加500人增配1名（100–999人按2名，待核）"
SRC_GUARD_AGE = "S002 四(五)：保安员年龄不得超过55周岁"
SRC_GUARD_SOURCE = "S002 四(五)：由保安公司选派，不得聘用社会人员"
SRC_GUARD_EQUIPMENT = "S002 四(五)：每人一套：头盔、钢叉、橡皮棍、辣椒水、防护盾牌、防割手套、防刺背心"
SRC_GUARD_TRAINING = "S002 四(五)：每学期进行不少于3天的脱产岗位技能培训"
SRC_FACILITIES = "GB/T 29315-2022；公安部、教育部安全防范建设三年行动计划；S002 四(五)"

GUARD_MAX_AGE = 55
GUARD_TRAINING_DAYS = 3
# The department threshold: "以上/以下" include the boundary in Chinese law, so exactly 1000 is in
# both of S002's bands; design.md resolves it to the stricter one.
LARGE_SCHOOL = 1000

EQUIPMENT = [
    ("helmet", "头盔"), ("fork", "钢叉"), ("baton", "橡皮棍"), ("pepper_spray", "辣椒水"),
    ("shield", "防护盾牌"), ("cut_gloves", "防割手套"), ("stab_vest", "防刺背心"),
]
EQUIPMENT_CODES = [code for code, _label in EQUIPMENT]
EQUIPMENT_LABELS = dict(EQUIPMENT)


@dataclass(frozen=True)
class OfficeRequirement:
    members: int
    department: bool
    source: str = SRC_OFFICE
    department_source: str = SRC_DEPARTMENT


@dataclass(frozen=True)
class GuardRequirement:
    count: int
    standard: str
    base: int
    extra_for_headcount: int
    extra_for_boarders: int
    counted: int  # the head count the standard counts (students + staff, or non-boarding students)
    pending: bool = False  # a band the published sources do not confirm (待核)
    source: str = SRC_GUARDS_S002


def _blocks(amount: int, size: int, rounding: str) -> int:
    """How many blocks of ``size`` in ``amount``: a part block counts when rounding up."""
    if amount <= 0:
        return 0
    return -(-amount // size) if rounding == Rounding.UP else amount // size


def check_counts(**counts: int | None) -> None:
    """Refuse negative counts, naming the field."""
    labels = {"students": "学生人数", "staff": "教职工人数", "boarders": "寄宿生人数", "buildings": "校舍栋数",
              "safety_office_size": "安全办人数", "training_days": "培训天数", "video_retention_days": "视频存储天数"}
    errors: dict[str, list[str]] = {}
    for name, value in counts.items():
        if value is not None and value < 0:
            errors[name] = [f"{labels.get(name, name)}不能为负数"]
    if not errors and (counts.get("boarders") or 0) > (counts.get("students") or 0):
        errors["boarders"] = ["寄宿生人数不能超过学生人数"]
    if errors:
        raise ValidationError(errors)


def safety_office_required(students: int) -> OfficeRequirement:
    """S002 四(二) and S001 七(二): office size and a 安全科 by enrolment (1000 → the stricter band)."""
    large = students >= LARGE_SCHOOL
    return OfficeRequirement(members=3 if large else 2, department=large)


def guards_required_s002(students: int, staff: int, boarders: int = 0, rounding: str = Rounding.UP) -> GuardRequirement:
    """S002 四(五): guards per campus from students + staff, plus boarders."""
    headcount = students + staff
    base = 2 if headcount < 500 else 4
    extra = 2 * _blocks(headcount - 1000, 500, rounding)
    extra_boarders = 2 * _blocks(boarders, 300, rounding)
    return GuardRequirement(count=base + extra + extra_boarders, standard=GuardStandard.S002, base=base,
                            extra_for_headcount=extra, extra_for_boarders=extra_boarders, counted=headcount)


def guards_required_gbt(students: int, boarders: int = 0, rounding: str = Rounding.UP) -> GuardRequirement:
    """GB/T 29315-2022 as reported: by non-boarding students; the 100–999 band is not published (待核)."""
    day_students = students - boarders
    if day_students < 100:
        base, extra, pending = 1, 0, False
    elif day_students < 1000:
        base, extra, pending = 2, 0, True
    else:
        base, extra, pending = 3, _blocks(day_students - 1000, 500, rounding), False
    return GuardRequirement(count=base + extra, standard=GuardStandard.GBT29315, base=base, extra_for_headcount=extra,
                            extra_for_boarders=0, counted=day_students, pending=pending, source=SRC_GUARDS_GBT)


def guards_required(students: int, staff: int, boarders: int = 0, standard: str = GuardStandard.S002,
                    rounding: str = Rounding.UP) -> GuardRequirement:
    if standard == GuardStandard.GBT29315:
        return guards_required_gbt(students, boarders, rounding)
    return guards_required_s002(students, staff, boarders, rounding)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Full years (周岁) on ``day``; the birthday itself completes the year."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_birth_date(birth_date: datetime.date | None, today: datetime.date) -> None:
    if birth_date is not None and birth_date > today:
        raise ValidationError({"birth_date": ["出生日期不能晚于今天"]})


def guard_age_ok(birth_date: datetime.date, day: datetime.date) -> bool:
    """S002 四(五): not over 55 周岁 — a guard is still compliant on the day they turn 55."""
    return age_on(birth_date, day) <= GUARD_MAX_AGE


def guard_source_ok(from_security_company: bool) -> bool:
    """S002 四(五): from a security company, never a "social" hire."""
    return from_security_company


def missing_equipment(items: list[str] | tuple[str, ...] | None) -> list[str]:
    """S002 四(五): the codes of the seven items a guard does not have."""
    have = set(items or ())
    return [code for code in EQUIPMENT_CODES if code not in have]


def training_ok(days_this_term: int) -> bool:
    """S002 四(五): at least 3 days of off-duty training per term."""
    return days_this_term >= GUARD_TRAINING_DAYS


@dataclass(frozen=True)
class RuleLine:
    code: str
    title: str
    required: Any
    source: str
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def staffing_rules(students: int, staff: int, boarders: int = 0, stage: str = "",
                   standard: str = GuardStandard.S002, rounding: str = Rounding.UP) -> dict[str, Any]:
    """Every staffing rule computed for one campus: the one function behind the API and the CLI."""
    check_counts(students=students, staff=staff, boarders=boarders)
    errors: dict[str, list[str]] = {}
    if stage and stage not in Stage.values:
        errors["stage"] = [f"学段“{stage}”无效，可选：{'、'.join(Stage.values)}"]
    if standard not in (GuardStandard.S002, GuardStandard.GBT29315):
        errors["standard"] = ["保安配备标准只能是 s002 或 gbt29315"]
    if rounding not in (Rounding.UP, Rounding.DOWN):
        errors["rounding"] = ["取整方式只能是 up 或 down"]
    if errors:
        raise ValidationError(errors)
    office = safety_office_required(students)
    chosen = guards_required(students, staff, boarders, standard, rounding)
    other = guards_required(students, staff, boarders,
                            GuardStandard.GBT29315 if standard == GuardStandard.S002 else GuardStandard.S002, rounding)
    lines = [
        RuleLine("safety_office", "安全办公室人数（含主任）", office.members, office.source),
        RuleLine("safety_department", "设立安全科", office.department, office.department_source,
                 note="恰好1000人按从严一档处理" if students == LARGE_SCHOOL else ""),
        RuleLine("guards", "保安员人数（本校区）", chosen.count, chosen.source, note="待核" if chosen.pending else "",
                 details=asdict(chosen)),
        RuleLine("guards_alternative", "保安员人数（对照标准）", other.count, other.source,
                 note="仅供对照" + ("，待核" if other.pending else ""), details=asdict(other)),
        RuleLine("guard_age", "保安员最高年龄（周岁）", GUARD_MAX_AGE, SRC_GUARD_AGE),
        RuleLine("guard_source", "保安员由保安公司选派", True, SRC_GUARD_SOURCE),
        RuleLine("guard_equipment", "每名保安员装备一套", [label for _c, label in EQUIPMENT], SRC_GUARD_EQUIPMENT),
        RuleLine("guard_training", "保安员每学期脱产培训天数", GUARD_TRAINING_DAYS, SRC_GUARD_TRAINING),
    ]
    return {
        "input": {"students": students, "staff": staff, "boarders": boarders, "stage": stage,
                  "standard": standard, "rounding": rounding},
        "rules": [asdict(line) for line in lines],
    }
