"""Organisation operations. Views, the API, imports and the CLI all change org records here."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import write_scope
from anxiao.core.choices import POST_KIND_UNIT_KINDS, REGION_LEVEL_ORDER, BusService, PostKind, UnitKind
from anxiao.core.models import assign

from .models import Assignment, Group, GroupMember, Person, Post, PostTenure, Region, Unit, check_functions

NO_RIGHT = "您没有在该范围内修改的权限"
# Called with each unit whose people changed (a person added, moved, leaving or back): apps whose figures count
# a unit's people register here (obligations: the slots owed by each employee, crediting.people_counter).
PEOPLE_CHANGED: list[Callable[[Unit], None]] = []




def require_unit(actor: Any, unit: Unit | None, field: str = "unit") -> None:
    if unit is None:
        return
    if not write_scope(actor).covers_unit(unit):
        raise PermissionDenied(NO_RIGHT)


def _require_new_unit_place(actor: Any, parent: Unit | None, region: Region | None) -> None:
    scope = write_scope(actor)
    if scope.everything:
        return
    if parent is not None and scope.covers_unit(parent):
        return
    if region is not None and scope.covers_region(region):
        return
    raise PermissionDenied(NO_RIGHT)


def _clean_and_save(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


# --- regions -------------------------------------------------------------------------------


def save_region(actor: Any, region: Region | None, **data: Any) -> Region:
    creating = region is None
    region = region or Region()
    scope = write_scope(actor)
    if not creating and not scope.covers_region(region):
        raise PermissionDenied(NO_RIGHT)
    assign(region, data)
    parent = region.parent
    if not scope.everything and (parent is None or not scope.covers_region(parent)):
        raise PermissionDenied(NO_RIGHT)
    errors: dict[str, list[str]] = {}
    if parent is not None:
        if REGION_LEVEL_ORDER.index(region.level) <= REGION_LEVEL_ORDER.index(parent.level):
            errors["level"] = [f"级别必须低于上级区划（{parent.get_level_display()}）"]
        if region.pk and parent.path.startswith(region.path or "-"):
            errors["parent"] = ["不能把区划移到它自己的下级之下"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _clean_and_save(region)


# --- units ---------------------------------------------------------------------------------


def _check_unit(unit: Unit) -> None:
    errors: dict[str, list[str]] = {}
    if unit.kind == UnitKind.SCHOOL and not unit.stage:
        errors["stage"] = ["学校必须填写学段"]
    if unit.kind != UnitKind.SCHOOL and unit.stage:
        errors["stage"] = ["只有学校填写学段"]
    if unit.kind in (UnitKind.BUREAU_DEPARTMENT, UnitKind.SCHOOL_DEPARTMENT) and unit.parent_id is None:
        errors["parent"] = ["股室/处室必须有上级单位"]
    if unit.parent_id:
        parent = unit.parent
        assert parent is not None
        if unit.kind == UnitKind.BUREAU_DEPARTMENT and parent.kind != UnitKind.BUREAU:
            errors["parent"] = ["局机关股室的上级必须是教育局"]
        if unit.kind == UnitKind.SCHOOL_DEPARTMENT and parent.kind != UnitKind.SCHOOL:
            errors["parent"] = ["学校处室的上级必须是学校"]
        if unit.pk and parent.path.startswith(unit.path or "-"):
            errors["parent"] = ["不能把单位移到它自己的下级之下"]
    if unit.supervising_unit_id and unit.supervising_unit and unit.supervising_unit.kind != UnitKind.BUREAU:
        errors["supervising_unit"] = ["主管单位必须是教育局"]
    try:
        unit.functions = check_functions(unit.functions)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if unit.bus not in BusService.values:
        errors["bus"] = [f"校车“{unit.bus}”不是有效的选项（可选：不填、runs 自办、hires 购买服务）"]
    if unit.kind != UnitKind.SCHOOL and (unit.bus or unit.is_private):
        errors["bus" if unit.bus else "is_private"] = ["只有学校填写校车和民办"]
    if errors:
        raise ValidationError(errors)


def save_unit(actor: Any, unit: Unit | None, **data: Any) -> Unit:
    creating = unit is None
    unit = unit or Unit()
    placed = (unit.parent_id, unit.region_id)
    if not creating:
        require_unit(actor, unit)
    assign(unit, data)
    if unit.parent_id and unit.region_id is None and unit.parent:
        unit.region = unit.parent.region
    if creating or (unit.parent_id, unit.region_id) != placed:
        _require_new_unit_place(actor, unit.parent if unit.parent_id else None,
                                unit.region if unit.region_id else None)
    if unit.kind != UnitKind.SCHOOL:
        unit.stage = unit.stage or ""
    _check_unit(unit)
    with transaction.atomic():
        _clean_and_save(unit)
        # Departments live where their unit lives.
        Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).exclude(region=unit.region).update(
            region=unit.region, region_path=unit.region_path
        )
    return unit


# --- people and posts ------------------------------------------------------------------------


def save_person(actor: Any, person: Person | None, **data: Any) -> Person:
    creating = person is None
    person = person or Person()
    if not creating:
        require_unit(actor, person.unit)
    before = (None, None) if creating else (person.unit_id, person.is_active)
    assign(person, data)
    if person.mobile:
        person.mobile = person.mobile.strip()
        if not (person.mobile.isdecimal() and len(person.mobile) == 11 and person.mobile.startswith("1")):
            raise ValidationError({"mobile": ["手机号应为以 1 开头的 11 位数字"]})
    if person.unit_id:
        require_unit(actor, person.unit)
    with transaction.atomic():
        _clean_and_save(person)
        if before != (person.unit_id, person.is_active):
            changed: set[int] = {u for u in (before[0], person.unit_id) if u is not None}
            for unit in Unit.objects.filter(pk__in=changed):
                for hook in PEOPLE_CHANGED:
                    hook(unit)
    return person


def _check_post(post: Post) -> None:
    allowed = POST_KIND_UNIT_KINDS.get(post.kind, set())
    if post.unit_id and post.unit.kind not in allowed:
        names = "、".join(str(UnitKind(k).label) for k in sorted(allowed))
        raise ValidationError({"kind": [f"“{PostKind(post.kind).label}”只能设在：{names}"]})


def save_post(actor: Any, post: Post | None, **data: Any) -> Post:
    creating = post is None
    post = post or Post()
    if not creating:
        require_unit(actor, post.unit)
    holder = data.pop("holder", post.holder if not creating else None)
    assign(post, data)
    if not post.title and post.kind:
        post.title = str(PostKind(post.kind).label)
    if post.unit_id:
        require_unit(actor, post.unit)
    _check_post(post)
    with transaction.atomic():
        _clean_and_save(post)
        if holder != (post.holder if post.holder_id else None) or (creating and holder is not None):
            set_holder(actor, post, holder)
    return post


def set_holder(actor: Any, post: Post, person: Person | None, on: datetime.date | None = None) -> Post:
    """Give the post to a person (or leave it vacant), closing the previous tenure."""
    require_unit(actor, post.unit)
    on = on or timezone.localdate()
    if person is not None and not person.is_active:
        raise ValidationError({"holder": ["该人员已离职，不能任职"]})
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        current = post.tenures.filter(ended_on__isnull=True).first()
        if current is not None and (person is None or current.person_id != person.pk):
            current.ended_on = max(on, current.started_on)
            current.save()
        if person is not None and (current is None or current.person_id != person.pk):
            PostTenure.objects.create(post=post, person=person, started_on=on)
        post.holder = person
        post.save()
    return post


# --- groups and assignments --------------------------------------------------------------------


def save_group(actor: Any, group: Group | None, **data: Any) -> Group:
    creating = group is None
    group = group or Group()
    if not creating:
        require_unit(actor, group.unit)
    assign(group, data)
    if group.unit_id:
        require_unit(actor, group.unit)
    with transaction.atomic():
        return _clean_and_save(group)


def add_group_member(actor: Any, group: Group, post: Post, role: str) -> GroupMember:
    require_unit(actor, group.unit)
    if GroupMember.objects.filter(group=group, post=post).exists():
        raise ValidationError({"post": ["该岗位已在小组中"]})
    return _clean_and_save(GroupMember(group=group, post=post, role=role))


def remove_group_member(actor: Any, member: GroupMember) -> None:
    require_unit(actor, member.group.unit)
    member.delete()


def save_assignment(actor: Any, assignment: Assignment | None, **data: Any) -> Assignment:
    creating = assignment is None
    assignment = assignment or Assignment()
    if not creating:
        require_unit(actor, assignment.holder_unit)
    assign(assignment, data)
    if assignment.holder_post_id and assignment.holder_post and not assignment.holder_unit_id:
        assignment.holder_unit = assignment.holder_post.unit
    errors: dict[str, list[str]] = {}
    if assignment.target_unit_id is None and assignment.target_region_id is None:
        errors["target_unit"] = ["请选择联系的学校或镇街"]
    if assignment.holder_post_id and assignment.holder_unit_id and assignment.holder_post:
        post_unit = assignment.holder_post.unit
        if not (post_unit.pk == assignment.holder_unit_id or post_unit.path.startswith(assignment.holder_unit.path)):
            errors["holder_post"] = ["负责岗位必须属于负责单位"]
    if assignment.ended_on and assignment.ended_on < assignment.started_on:
        errors["ended_on"] = ["结束日期不能早于开始日期"]
    if errors:
        raise ValidationError(errors)
    if assignment.holder_unit_id:
        require_unit(actor, assignment.holder_unit)
    with transaction.atomic():
        return _clean_and_save(assignment)
