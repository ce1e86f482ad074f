"""s001 五(十二): 每月开展一次不同主题的安全演练 — a month repeating last month's theme is flagged."""

from __future__ import annotations

from anxiao.drills.actions import repeated_themes


def test_it_flags_a_month_whose_drill_repeats_last_month_s_theme() -> None:
    items = [{"month": 3, "kind": "drill", "theme": "fire"}, {"month": 4, "kind": "drill", "theme": "fire"},
             {"month": 5, "kind": "drill", "theme": "earthquake"}, {"month": 7, "kind": "drill", "theme": "earthquake"}]
    assert repeated_themes(items) == ["4月"]


def test_it_does_not_flag_a_month_with_a_new_theme_beside_the_old_one() -> None:
    items = [{"month": 3, "kind": "drill", "theme": "fire"}, {"month": 4, "kind": "drill", "theme": "fire"},
             {"month": 4, "kind": "drill", "theme": "flood"}]
    assert repeated_themes(items) == []
