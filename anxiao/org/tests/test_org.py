from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.choices import PostKind, RegionLevel, Stage, UnitKind
from anxiao.org import actions
from anxiao.org.models import Person, Post, PostTenure, Region, Unit

pytestmark = pytest.mark.django_db


def test_it_keeps_tree_paths_when_a_unit_moves(world):
    # given a department under school a1
    dept = actions.save_unit(None, None, name="安保处", kind=UnitKind.SCHOOL_DEPARTMENT, parent=world.a1)
    assert dept.path == f"{world.a1.path}{dept.pk}/"
    assert dept.region_id == world.a1.region_id
    # when a1 moves to another town
    actions.save_unit(None, world.a1, region=world.town_b)
    # then the department follows it, path and region
    dept.refresh_from_db()
    assert dept.region_id == world.town_b.pk
    assert dept.region_path == world.town_b.path


def test_it_rewrites_region_paths_of_units_below_a_moved_region(world):
    other_city = Region.objects.create(name="丙市", level=RegionLevel.CITY, parent=world.province)
    actions.save_region(None, world.county_a, parent=other_city)
    world.a1.refresh_from_db()
    assert world.a1.region_path.startswith(other_city.path)


def test_it_refuses_a_school_without_stage(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_unit(None, None, name="无学段学校", kind=UnitKind.SCHOOL, region=world.town_a)
    assert "stage" in exc.value.error_dict


def test_it_refuses_a_post_kind_in_the_wrong_unit(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_post(None, None, unit=world.a1, kind=PostKind.BUREAU_DEPT_HEAD, title="股长")
    assert "只能设在" in exc.value.error_dict["kind"][0].messages[0]


def test_it_keeps_post_history_and_allows_vacancy(world):
    post = world.posts["a1_teacher"]
    first = post.holder
    newcomer = Person.objects.create(name="新班主任", unit=world.a1)
    actions.set_holder(None, post, newcomer, on=datetime.date(2026, 9, 1))
    actions.set_holder(None, post, None, on=datetime.date(2026, 10, 1))
    post.refresh_from_db()
    assert post.is_vacant
    tenures = list(PostTenure.objects.filter(post=post).order_by("started_on"))
    assert [t.person for t in tenures] == [newcomer]
    assert tenures[0].ended_on == datetime.date(2026, 10, 1)
    assert first is not None


def test_a_person_may_hold_several_posts(world):
    teacher = world.people["a1_teacher"]
    actions.save_post(None, None, unit=world.a1, kind=PostKind.SAFETY_OFFICER, title="兼职安全员", holder=teacher)
    assert Post.objects.filter(holder=teacher).count() == 2


def test_school_admin_cannot_create_in_another_school(world):
    with pytest.raises(PermissionDenied):
        actions.save_person(world.users["school_admin"], None, name="越权", unit=world.b1)


def test_bureau_viewer_cannot_change_anything(world):
    with pytest.raises(PermissionDenied):
        actions.save_unit(world.users["bureau_viewer"], world.a1, name="改名")


def test_it_validates_mobile_numbers_in_chinese(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_person(None, None, name="张三", unit=world.a1, mobile="12345")
    assert "11 位" in exc.value.error_dict["mobile"][0].messages[0]


def test_search_matches_pinyin_initials(as_user, world):
    client = as_user("bureau_admin")
    response = client.get("/org/units/?q=xhzx")
    body = response.content.decode()
    assert "新华中学" in body
    assert "甲镇幼儿园" not in body


def test_lists_only_show_what_the_user_may_see(as_user, world):
    body = as_user("school_admin").get("/org/units/").content.decode()
    assert "新华中学" in body and "乙镇小学" not in body and "甲镇幼儿园" not in body


def test_edit_page_saves_through_the_action_and_shows_field_errors(as_user, world):
    client = as_user("school_admin")
    response = client.post(f"/org/people/{world.people['a1_teacher'].pk}/edit/",
                           {"name": "王老师", "unit": world.a1.pk, "mobile": "123", "is_active": "on"})
    assert response.status_code == 200
    assert "手机号应为以 1 开头的 11 位数字" in response.content.decode()
    response = client.post(f"/org/people/{world.people['a1_teacher'].pk}/edit/",
                           {"name": "王老师", "unit": world.a1.pk, "mobile": "13900001111", "is_active": "on"})
    assert response.status_code == 302
    assert Person.objects.get(pk=world.people["a1_teacher"].pk).name == "王老师"


def test_unit_model_rejects_school_without_stage_at_database_level(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name="坏数据", kind=UnitKind.SCHOOL, region=world.town_a, stage="")
    assert Stage.PRIMARY


def test_home_shows_my_posts_and_schools_in_scope(as_user, world):
    body = as_user("school_admin").get("/").content.decode()
    assert "我的岗位" in body and "校长" in body
    assert ">1<" in body.replace(" ", "")  # one school in scope


def test_group_members_are_added_and_removed_by_those_who_may_edit(as_user, world):
    from anxiao.org.models import GroupMember

    client = as_user("school_admin")
    client.post(f"/org/groups/{world.group_a1.pk}/members/", {"post": world.posts["a1_principal"].pk, "role": "leader"})
    member = GroupMember.objects.get(group=world.group_a1)
    assert member.role == "leader"
    as_user("school_member").post(f"/org/group-members/{member.pk}/remove/")
    assert GroupMember.objects.filter(pk=member.pk).exists()
    as_user("school_admin").post(f"/org/group-members/{member.pk}/remove/")
    assert not GroupMember.objects.filter(pk=member.pk).exists()
