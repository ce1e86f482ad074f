from __future__ import annotations

import pytest
from django.core.management import call_command

from anxiao.core.access import user_scope
from anxiao.core.context import acting_as
from anxiao.core.models import AuditLog
from anxiao.org import actions
from anxiao.org.models import Region, Unit

pytestmark = pytest.mark.django_db


def test_bureau_scope_covers_its_county_only(world):
    scope = user_scope(world.users["bureau_admin"])
    assert scope.covers_unit(world.a1) and scope.covers_unit(world.a2)
    assert not scope.covers_unit(world.b1)


def test_school_users_see_their_region_chain_by_name_only(world):
    visible = set(Region.objects.visible_to(world.users["school_member"]))
    assert {world.province, world.city, world.county_a, world.town_a} <= visible
    assert world.county_b not in visible
    assert not Region.objects.writable_by(world.users["school_admin"]).exists()


def test_outsider_gets_404_not_403(as_user, world):
    response = as_user("outsider").get(f"/org/units/{world.a1.pk}/")
    assert response.status_code == 404


def test_it_logs_field_level_changes_with_actor_and_channel(world):
    user = world.users["school_admin"]
    with acting_as(user, ip="10.0.0.8", via="cli"):
        actions.save_unit(user, world.a1, phone="0750-1234567")
    entry = AuditLog.objects.filter(object_id=str(world.a1.pk), action="update").latest("at")
    assert entry.changes["phone"] == ["", "0750-1234567"]
    assert entry.actor == user and entry.ip == "10.0.0.8" and entry.via == "cli"
    assert entry.unit_path == world.a1.path


def test_audit_log_is_browsable_per_unit_and_scoped(as_user, world):
    actions.save_unit(None, world.b1, phone="0750-7654321")
    actions.save_unit(None, world.a1, phone="0750-1111111")
    body = as_user("school_admin").get("/audit/").content.decode()
    assert "0750-1111111" in body and "0750-7654321" not in body


def test_web_changes_record_the_request_ip(as_user, world):
    client = as_user("bureau_admin")
    client.post(f"/org/units/{world.a2.pk}/edit/", {
        "name": "甲镇中心幼儿园", "kind": "school", "region": world.town_a.pk, "stage": "kindergarten",
        "campuses": 1, "is_active": "on"}, REMOTE_ADDR="192.0.2.7")
    entry = AuditLog.objects.filter(object_id=str(world.a2.pk), action="update").latest("at")
    assert entry.ip == "192.0.2.7" and entry.via == "web" and entry.changes["name"][1] == "甲镇中心幼儿园"


def test_demo_county_builds_with_every_stage_and_personas(db):
    call_command("demo", password="Demo-pass-2026", verbosity=0)
    schools = Unit.objects.filter(kind="school")
    assert schools.count() >= 40
    assert set(schools.values_list("stage", flat=True)) >= {
        "kindergarten", "primary", "junior", "senior", "nine_year", "twelve_year", "vocational", "special"}
    assert schools.filter(boarding=True).count() >= 3
    assert Unit.objects.filter(kind="bureau_department").count() == 13
    from anxiao.accounts.models import User

    assert User.objects.filter(username__in=["anquanban", "xiaozhang", "banzhuren", "baoan", "duxue"]).count() == 5
    # The demo obeys the live rules: its records credit only as live use would (drills held but not closed count
    # for nothing, patrols by QR rounds, letters by signature), checked on this one full build.
    from django.utils import timezone

    from anxiao.obligations.tests.demo_checks import check_demo

    check_demo(timezone.localdate())
    # and every page, export and API figure agrees with its definition for the county, town and school personas
    from anxiao.reports.consistency import check

    for name in ("anquanban", "duxue", "xiaozhang"):
        result = check(User.objects.get(username=name))
        assert result.ok, (name, result.disagreements)
        assert result.views["hazards"].get("api") and result.views["reports"].get("api"), name


def test_demo_refuses_to_overwrite_without_reset(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", verbosity=0)
    call_command("demo", if_empty=True, verbosity=0)  # no error: make run uses this


def test_scale_data_set_is_bulk_generated(db):
    call_command("demo", scale=30, verbosity=0)
    assert Unit.objects.filter(kind="school").count() == 30
    school = Unit.objects.filter(kind="school").first()
    assert school is not None and school.path == f"/{school.pk}/" and school.region_path.count("/") == 5


def test_the_403_page_is_chinese_and_says_what_to_do(as_user, world):
    from django.urls import reverse

    # given a read-only bureau viewer trying to create a patrol point
    response = as_user("bureau_viewer").get(reverse("inspections:point_create"))
    # then the page is the product's own, in Chinese, with the reason and what to do
    page = response.content.decode()
    assert response.status_code == 403
    assert "没有权限进行此操作" in page and "您没有新建巡查点的权限" in page and "授权" in page
    assert "Forbidden" not in page


def test_the_audit_log_reads_in_words(as_user, world):
    from anxiao.hazards import actions as hz

    # given a hazard registered and graded by the school
    admin = world.users["school_admin"]
    hazard = hz.report_hazard(admin, unit=world.a1, location="食堂", category="SP", description="冰柜温度不达标")
    hz.transition(admin, hazard, "register")
    # when the bureau's manager reads the change log
    page = as_user("bureau_admin").get("/audit/").content.decode()
    # then fields are labelled, states and links are words, and the time is Beijing time
    assert "状态" in page and "已登记" in page and "北京时间" in page
    assert "状态：<ins>已登记</ins>" in page and "status：" not in page
