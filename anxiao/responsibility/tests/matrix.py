"""The responsibility app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from anxiao.core.testing import READ_ONLY, VISIBLE, Case
from anxiao.policies.tests.matrix import adopted

from .fixtures import letters, lists, matter


@dataclass
class OwnCase(Case):
    """Done by one person with their own account (sign, acknowledge, assign as first responsible person):
    allowed only to ``allowed``; others who see the record get 403, the rest ``hidden_status``."""

    allowed: set[str] = field(default_factory=set)

    def expected(self, role: str | None) -> int:
        if role is None:
            return 401 if self.api else 302
        if role in self.allowed:
            return self.ok
        if role in VISIBLE[self.target]:
            return self.denied_status or 403
        return self.hidden_status


def R(name: str, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"responsibility:{name}", args=args)


def _teacher_list(w):  # type: ignore[no-untyped-def]
    return lists(w)["a1_teacher"].pk


def _a1_letter(w):  # type: ignore[no-untyped-def]
    return letters(w)["a1_principal"].pk


def _staff_letter(w):  # type: ignore[no-untyped-def]
    return letters(w)["a1_teacher"].pk


CASES = [
    Case("responsibility:my_duties", lambda w: (lists(w), R("my_duties"))[1]),
    Case("responsibility:list_index", lambda w: (lists(w), R("list_index"))[1],
         markers={"a1": lambda w: f"/lists/{lists(w)['a1_teacher'].pk}/",
                  "a2": lambda w: f"/lists/{lists(w)['a2_principal'].pk}/"}),
    Case("responsibility:generate", lambda w: R("generate"), kind="write"),
    Case("responsibility:list_detail", lambda w: R("list_detail", _teacher_list(w)), target="a1"),
    Case("responsibility:list_edit", lambda w: R("list_edit", _teacher_list(w)), target="a1", kind="write"),
    OwnCase("responsibility:list_acknowledge", lambda w: R("list_acknowledge", _teacher_list(w)), target="a1",
            method="post", ok=302, allowed={"school_member"}),
    Case("responsibility:letter_export", lambda w: (letters(w), R("letter_export"))[1]),
    Case("responsibility:letter_list", lambda w: (letters(w), R("letter_list"))[1],
         markers={"a1": lambda w: f"/letters/{_a1_letter(w)}/",
                  "a2": lambda w: f"/letters/{letters(w)['a2_principal'].pk}/"}),
    Case("responsibility:letter_issue", lambda w: R("letter_issue"), kind="write"),
    Case("responsibility:letter_zip", lambda w: (letters(w), R("letter_zip") + "?format=docx")[1]),
    Case("responsibility:letter_detail", lambda w: R("letter_detail", _a1_letter(w)), target="a1"),
    OwnCase("responsibility:letter_sign", lambda w: R("letter_sign", _staff_letter(w)), target="a1", method="post",
            ok=302, allowed={"school_member"}),
    Case("responsibility:letter_edit", lambda w: R("letter_edit", _staff_letter(w)), target="a1", kind="write"),
    Case("responsibility:letter_docx", lambda w: R("letter_docx", _a1_letter(w)), target="a1"),
    Case("responsibility:letter_pdf", lambda w: R("letter_pdf", _a1_letter(w)), target="a1"),
    Case("responsibility:coverage_index", lambda w: R("coverage_index"), ok=200),
    Case("responsibility:coverage", lambda w: R("coverage", w.a1.pk), target="a1"),
    Case("responsibility:matter_list", lambda w: (matter(w), R("matter_list"))[1],
         markers={"a1": lambda w: matter(w).title}),
    Case("responsibility:matter_create", lambda w: R("matter_create")),
    OwnCase("responsibility:matter_assign", lambda w: R("matter_assign", matter(w).pk), target="a1",
            allowed={"school_admin"}),
    # API
    Case("api:responsibility_lists_list", lambda w: (lists(w), "/api/v1/responsibility-lists")[1], api=True),
    Case("api:responsibility_lists_get", lambda w: f"/api/v1/responsibility-lists/{_teacher_list(w)}", target="a1",
         api=True),
    Case("api:responsibility_lists_update", lambda w: f"/api/v1/responsibility-lists/{_teacher_list(w)}",
         target="a1", kind="write", method="patch", api=True,
         data=lambda w: {"business": ["教学"], "safety": ["本班安全教育"], "note": "测试修订"}),
    Case("api:responsibility_lists_generate",
         lambda w: (adopted(w), "/api/v1/responsibility-lists/generate")[1], target="bureau_a",
         kind="write", method="post", api=True, data=lambda w: {"bureau_id": w.bureau_a.pk}, hidden_status=422,
         write_scope_first=True),
    OwnCase("api:responsibility_lists_acknowledge",
            lambda w: f"/api/v1/responsibility-lists/{_teacher_list(w)}/acknowledgement", target="a1",
            method="post", api=True, ok=201, allowed={"school_member"}),
    Case("api:my_duties", lambda w: (lists(w), "/api/v1/my-duties")[1], api=True),
    Case("api:letters_list", lambda w: (letters(w), "/api/v1/letters")[1], api=True,
         markers={"a1": lambda w: "新华中学", "a2": lambda w: "甲镇幼儿园"}),
    Case("api:letters_get", lambda w: f"/api/v1/letters/{_a1_letter(w)}", target="a1", api=True),
    Case("api:letters_issue", lambda w: "/api/v1/letters/issue", target="bureau_a", kind="write", method="post",
         api=True, data=lambda w: {"issuer_id": w.bureau_a.pk, "kind": "bureau_school", "year": 2027}, ok=201,
         hidden_status=422, write_scope_first=True),
    Case("api:letters_update", lambda w: f"/api/v1/letters/{letters(w)['a1_bus'].pk}", target="a1", kind="write",
         method="patch", api=True, data=lambda w: {"title": "校车安全管理责任书（修订）"}),
    Case("api:letters_revise", lambda w: f"/api/v1/letters/{_staff_letter(w)}/versions", target="a1", kind="write",
         method="post", api=True, data=lambda w: {"terms": "新的责任追究条款"}, ok=201),
    OwnCase("api:letters_sign", lambda w: f"/api/v1/letters/{_staff_letter(w)}/signature", target="a1",
            method="post", api=True, ok=201, allowed={"school_member"}),
    Case("api:matters_list", lambda w: (matter(w), "/api/v1/unassigned-matters")[1], api=True,
         markers={"a1": lambda w: matter(w).title}),
    OwnCase("api:matters_create", lambda w: "/api/v1/unassigned-matters", target="a1", method="post", api=True,
            data=lambda w: {"unit_id": w.a1.pk, "title": "操场边废弃器材无人管理"}, ok=201,
            allowed=set(VISIBLE["a1"]) - READ_ONLY, hidden_status=422),  # a read-only account logs nothing
    OwnCase("api:matters_assign", lambda w: f"/api/v1/unassigned-matters/{matter(w).pk}/assign", target="a1",
            method="post", api=True, data=lambda w: {"owner_id": w.people["a1_officer"].pk},
            allowed={"school_admin"}),
    Case("api:coverage_get", lambda w: f"/api/v1/coverage/{w.a1.pk}", target="a1", api=True),
]
