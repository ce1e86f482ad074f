from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anxiao.chiefs.models import AgencyTask, TaskStatus
from anxiao.chiefs.tests.fixtures import chiefs_world, user_for
from anxiao.core.choices import Role

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def c(world):
    return chiefs_world(world)


def test_it_lets_a_read_only_town_chief_route_a_task_to_the_district_police(client, world, c):
    # given the town chief, whose grant over the town is read-only
    client.force_login(user_for(c.town_chief, Role.BUREAU_VIEWER, region=world.town_a))
    # when they open the form, the district's police is offered, and they route a task
    form = client.get(reverse("chiefs:task_create"))
    assert "甲县公安局" in form.content.decode() and "乙县公安局" not in form.content.decode()
    response = client.post(reverse("chiefs:task_create"), {
        "government": c.town_gov.pk, "agency": c.police.pk, "school": world.a1.pk, "source": "hazard",
        "hazard_kind": "pond", "title": "学校后山鱼塘无护栏", "deadline": NEXT_WEEK.isoformat()})
    # then the task exists and the chief lands on it
    task = AgencyTask.objects.get(title="学校后山鱼塘无护栏")
    assert response.status_code == 302 and response.url == reverse("chiefs:task_detail", args=[task.pk])


def test_it_shows_the_missing_evidence_on_the_close_form(client, world, c):
    client.force_login(user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police))
    client.post(reverse("chiefs:task_accept", args=[c.task.pk]))
    response = client.post(reverse("chiefs:task_close", args=[c.task.pk]), {"evidence": "", "note": ""})
    assert response.status_code == 200  # the close form shown again with each refusal (core.flash)
    body = response.content.decode()
    assert "请填写办结情况" in body and "请上传至少一个附件" in body


def test_it_lets_the_liaison_close_a_task_with_an_attachment(client, world, c):
    client.force_login(user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police))
    client.post(reverse("chiefs:task_accept", args=[c.task.pk]))
    response = client.post(reverse("chiefs:task_close", args=[c.task.pk]),
                           {"evidence": "已设置护学岗", "attachments": SimpleUploadedFile("现场.jpg", _jpeg())})
    assert response.status_code == 302
    c.task.refresh_from_db()
    assert c.task.status == TaskStatus.DONE and c.task.attachments.get().name == "现场.jpg"


def test_it_shows_schools_tasks_and_the_meeting_requirement_on_the_chief_page(client, world, c):
    client.force_login(world.users["bureau_admin"])
    body = client.get(reverse("chiefs:chief_detail", args=[c.district_chief.pk])).content.decode()
    assert "新华中学" in body and "甲镇幼儿园" in body and "乙镇小学" not in body
    assert "新华中学门口交通整治" in body
    assert 'data-state="done"' in body and "全体成员单位会议" in body
    assert "组织领导全区中小学幼儿园安全工作" in body


def test_it_shows_a_cut_off_agency_duty_list_as_to_be_completed(client, world, c):
    from anxiao.chiefs.models import MemberAgency

    c.agency.duty_list = "s004.agency.finance"
    MemberAgency.objects.filter(pk=c.agency.pk).update(duty_list="s004.agency.finance")
    client.force_login(world.users["bureau_admin"])
    body = client.get(reverse("chiefs:agency_detail", args=[c.agency.pk])).content.decode()
    assert "待补充" in body


def test_it_refuses_a_check_in_outside_the_slot_on_the_page(client, world, c):
    from anxiao.chiefs import actions

    today = timezone.localdate()
    other_day = (today.weekday() + 1) % 7
    duty = actions.save_duty(None, None, school=world.a1, person=world.people["a1_principal"], weekday=other_day,
                             starts_at=datetime.time(7, 0), ends_at=datetime.time(8, 0))
    client.force_login(world.users["school_admin"])
    response = client.post(reverse("chiefs:duty_checkin", args=[duty.pk]), follow=True)
    assert response.redirect_chain == [(reverse("chiefs:duty_detail", args=[duty.pk]), 302)]  # flashed there
    assert "不在值守时段内" in response.content.decode()


def test_it_refuses_a_task_to_an_agency_outside_the_region_in_the_api(client, world, c):
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.users["sysadmin"])
    response = client.post("/api/v1/chiefs/tasks", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}",
                           data={"government_id": c.gov_a.pk, "agency_id": c.police_b.pk, "title": "越界",
                                 "deadline": NEXT_WEEK.isoformat()})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "agency"
    assert "不在甲县范围内" in response.json()["detail"]


def _reported_up_hazard(world):
    from anxiao.hazards.models import Hazard

    return Hazard.objects.create(unit=world.a1, location="校门东侧鱼塘", category="NS", description="鱼塘无护栏无警示牌",
                                 found_at=timezone.now(), status="registered", reported_up_at=timezone.now(),
                                 upward_reason="outside_campus", upward_note="鱼塘属村集体，需镇村协调设置护栏")


def test_it_turns_a_hazard_reported_upward_into_a_task_in_one_step(client, world, c):
    # given a hazard a1 reported upward, and the town chief
    hazard = _reported_up_hazard(world)
    client.force_login(user_for(c.town_chief, Role.BUREAU_VIEWER, region=world.town_a))
    page = client.get(reverse("chiefs:chief_detail", args=[c.town_chief.pk])).content.decode()
    assert "校门东侧鱼塘" in page and f"hazard={hazard.pk}" in page
    # when the chief opens the prefilled form and sends it to the police
    form = client.get(reverse("chiefs:task_create") + f"?government={c.town_gov.pk}&hazard={hazard.pk}")
    assert "鱼塘属村集体" in form.content.decode()
    response = client.post(reverse("chiefs:task_create"), {
        "hazard": hazard.pk, "government": c.town_gov.pk, "agency": c.police.pk, "source": "hazard",
        "hazard_kind": "pond", "title": "鱼塘设置护栏", "deadline": NEXT_WEEK.isoformat()})
    # then the task links the hazard and its school, and the chief page shows the task next to the hazard
    assert response.status_code == 302
    task = AgencyTask.objects.get(title="鱼塘设置护栏")
    assert task.hazard_id == hazard.pk and task.school == world.a1
    page = client.get(reverse("chiefs:chief_detail", args=[c.town_chief.pk])).content.decode()
    assert reverse("chiefs:task_detail", args=[task.pk]) in page


def test_it_refuses_a_hazard_outside_the_governments_region(world, c):
    from django.core.exceptions import ValidationError

    from anxiao.chiefs import actions

    hazard = _reported_up_hazard(world)
    hazard.unit = world.b1
    with pytest.raises(ValidationError) as exc:
        actions.create_task(None, government=c.town_gov, agency=c.police, hazard=hazard, title="越界",
                            deadline=NEXT_WEEK)
    assert "hazard" in exc.value.message_dict


def test_it_notifies_the_agency_liaison_of_a_routed_task(world, c):
    from anxiao.chiefs import actions
    from anxiao.notifications.models import Outbox

    user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police)
    actions.create_task(None, government=c.gov_a, agency=c.police, title="整治摊贩", deadline=NEXT_WEEK)
    assert Outbox.objects.filter(title__contains="整治摊贩").exists()


def test_it_shows_a_town_chief_the_districts_agencies_only(client, world, c):
    client.force_login(user_for(c.town_chief, Role.BUREAU_VIEWER, region=world.town_a))
    body = client.get(reverse("chiefs:agency_list")).content.decode()
    assert "甲县公安局" in body and "乙县公安局" not in body
    assert client.get(reverse("chiefs:agency_detail", args=[c.agency.pk])).status_code == 200


def _officer_with_slot_today(world, c):
    from anxiao.accounts.models import User
    from anxiao.chiefs.models import GateDuty

    officer = User.objects.create_user(username="jiajingguan", password="x", person=c.liaison.holder)
    duty = GateDuty.objects.create(school=world.a1, person=c.liaison.holder, weekday=timezone.localdate().weekday(),
                                   starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59, 59), role="police")
    return officer, duty


def test_a_police_officer_scans_the_gate_code_and_signs_in_to_their_own_slot(client, world, c):
    from anxiao.chiefs.models import GateCheckIn

    # given an officer of the county police, with no grant over the school, rostered at its gate today
    officer, duty = _officer_with_slot_today(world, c)
    client.force_login(officer)
    # when they open the page the gate's QR code points to, it names the school and offers their slot
    page = client.get(reverse("chiefs:gate_scan", args=[world.a1.pk]) + f"?k={c.gate.secret}")
    assert page.status_code == 200 and "新华中学" in page.content.decode() and "到岗签到" in page.content.decode()
    # and they sign in
    response = client.post(reverse("chiefs:gate_scan", args=[world.a1.pk]), {"duty": duty.pk, "code": c.gate.secret})
    assert response.status_code == 302
    assert GateCheckIn.objects.get(duty=duty).person == c.liaison.holder
    # then a second scan says it is done, and a second sign-in is refused
    assert "今天已签到" in client.get(reverse("chiefs:gate_scan", args=[world.a1.pk])).content.decode()
    again = client.post(reverse("chiefs:gate_scan", args=[world.a1.pk]), {"duty": duty.pk, "code": c.gate.secret})
    assert again.status_code == 200 and "今天已在本岗签到" in again.content.decode()  # flashed on the page


def test_the_gate_page_refuses_to_sign_in_someone_elses_slot(client, world, c):
    from anxiao.chiefs.models import GateCheckIn

    officer, _duty = _officer_with_slot_today(world, c)
    client.force_login(officer)
    principals_slot = c.duties[timezone.localdate().weekday()]
    response = client.post(reverse("chiefs:gate_scan", args=[world.a1.pk]), {"duty": principals_slot.pk})
    assert response.status_code == 200 and "请选择您本人在本校的排班" in response.content.decode()
    assert not GateCheckIn.objects.filter(duty=principals_slot).exists()


def test_the_gate_page_is_hidden_from_a_stranger_and_the_qr_sheet_is_a_pdf(client, world, c):
    client.force_login(world.users["outsider"])
    assert client.get(reverse("chiefs:gate_scan", args=[world.a1.pk])).status_code == 404
    client.force_login(world.users["school_admin"])
    sheet = client.get(reverse("chiefs:gate_qr", args=[world.a1.pk]))
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    # one A4 poster, its Chinese text in the embedded CJK font (issue 20)
    from anxiao.documents.tests.checks import pdf_info

    info = pdf_info(sheet.content)
    assert [(round(w), round(h)) for w, h in info["sizes"]] == [(595, 842)]
    assert info["fonts"] and all("yes" in row[-5:-2] and "CJK" in row[0] for row in info["fonts"]), info["fonts"]
    text = "".join(info["pages"][0].split())
    assert world.a1.name in text and "护学岗扫码签到" in text and "他人不能代签" in text


def test_the_chief_page_reads_the_bureau_s_adopted_and_edited_list(client, world, c):
    # given bureau A edits the district chief's first duty in its copy of s004
    from anxiao.policies.actions import edit_duty
    from anxiao.policies.models import DutyTemplate

    duty = DutyTemplate.objects.filter(duty_list__policy=c.policy, duty_list__key="s004.chief.district",
                                       is_current=True).order_by("order").first()
    edit_duty(None, duty, text="组织领导全县中小学幼儿园安全工作（本县修订）")
    # when the chief page is opened
    client.force_login(world.users["bureau_admin"])
    body = client.get(reverse("chiefs:chief_detail", args=[c.district_chief.pk])).content.decode()
    # then it shows the edited text
    assert "本县修订" in body
