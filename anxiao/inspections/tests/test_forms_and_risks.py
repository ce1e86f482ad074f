"""A bureau's own checklists (web forms, versions), team members on the web, and risk-control checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.testing import refused
from anxiao.hazards.models import Hazard
from anxiao.inspections import actions
from anxiao.inspections.models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionMember,
    ItemResult,
    MemberRole,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(world):  # type: ignore[no-untyped-def]
    return actions.load_checklist()[0]


def own_checklist(world, **extra):  # type: ignore[no-untyped-def]
    return actions.create_checklist(world.users["bureau_admin"], bureau=world.bureau_a, code="JX-CHECK",
                                    title="甲县校园安全检查表", **extra)


ITEM = {"category": "XF", "code": "XF-B01", "text": "微型消防站器材齐全", "grade": "general", "frequency": "month"}


def test_a_bureau_creates_its_checklist_on_the_web_copying_the_library(world, as_user, library):
    client = as_user("bureau_admin")
    response = client.post("/inspections/checklists/new/", {"bureau": world.bureau_a.pk, "code": "jx-check",
                                                            "title": "甲县检查表", "copy_from": library.pk})
    checklist = Checklist.objects.get(bureau=world.bureau_a)
    assert response.status_code == 302 and checklist.code == "JX-CHECK" and checklist.version == 1
    assert checklist.items.count() == library.items.count()
    # the schools of the county start their inspections on it
    assert actions.current_checklist(world.a1) == checklist


def test_it_refuses_a_checklist_without_a_title_or_from_a_school(world, as_user):
    response = as_user("bureau_admin").post("/inspections/checklists/new/", {"bureau": world.bureau_a.pk, "code": "X"})
    assert "请填写检查表名称" in response.content.decode() and not Checklist.objects.exists()
    assert as_user("school_admin").get("/inspections/checklists/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        actions.create_checklist(world.users["outsider"], bureau=world.bureau_a, code="X1", title="x")


def test_it_adds_edits_and_retires_items_in_place_while_unused(world, as_user):
    checklist = own_checklist(world)
    client = as_user("bureau_admin")
    client.post(f"/inspections/checklists/{checklist.pk}/items/new/", ITEM)
    item = checklist.items.get()
    assert (item.code, item.category_name) == ("XF-B01", "消防安全")
    client.post(f"/inspections/checklists/{checklist.pk}/items/{item.pk}/", {**ITEM, "text": "微型消防站器材齐全有效"})
    client.post(f"/inspections/checklists/{checklist.pk}/items/{item.pk}/retire/")
    # no inspection used it: still version 1, now without the item
    assert Checklist.objects.filter(bureau=world.bureau_a).count() == 1 and not checklist.items.exists()


def test_changing_a_used_checklist_makes_a_new_version_and_keeps_the_old_one(world, as_user):
    # given a bureau checklist an inspection already used
    checklist = own_checklist(world)
    actions.save_item(world.users["bureau_admin"], checklist, **ITEM)
    actions.save_item(world.users["bureau_admin"], checklist, **{**ITEM, "code": "XF-B02", "text": "消防通道畅通"})
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="half_monthly")
    assert inspection.checklist == checklist
    actions.record_results(world.users["school_admin"], inspection, [{"item_code": "XF-B01", "outcome": "pass"}])
    # when the bureau edits an item on the web
    item = checklist.items.get(code="XF-B01")
    response = as_user("bureau_admin").post(f"/inspections/checklists/{checklist.pk}/items/{item.pk}/",
                                            {**ITEM, "text": "微型消防站器材齐全、每月检查"})
    # then version 2 holds the change, version 1 is unchanged and retired, and new inspections use version 2
    v2 = Checklist.objects.get(bureau=world.bureau_a, version=2)
    assert response["Location"] == f"/inspections/checklists/{v2.pk}/"
    assert v2.items.get(code="XF-B01").text == "微型消防站器材齐全、每月检查" and v2.items.count() == 2
    checklist.refresh_from_db()
    assert not checklist.is_active and checklist.items.get(code="XF-B01").text == ITEM["text"]
    assert actions.current_checklist(world.a1) == v2
    # and retiring an item of a used version makes version 3 without it
    Inspection.objects.create(unit=world.a1, kind="special", planned_on=inspection.planned_on, checklist=v2)
    v3 = actions.retire_item(world.users["bureau_admin"], v2, v2.items.get(code="XF-B02"))
    assert v3.version == 3 and list(v3.items.values_list("code", flat=True)) == ["XF-B01"]
    assert v2.items.count() == 2
    actions.retire_checklist(world.users["bureau_admin"], v3)
    assert actions.current_checklist(world.a1) is None  # no national library loaded in this test


def test_it_refuses_bad_items_and_the_national_library(world, library):
    checklist = own_checklist(world)
    admin = world.users["bureau_admin"]
    with pytest.raises(ValidationError) as exc:
        actions.save_item(admin, checklist, **{**ITEM, "code": "AB-01"})
    assert "XF-" in exc.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as exc:
        actions.save_item(admin, checklist, **{**ITEM, "grade": "major"})
    assert "major_basis" in exc.value.message_dict
    actions.save_item(admin, checklist, **ITEM)
    with refused("code"):
        actions.save_item(admin, checklist, **ITEM)  # the same code twice
    with refused("checklist"):
        actions.save_item(admin, library, **ITEM)
    with pytest.raises(PermissionDenied):
        actions.save_item(world.users["school_admin"], checklist, **{**ITEM, "code": "XF-B09"})
    assert ChecklistItem.objects.filter(checklist=checklist).count() == 1


def test_the_create_form_takes_the_team_and_applies_the_cross_rule(world, as_user, library):
    client = as_user("bureau_admin")
    base = {"unit": world.a1.pk, "kind": "cross", "inspecting_unit": world.a2.pk, "planned_on": "2026-11-20"}
    # an inspector from the inspected school is refused, nothing is created
    response = client.post("/inspections/new/", {**base, "member_person_0": world.people["a1_teacher"].pk})
    assert "不能参加对本单位的交叉互检" in response.content.decode() and not Inspection.objects.exists()
    # somebody from another school is accepted, with an outside expert by name
    client.post("/inspections/new/", {**base, "member_person_0": world.people["a2_principal"].pk,
                                      "member_name_1": "王工", "member_role_1": "expert", "member_org_1": "消防支队"})
    inspection = Inspection.objects.get()
    assert sorted(inspection.members.values_list("name", "role")) == sorted(
        [(world.people["a2_principal"].name, "inspector"), ("王工", "expert")])


def test_members_are_added_and_removed_under_the_rules(world, as_user, library):
    admin = world.users["bureau_admin"]
    inspection = actions.start_inspection(admin, unit=world.a1, kind="expert", inspecting_unit=world.bureau_a,
                                          members=[{"name": "李工", "role": MemberRole.EXPERT},
                                                   {"person": world.people["dept_head"], "role": MemberRole.OFFICIAL}])
    client = as_user("bureau_admin")
    client.post(f"/inspections/{inspection.pk}/members/", {"name": "赵工", "role": "expert", "organisation": "住建局"})
    assert inspection.members.count() == 3
    official = inspection.members.get(role=MemberRole.OFFICIAL)
    # removing the only official would break the expert team: refused
    client.post(f"/inspections/members/{official.pk}/remove/")
    assert InspectionMember.objects.filter(pk=official.pk).exists()
    client.post(f"/inspections/members/{inspection.members.get(name='赵工').pk}/remove/")
    assert inspection.members.count() == 2
    # a cross inspection refuses a new member who looks after the school under 包保
    cross = actions.start_inspection(admin, unit=world.a1, kind="cross", inspecting_unit=world.a2,
                                     members=[{"person": world.people["a2_principal"]}])
    with pytest.raises(ValidationError) as exc:
        actions.add_member(admin, cross, person=world.people["dept_head"])
    assert "包保" in exc.value.message_dict["members"][0]
    with pytest.raises(PermissionDenied):
        actions.add_member(world.users["outsider"], cross, name="某人")


def _risk(world, area="化学实验室", **extra):  # type: ignore[no-untyped-def]
    from anxiao.risks.actions import save_risk

    data = {"school": world.a1, "area": area, "method": "ls", "ls_l": 4, "ls_s": 5, "category": "lab",
            "existing_controls": "危化品双人双锁管理"}
    data.update(extra)
    return save_risk(None, None, **data)


def test_an_inspection_checks_the_schools_risk_controls_and_a_failure_becomes_a_linked_hazard(world, as_user,
                                                                                           library):
    # given a school with two risks, one of another school, and an inspection that checks risk controls
    red = _risk(world)
    blue = _risk(world, area="操场", ls_l=1, ls_s=2, category="events")
    other = _risk(world, area="别校", school=world.b1)
    client = as_user("school_admin")
    client.post("/inspections/new/", {"unit": world.a1.pk, "kind": "half_monthly", "risk_controls": "1"})
    inspection = Inspection.objects.get()
    codes = [i.code for i in actions.risk_control_items(inspection)]
    assert codes == [f"FX-{red.pk}", f"FX-{blue.pk}"]  # red first, the other school's risk not there
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "危化品双人双锁管理" in page and "风险管控" in page
    # when the offline form posts them (twice: a re-submission) with one failure
    form = {f"outcome_FX-{red.pk}": "fail", f"note_FX-{red.pk}": "危化品柜未上锁", f"outcome_FX-{blue.pk}": "pass",
            "outcome_GL-01": "pass"}
    client.post(f"/inspections/{inspection.pk}/submit/", form)
    client.post(f"/inspections/{inspection.pk}/submit/", form)
    assert inspection.results.count() == 3
    failed = ItemResult.objects.get(inspection=inspection, item_code=f"FX-{red.pk}")
    assert failed.risk == red and failed.item is None
    # then one step makes it a hazard linked to the risk, with the risk's grading
    client.post(f"/inspections/results/{failed.pk}/hazard/")
    hazard = Hazard.objects.get()
    assert (hazard.risk, hazard.category, hazard.risk_colour) == (red, "SY", red.level)
    assert hazard.risk_score == red.score and "危化品柜未上锁" in hazard.description
    # and the risk's page lists the hazard and the check
    risk_page = client.get(f"/risks/register/{red.pk}/").content.decode()
    assert hazard.number in risk_page and "危化品柜未上锁" in risk_page
    # a code for another school's risk is refused
    with refused("results"):
        actions.record_results(world.users["school_admin"], inspection,
                               [{"item_code": f"FX-{other.pk}", "outcome": "pass"}])


def test_without_risk_controls_no_risk_items_are_offered(world, library):
    _risk(world)
    inspection = actions.start_inspection(world.users["school_admin"], unit=world.a1, kind="daily_patrol")
    assert actions.risk_control_items(inspection) == []
    with refused("results"):
        actions.record_results(world.users["school_admin"], inspection,
                               [{"item_code": f"FX-{Hazard.objects.count() + 1}", "outcome": "pass"}])
