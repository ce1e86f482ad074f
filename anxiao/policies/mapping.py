"""The mapping screen's data: who each duty list of an adopted policy is proposed for, and the coverage after.

Read-only; :func:`anxiao.policies.actions.confirm_mapping` stores the bureau's corrections and puts the policy
into effect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from anxiao.core.choices import PostKind, Stage, UnitFunction, UnitKind
from anxiao.org.conditions import CONDITIONS
from anxiao.org.models import Post, Unit

from .models import DutyList, Policy
from .selectors import (
    DEPARTMENT_KINDS,
    OUTSIDE_KINDS,
    Corrections,
    corrections_of,
    current_duties,
    judged_unit,
    list_matches_post,
    unit_matches,
)


def bureau_posts(bureau: Unit) -> list[Post]:
    from anxiao.responsibility.actions import posts_of_bureau

    return list(posts_of_bureau(bureau))


@dataclass
class Candidate:
    unit: Unit
    proposed: bool  # what the meaning says
    applies: bool  # after the bureau's correction
    corrected: bool
    posts: int  # posts of the list's kinds in the unit


@dataclass
class ListMapping:
    duty_list: DutyList
    target: str  # the list's target in words: post kinds, functions, stages, condition
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return sum(c.posts for c in self.candidates if c.applies)

    @property
    def units(self) -> int:
        return sum(1 for c in self.candidates if c.applies)


def describe(duty_list: DutyList) -> str:
    parts = ["、".join(str(PostKind(k).label) for k in duty_list.post_kinds if k in PostKind.values)]
    if duty_list.function_codes:
        parts.append("职能：" + "、".join(str(UnitFunction(f).label) for f in duty_list.function_codes
                                        if f in UnitFunction.values))
    if duty_list.stages:
        parts.append("学段：" + "、".join(str(Stage(s).label) for s in duty_list.stages if s in Stage.values))
    if duty_list.condition:
        parts.append("条件：" + CONDITIONS.get(duty_list.condition, duty_list.condition))
    return "；".join(p for p in parts if p)


def proposal(policy: Policy, posts: list[Post] | None = None) -> list[ListMapping]:
    """Every duty list with each candidate unit: proposed by meaning, corrected or not, and how many posts."""
    bureau = policy.bureau
    assert bureau is not None
    posts = bureau_posts(bureau) if posts is None else posts
    corrections = corrections_of(bureau)
    out = []
    for dl in policy.duty_lists.order_by("order"):
        by_unit: dict[int, int] = defaultdict(int)
        units: dict[int, Unit] = {}
        for p in posts:
            if p.kind not in dl.post_kinds:
                continue
            unit = judged_unit(dl, p)
            if dl.unit_kind in DEPARTMENT_KINDS and unit.kind != dl.unit_kind:
                continue
            if dl.unit_kind in OUTSIDE_KINDS and unit.kind != dl.unit_kind:
                continue
            units[unit.pk] = unit
            by_unit[unit.pk] += 1
        mapping = ListMapping(dl, describe(dl))
        for pk, unit in sorted(units.items(), key=lambda kv: (kv[1].kind, kv[1].path)):
            proposed = unit_matches(dl, unit)
            key = (dl.pk, pk)
            corrected = key in corrections and corrections[key] != proposed
            mapping.candidates.append(Candidate(unit, proposed, corrections.get(key, proposed), corrected, by_unit[pk]))
        out.append(mapping)
    return out


@dataclass
class KindCoverage:
    kind: str
    label: str
    posts: int
    with_list: int
    sources: list[str]
    why_none: str


def coverage(bureau: Unit) -> list[KindCoverage]:
    """Every post kind the bureau has: how many of its posts have a current list and from which documents, or why
    none does (no adopted document addresses the kind; the lists' conditions do not fit; not generated yet)."""
    from anxiao.responsibility.models import ResponsibilityList

    posts = bureau_posts(bureau)
    catalogue = current_duties(bureau)
    corrections: Corrections = corrections_of(bureau)
    listed = dict(ResponsibilityList.objects.filter(post__in=[p.pk for p in posts], is_current=True)
                  .values_list("post_id", "pk"))
    sources: dict[int, set[str]] = defaultdict(set)
    from anxiao.responsibility.models import Duty

    for rl_post, code in Duty.objects.filter(responsibility_list__post_id__in=list(listed),
                                             responsibility_list__is_current=True).values_list(
            "responsibility_list__post_id", "policy_code").distinct():
        if code:
            sources[rl_post].add(code)
    by_kind: dict[str, list[Post]] = defaultdict(list)
    for p in posts:
        by_kind[p.kind].append(p)
    out = []
    for kind in PostKind.values:
        group = by_kind.get(kind)
        if not group:
            continue
        have = [p for p in group if p.pk in listed]
        why = ""
        if len(have) < len(group):
            naming = [dl for dl, _ in catalogue if kind in dl.post_kinds]
            if not naming:
                why = "已生效的制度没有列出该岗位的职责"
            elif not any(list_matches_post(dl, p, corrections) for dl, _ in catalogue for p in group if p.pk not in listed):
                why = "制度清单的条件（学段、职能、校车等）或映射更正不适用于其余岗位"
            else:
                why = "尚未生成（请在责任清单页生成）"
        out.append(KindCoverage(kind, str(PostKind(kind).label), len(group), len(have),
                                sorted({c for p in have for c in sources[p.pk]}), why))
    return out


UNIT_KIND_LABELS = dict(UnitKind.choices)


def unit_kind_label(kind: str) -> Any:
    return UNIT_KIND_LABELS.get(kind, kind)
