from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anxiao.risks.grading import LS_MAPPING_B, ControlLevel, Level, Thresholds, band, grade_lec, grade_ls

MAPPING_B = Thresholds(ls_red=LS_MAPPING_B[0], ls_orange=LS_MAPPING_B[1], ls_yellow=LS_MAPPING_B[2])


@pytest.mark.parametrize(("l", "e", "c", "score", "level"), [
    ("10", "10", "100", "10000", Level.RED),
    ("6", "6", "15", "540", Level.RED),
    ("3", "6", "15", "270", Level.ORANGE),
    ("10", "1", "7", "70", Level.YELLOW),  # D = 70 is reachable: the left-closed band makes it yellow
    ("3", "3", "7", "63", Level.BLUE),
    ("1", "2", "10", None, None),  # C = 10 is not on the scale
    ("0.1", "0.5", "1", "0.05", Level.BLUE),
])
def test_it_grades_lec_with_half_open_bands(l, e, c, score, level):  # noqa: E741
    # given L, E, C
    if score is None:
        # then a value outside the scale is refused, naming the factor
        with pytest.raises(ValidationError) as exc:
            grade_lec(l, e, c)
        assert "C（可能后果）只能取 100、40、15、7、3、1" in exc.value.message_dict["lec_c"]
        return
    # when graded
    grade = grade_lec(l, e, c)
    # then D and the colour follow design.md
    assert (grade.score, grade.level) == (Decimal(score), level)


@pytest.mark.parametrize(("score", "level"), [(320, Level.RED), (319.99, Level.ORANGE), (160, Level.ORANGE),
                                              (159, Level.YELLOW), (70, Level.YELLOW), (69.9, Level.BLUE),
                                              (20, Level.BLUE), (0, Level.BLUE)])
def test_lec_band_boundaries_are_left_closed(score, level):
    assert band(Decimal(str(score)), 320, 160, 70) == level


@pytest.mark.parametrize(("l", "s", "mapping_a", "mapping_b"), [
    (5, 5, Level.RED, Level.RED), (4, 5, Level.RED, Level.RED), (4, 4, Level.ORANGE, Level.ORANGE),
    (3, 5, Level.ORANGE, Level.ORANGE), (3, 4, Level.YELLOW, Level.ORANGE), (2, 5, Level.YELLOW, Level.ORANGE),
    (3, 3, Level.YELLOW, Level.YELLOW), (2, 4, Level.BLUE, Level.YELLOW), (2, 2, Level.BLUE, Level.YELLOW),
    (1, 3, Level.BLUE, Level.BLUE), (1, 1, Level.BLUE, Level.BLUE),
])
def test_it_grades_ls_with_either_mapping(l, s, mapping_a, mapping_b):  # noqa: E741
    assert grade_ls(l, s).level == mapping_a
    assert grade_ls(l, s, MAPPING_B).level == mapping_b


def test_it_refuses_ls_values_outside_one_to_five():
    with pytest.raises(ValidationError) as exc:
        grade_ls(6, 0)
    assert exc.value.message_dict["ls_l"] == ["L（可能性）只能取 5、4、3、2、1"]
    assert exc.value.message_dict["ls_s"] == ["S（严重性）只能取 5、4、3、2、1"]


def test_it_refuses_missing_and_non_numeric_scores():
    with pytest.raises(ValidationError) as exc:
        grade_lec(None, "abc", "7")
    assert exc.value.message_dict["lec_l"] == ["请填写L（事故发生的可能性）"]
    assert "只能取" in exc.value.message_dict["lec_e"][0]


def test_control_level_follows_colour():
    assert grade_lec("10", "10", "100").control_level == ControlLevel.PRINCIPAL
    assert grade_ls(4, 4).control_level == ControlLevel.DEPUTY
    assert grade_ls(3, 3).control_level == ControlLevel.DEPARTMENT
    assert grade_ls(1, 1).control_level == ControlLevel.POST


def test_bureau_thresholds_move_the_bands():
    # given a bureau that starts red at 270
    strict = Thresholds(lec_red=Decimal(270))
    # then D = 270 is red for it and orange by default
    assert grade_lec("3", "6", "15", strict).level == Level.RED
    assert grade_lec("3", "6", "15").level == Level.ORANGE
