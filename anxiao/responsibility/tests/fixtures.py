"""Records the responsibility tests and the permission matrix share, built on the test world."""

from __future__ import annotations

from typing import Any


def lists(w: Any) -> dict[str, Any]:
    """A current list for the a1 homeroom teacher (school_member's own post) and the a1 principal."""
    if not hasattr(w, "rlists"):
        from anxiao.responsibility.actions import _write_list

        w.rlists = {
            key: _write_list(w.posts[key], [
                {"category": "business", "text": "完成本岗位教育教学工作"},
                {"category": "safety", "text": "负责本班学生安全教育和疏散演练签到", "clause_ref": "四(一)"},
            ], None, "测试", edited=False)
            for key in ("a1_teacher", "a1_principal", "a2_principal")
        }
    return w.rlists


def letters(w: Any) -> dict[str, Any]:
    """2026 letters: bureau A → its principals, a1 → its staff, and a draft school-bus letter of a1."""
    if not hasattr(w, "letters"):
        from anxiao.responsibility.actions import issue_letters

        to_schools = issue_letters(None, w.bureau_a, "bureau_school", 2026)["created"]
        to_staff = issue_letters(None, w.a1, "school_staff", 2026)["created"]
        bus = issue_letters(None, w.a1, "school_bus", 2026, signatory_name="甲县安达校车公司", draft=True)["created"]
        w.letters = {
            "a1_principal": next(x for x in to_schools if x.signatory_post_id == w.posts["a1_principal"].pk),
            "a2_principal": next(x for x in to_schools if x.signatory_post_id == w.posts["a2_principal"].pk),
            "a1_teacher": next(x for x in to_staff if x.signatory_post_id == w.posts["a1_teacher"].pk),
            "a1_bus": bus[0],
        }
    return w.letters


def matter(w: Any) -> Any:
    if not hasattr(w, "matter"):
        from anxiao.responsibility.actions import log_matter

        w.matter = log_matter(None, w.a1, "校门外临时摊点占道", "放学时段影响学生通行，不属于任何岗位职责")
    return w.matter
