from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from anxiao.staffing import rules
from anxiao.staffing.rules import GuardStandard, Rounding


@pytest.mark.parametrize(("students", "members", "department"), [
    (0, 2, False), (999, 2, False), (1000, 3, True), (1001, 3, True), (3000, 3, True),
])
def test_it_sizes_the_safety_office_by_enrolment(students, members, department):
    # given a school's enrolment
    # when the rule is computed
    req = rules.safety_office_required(students)
    # then exactly 1000 falls in the stricter band
    assert (req.members, req.department) == (members, department)
    assert "S002" in req.source and "S001" in req.department_source


@pytest.mark.parametrize(("headcount", "up", "down"), [
    (0, 2, 2), (499, 2, 2), (500, 4, 4), (999, 4, 4), (1000, 4, 4), (1001, 6, 4), (1500, 6, 6), (1501, 8, 6),
    (2000, 8, 8), (2001, 10, 8),
])
def test_it_counts_guards_by_seed_002_with_either_rounding(headcount, up, down):
    # given students + staff adding up to the head count
    students, staff = headcount - headcount // 10, headcount // 10
    # when guards are computed
    # then part blocks of 500 count only when rounding up
    assert rules.guards_required_s002(students, staff).count == up
    assert rules.guards_required_s002(students, staff, rounding=Rounding.DOWN).count == down


def test_it_counts_students_and_staff_together():
    # given 450 students and 50 staff
    # then the head count is 500 and the band is 4
    req = rules.guards_required_s002(450, 50)
    assert (req.counted, req.count) == (500, 4)


@pytest.mark.parametrize(("boarders", "up", "down"), [(0, 0, 0), (1, 2, 0), (299, 2, 0), (300, 2, 2), (301, 4, 2),
                                                      (600, 4, 4), (601, 6, 4)])
def test_it_adds_guards_for_boarders(boarders, up, down):
    # given a boarding school of 400 (base 2 guards)
    # when boarders are added
    # then 2 guards per 300 boarders or part of 300
    assert rules.guards_required_s002(700, 0, boarders).extra_for_boarders == up
    assert rules.guards_required_s002(700, 0, boarders, Rounding.DOWN).extra_for_boarders == down
    assert rules.guards_required_s002(700, 0, boarders).count == 4 + up


@pytest.mark.parametrize(("day_students", "up", "down", "pending"), [
    (0, 1, 1, False), (99, 1, 1, False), (100, 2, 2, True), (999, 2, 2, True), (1000, 3, 3, False),
    (1001, 4, 3, False), (1500, 4, 4, False), (1501, 5, 4, False),
])
def test_it_counts_guards_by_gbt_29315_on_non_boarding_students(day_students, up, down, pending):
    # given non-boarding students (and 200 boarders who do not count)
    # when guards are computed by the national standard
    req = rules.guards_required(day_students + 200, 80, 200, GuardStandard.GBT29315)
    # then the bands follow GB/T 29315-2022, with 100–999 marked 待核
    assert (req.count, req.pending, req.counted) == (up, pending, day_students)
    assert rules.guards_required(day_students + 200, 80, 200, GuardStandard.GBT29315, Rounding.DOWN).count == down
    assert "GB/T 29315-2022" in req.source


def test_it_computes_age_in_full_years_on_a_given_day():
    # given a guard born 1971-03-15
    born = datetime.date(1971, 3, 15)
    # then they turn 55 on 2026-03-15 and are still allowed that day, but not after turning 56
    assert rules.age_on(born, datetime.date(2026, 3, 14)) == 54
    assert rules.age_on(born, datetime.date(2026, 3, 15)) == 55
    assert rules.guard_age_ok(born, datetime.date(2027, 3, 14))
    assert not rules.guard_age_ok(born, datetime.date(2027, 3, 15))


def test_it_handles_a_birthday_on_29_february():
    born = datetime.date(1972, 2, 29)
    assert rules.age_on(born, datetime.date(2027, 2, 28)) == 54
    assert rules.age_on(born, datetime.date(2027, 3, 1)) == 55


def test_it_refuses_a_guard_born_in_the_future():
    with pytest.raises(ValidationError) as exc:
        rules.check_birth_date(datetime.date(2030, 1, 1), datetime.date(2026, 11, 22))
    assert "出生日期" in exc.value.message_dict["birth_date"][0]


def test_it_lists_missing_equipment_items():
    assert rules.missing_equipment(rules.EQUIPMENT_CODES) == []
    assert rules.missing_equipment(["helmet", "fork"]) == ["baton", "pepper_spray", "shield", "cut_gloves", "stab_vest"]
    assert len(rules.missing_equipment(None)) == 7


def test_it_checks_source_and_training():
    assert rules.guard_source_ok(True) and not rules.guard_source_ok(False)
    assert not rules.training_ok(2) and rules.training_ok(3)


def test_it_refuses_negative_counts_naming_the_field():
    # when a count is negative
    with pytest.raises(ValidationError) as exc:
        rules.staffing_rules(students=-1, staff=10, boarders=0, stage="primary")
    # then the message names the field in Chinese
    assert exc.value.message_dict["students"] == ["学生人数不能为负数"]


def test_it_refuses_more_boarders_than_students_and_unknown_stage():
    with pytest.raises(ValidationError) as exc:
        rules.staffing_rules(students=100, staff=10, boarders=200, stage="primary")
    assert "寄宿生" in exc.value.message_dict["boarders"][0]
    with pytest.raises(ValidationError) as exc:
        rules.staffing_rules(students=100, staff=10, stage="college")
    assert "学段" in exc.value.message_dict["stage"][0]


def test_it_returns_every_rule_with_its_source():
    # given a boarding junior school
    result = rules.staffing_rules(students=1200, staff=100, boarders=301, stage="junior")
    by_code = {r["code"]: r for r in result["rules"]}
    # then the seed 002 count is 6 + 4 for boarders, and the national figure is shown for comparison
    assert by_code["guards"]["required"] == 10
    assert by_code["guards_alternative"]["required"] == 2
    assert by_code["safety_office"]["required"] == 3 and by_code["safety_department"]["required"] is True
    assert all(r["source"] for r in result["rules"])
