"""Policy operations: loading built-in packs, adoption by a bureau, versioned edits of clauses and duties."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anxiao.core.choices import UnitKind
from anxiao.org.actions import require_unit
from anxiao.org.models import Unit

from .loader import read_pack
from .models import (
    Clause,
    DutyList,
    DutyTemplate,
    MappingCorrection,
    ObligationTemplate,
    Policy,
    PolicyStatus,
)

BUILTIN_READ_ONLY = "内置规则包原件不能修改，请先由教育局采用后再修改其副本"


def _write(policy: Policy, pack: dict[str, Any]) -> Policy:
    Clause.objects.bulk_create(
        Clause(policy=policy, ref=c["ref"], heading=c["heading"], summary=c["summary"], order=i)
        for i, c in enumerate(pack["clauses"])
    )
    for i, dl in enumerate(pack["duty_lists"]):
        duty_list = DutyList.objects.create(
            policy=policy, key=dl["key"], holder=dl["holder"], unit_kind=dl["unit_kind"],
            post_kinds=dl["post_kinds"], department=dl["department"], functions=dl["functions"], stages=dl["stages"],
            to_be_completed=dl["to_be_completed"], condition=dl["condition"], order=i,
        )
        DutyTemplate.objects.bulk_create(
            DutyTemplate(duty_list=duty_list, clause_ref=d["clause_ref"], category=d["category"], topic=d["topic"],
                         text=d["text"], order=j)
            for j, d in enumerate(dl["duties"])
        )
    ObligationTemplate.objects.bulk_create(
        ObligationTemplate(policy=policy, order=i, **o)
        for i, o in enumerate(pack["obligations"])
    )
    return policy


def load_builtin(code_or_path: str | Path) -> tuple[Policy, bool]:
    """Load a pack file as the read-only original; an already loaded original is returned as it is."""
    pack = read_pack(code_or_path)
    existing = Policy.objects.filter(bureau__isnull=True, code=pack["code"]).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        policy = Policy.objects.create(
            code=pack["code"], title=pack["title"], issuer=pack["issuer"], doc_number=pack["doc_number"],
            date=pack["date"], source=pack["source"], notes=pack["notes"],
        )
        return _write(policy, pack), True


def adopt(actor: Any, bureau: Unit, code: str, *, confirm: bool = False, schools: list[Unit] | None = None) -> Policy:
    """Give the bureau its own copy of a built-in pack, for its scope.

    The copy does nothing yet: the bureau checks on the mapping screen who each list is for and confirms
    (:func:`confirm_mapping`). ``confirm`` takes the proposed mapping as it is (CLI ``--confirm``, scripts);
    the caller then generates the lists.

    A school's own plan (``own_plan: true``, seed 003) is adopted by a school for itself (``bureau`` is then the
    school) or by a bureau for the ``schools`` it chooses, and never reaches any other unit.
    """
    pack = read_pack(code)
    if pack["own_plan"]:
        return _adopt_own_plan(actor, bureau, code, pack, schools or [], confirm)
    if bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": [f"“{bureau.name}”不是教育局，只有教育局可以采用规则包"]})
    require_unit(actor, bureau, "bureau")
    if Policy.objects.filter(bureau=bureau, code=pack["code"]).exists():
        raise ValidationError({"code": [f"{bureau.name}已采用规则包“{pack['code']}”"]})
    with transaction.atomic():
        original, _created = load_builtin(code)
        policy = Policy.objects.create(
            code=pack["code"], bureau=bureau, origin=original, title=pack["title"], issuer=pack["issuer"],
            doc_number=pack["doc_number"], date=pack["date"], source=pack["source"], notes=pack["notes"],
            adopted_at=timezone.now(), adopted_by=actor if getattr(actor, "pk", None) else None,
        )
        _write(policy, pack)
        if confirm:
            confirm_mapping(actor, policy, generate=False)
        return policy


def _adopt_own_plan(actor: Any, unit: Unit, code: str, pack: dict[str, Any], schools: list[Unit],
                    confirm: bool) -> Policy:
    if unit.kind == UnitKind.SCHOOL:
        require_unit(actor, unit, "bureau")
        if unit.supervising_unit_id is None:
            raise ValidationError({"bureau": [f"“{unit.name}”没有主管教育局，无法采用"]})
        bureau, schools, by_school = unit.supervising_unit, [unit], True
    elif unit.kind == UnitKind.BUREAU:
        require_unit(actor, unit, "bureau")
        bureau, by_school = unit, False
        if not schools:
            raise ValidationError({"schools": [f"“{pack['title']}”是学校自身的方案，只适用于选定的学校，请选择学校"]})
        stray = [s.name for s in schools if s.kind != UnitKind.SCHOOL or s.supervising_unit_id != bureau.pk]
        if stray:
            raise ValidationError({"schools": [f"“{'、'.join(stray)}”不是{bureau.name}所属的学校"]})
    else:
        raise ValidationError({"bureau": [f"“{unit.name}”不是学校或教育局，不能采用学校方案"]})
    assert bureau is not None
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(bureau=bureau, code=pack["code"]).first()
        if policy is None:
            original, _created = load_builtin(code)
            policy = Policy.objects.create(
                code=pack["code"], bureau=bureau, origin=original, title=pack["title"], issuer=pack["issuer"],
                doc_number=pack["doc_number"], date=pack["date"], source=pack["source"], notes=pack["notes"],
                adopted_at=timezone.now(), adopted_by=_user(actor), own_plan=True,
                for_units=sorted({s.pk for s in schools}),
            )
            _write(policy, pack)
        else:
            added = sorted(set(policy.for_units) | {s.pk for s in schools})
            if added == sorted(policy.for_units):
                raise ValidationError({"code": [f"{'、'.join(s.name for s in schools)}已采用“{pack['title']}”"]})
            Policy.objects.filter(pk=policy.pk).update(for_units=added)
            policy.for_units = added
        if by_school or confirm or policy.mapping_confirmed_at is not None:
            # The school's own plan needs no mapping beyond itself; rights were checked above.
            _confirm(None, policy, None, generate=by_school and not confirm)
        return policy


def confirm_mapping(actor: Any, policy: Policy, applies: dict[tuple[int, int], bool] | None = None, *,
                    generate: bool = True) -> Policy:
    """Store the bureau's corrections of the proposed matches and put the policy into effect.

    ``applies`` maps (duty list id, unit id) to whether the list applies to that unit; a pair equal to the
    meaning-based proposal needs no correction (an earlier correction of it is withdrawn). On confirmation the
    pack's obligation rules are loaded and, with ``generate``, every post's list is (re)generated.
    """
    _require_editable(actor, policy)
    return _confirm(actor, policy, applies, generate=generate)


def _confirm(actor: Any, policy: Policy, applies: dict[tuple[int, int], bool] | None, *, generate: bool) -> Policy:
    from .mapping import proposal

    bureau = policy.bureau
    assert bureau is not None
    mappings = proposal(policy)
    known = {(m.duty_list.pk, c.unit.pk): c for m in mappings for c in m.candidates}
    for key in applies or {}:
        if key not in known:
            raise ValidationError({"mapping": [f"清单 {key[0]} 与单位 {key[1]} 不在本制度的映射范围内"]})
    with transaction.atomic():
        for key, value in (applies or {}).items():
            candidate = known[key]
            if value == candidate.proposed:
                MappingCorrection.objects.filter(duty_list_id=key[0], unit_id=key[1]).delete()
            else:
                MappingCorrection.objects.update_or_create(
                    duty_list_id=key[0], unit_id=key[1], defaults={"policy": policy, "include": value})
        first = policy.mapping_confirmed_at is None
        Policy.objects.filter(pk=policy.pk).update(mapping_confirmed_at=timezone.now(),
                                                   mapping_confirmed_by=_user(actor))
        policy.refresh_from_db()
        if first or policy.own_plan:
            from anxiao.obligations.packs import available_packs

            if policy.obligation_templates.exists() and policy.code in available_packs():
                # The pack's quotas become the bureau's obligation rules; a rule asking the same as one already
                # there (usually the national one) switches that one off instead of asking twice. A school's own
                # plan asks its schools only.
                from anxiao.obligations.actions import load_rules

                load_rules(actor, bureau, [policy.code], units=policy.for_units if policy.own_plan else None)
        if generate:
            from anxiao.responsibility.actions import generate_lists

            generate_lists(actor, bureau)
    return policy


def _require_editable(actor: Any, policy: Policy) -> None:
    if policy.is_builtin:
        raise PermissionDenied(BUILTIN_READ_ONLY)
    require_unit(actor, policy.bureau, "bureau")
    if policy.status != PolicyStatus.ACTIVE:
        raise ValidationError({"status": ["该制度已停用，不能修改"]})


def _bump(policy: Policy) -> int:
    Policy.objects.filter(pk=policy.pk).update(version=F("version") + 1)
    policy.version = Policy.objects.filter(pk=policy.pk).values_list("version", flat=True).get()
    return policy.version


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require_current(row: Any, what: str) -> None:
    if not row.is_current:
        raise ValidationError({"version": [f"这是{what}的旧版本，只能修改当前版本"]})


def _new_version(actor: Any, row: Any, policy: Policy, changes: dict[str, Any], retire: bool = False) -> Any:
    with transaction.atomic():
        version = _bump(policy)
        type(row).objects.filter(pk=row.pk).update(is_current=False)
        old_pk = row.pk
        row = copy.copy(row)
        row.pk = None
        row.id = None
        row._state.adding = True
        for key, value in changes.items():
            setattr(row, key, value)
        row.version += 1
        row.is_current = True
        row.retired = retire or row.retired
        row.replaces_id = old_pk
        row.policy_version = version
        row.changed_by = _user(actor)
        row.save()
    return row


DUTY_FIELDS = ("clause_ref", "category", "topic", "text")


def edit_duty(actor: Any, duty: DutyTemplate, **data: Any) -> DutyTemplate:
    """Change a duty template: writes a new version, keeps the old one."""
    policy = duty.duty_list.policy
    _require_editable(actor, policy)
    _require_current(duty, "职责")
    if duty.retired:
        raise ValidationError({"retired": ["该职责已废止，不能修改"]})
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in DUTY_FIELDS}
    _check_duty(policy, changes)
    if all(getattr(duty, k) == v for k, v in changes.items()):
        return duty
    return _new_version(actor, duty, policy, changes)


def _check_duty(policy: Policy, data: dict[str, Any]) -> None:
    from .models import DutyCategory

    if "text" in data and not data["text"]:
        raise ValidationError({"text": ["职责内容不能为空"]})
    if "category" in data and data["category"] not in DutyCategory.values:
        raise ValidationError({"category": ["类别应为业务职责或安全职责"]})
    ref = data.get("clause_ref")
    if ref and not policy.clauses.filter(ref=ref, is_current=True, retired=False).exists():
        raise ValidationError({"clause_ref": [f"条款“{ref}”不存在或已废止"]})


def add_duty(actor: Any, duty_list: DutyList, clause_ref: str, text: str, category: str = "safety",
             topic: str = "") -> DutyTemplate:
    policy = duty_list.policy
    _require_editable(actor, policy)
    data = {"clause_ref": (clause_ref or "").strip(), "text": (text or "").strip(), "category": category,
            "topic": (topic or "").strip()}
    if not data["clause_ref"]:
        raise ValidationError({"clause_ref": ["请填写条款号"]})
    _check_duty(policy, data)
    with transaction.atomic():
        version = _bump(policy)
        last = duty_list.duties.order_by("-order").values_list("order", flat=True).first()
        return DutyTemplate.objects.create(duty_list=duty_list, order=(last or 0) + 1, policy_version=version,
                                           changed_by=_user(actor), **data)


def retire_duty(actor: Any, duty: DutyTemplate) -> DutyTemplate:
    policy = duty.duty_list.policy
    _require_editable(actor, policy)
    _require_current(duty, "职责")
    if duty.retired:
        raise ValidationError({"retired": ["该职责已废止"]})
    return _new_version(actor, duty, policy, {}, retire=True)


CLAUSE_FIELDS = ("heading", "summary")


def edit_clause(actor: Any, clause: Clause, **data: Any) -> Clause:
    _require_editable(actor, clause.policy)
    _require_current(clause, "条款")
    if clause.retired:
        raise ValidationError({"retired": ["该条款已废止，不能修改"]})
    changes = {k: (v or "").strip() for k, v in data.items() if k in CLAUSE_FIELDS}
    if "heading" in changes and not changes["heading"]:
        raise ValidationError({"heading": ["条款标题不能为空"]})
    if all(getattr(clause, k) == v for k, v in changes.items()):
        return clause
    return _new_version(actor, clause, clause.policy, changes)


def add_clause(actor: Any, policy: Policy, ref: str, heading: str, summary: str = "") -> Clause:
    _require_editable(actor, policy)
    ref, heading = (ref or "").strip(), (heading or "").strip()
    if not ref:
        raise ValidationError({"ref": ["请填写条款号"]})
    if not heading:
        raise ValidationError({"heading": ["条款标题不能为空"]})
    if policy.clauses.filter(ref=ref, is_current=True).exists():
        raise ValidationError({"ref": [f"条款“{ref}”已存在"]})
    with transaction.atomic():
        version = _bump(policy)
        last = policy.clauses.order_by("-order").values_list("order", flat=True).first()
        return Clause.objects.create(policy=policy, ref=ref, heading=heading, summary=(summary or "").strip(),
                                     order=(last or 0) + 1, policy_version=version, changed_by=_user(actor))


def retire_clause(actor: Any, clause: Clause) -> Clause:
    _require_editable(actor, clause.policy)
    _require_current(clause, "条款")
    if clause.retired:
        raise ValidationError({"retired": ["该条款已废止"]})
    in_use = DutyTemplate.objects.filter(duty_list__policy=clause.policy, clause_ref=clause.ref, is_current=True,
                                         retired=False).count()
    if in_use:
        raise ValidationError({"ref": [f"条款“{clause.ref}”仍有 {in_use} 项职责引用，请先废止或改引其他条款"]})
    return _new_version(actor, clause, clause.policy, {}, retire=True)
