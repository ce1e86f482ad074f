from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anxiao.accounts.models import Grant, User
from anxiao.core.choices import Role
from anxiao.core.testing import refused
from anxiao.hazards import actions
from anxiao.hazards.figures import status_counts
from anxiao.hazards.filters import HazardFilter
from anxiao.hazards.models import Extension, Hazard, HazardEvent, HazardPhoto, Status, SupervisionOrder
from anxiao.org.models import Person

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def report(world, **extra):  # type: ignore[no-untyped-def]
    data = {"unit": world.a1, "location": "教学楼二层", "category": "XF", "description": "灭火器过期",
            "source": "inspection"}
    data.update(extra)
    return actions.report_hazard(world.users["school_admin"], **data)


def second_admin(world) -> User:  # type: ignore[no-untyped-def]
    person = world.people["a1_officer"]
    user = User.objects.create_user(username="officer", password="x-Pass-2026", person=person)
    Grant.objects.create(user=user, role=Role.SCHOOL_ADMIN, unit=world.a1)
    return user


def to_rectifying(world, hazard, grade="general", **measures):  # type: ignore[no-untyped-def]
    admin = world.users["school_admin"]
    actions.transition(admin, hazard, "register")
    actions.transition(admin, hazard, "grade", grade=grade)
    data = {"measures": "更换灭火器", "responsible": world.people["a1_teacher"],
            "deadline": timezone.localdate() + datetime.timedelta(days=7)}
    data.update(measures)
    return actions.transition(admin, hazard, "start_rectification", **data)


def test_it_runs_the_whole_loop_to_closed_with_another_person_accepting(world):
    # given a reported hazard
    hazard = report(world, photos=[png()])
    # when it goes through register, grade, rectify, acceptance by another person, close
    to_rectifying(world, hazard)
    actions.transition(world.users["school_admin"], hazard, "submit_for_acceptance", note="已更换", photos=[png("after.png")])
    actions.transition(second_admin(world), hazard, "accept", note="合格")
    actions.transition(world.users["school_admin"], hazard, "close")
    # then it is closed and every step is an event row, with before/after photos
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED
    assert list(hazard.events.values_list("action", flat=True)) == [
        "report", "register", "grade", "start_rectification", "submit_for_acceptance", "accept", "close"]
    assert set(HazardPhoto.objects.filter(hazard=hazard).values_list("stage", flat=True)) == {"before", "after"}


def test_it_refuses_an_illegal_transition_and_changes_nothing(world):
    # given a reported hazard
    hazard = report(world)
    # when somebody tries to accept it straight away
    with pytest.raises(ValidationError) as exc:
        actions.transition(world.users["school_admin"], hazard, "accept", note="好")
    # then it is refused with a message naming the state, and nothing changed
    assert "不能验收通过" in exc.value.message_dict["action"][0]
    hazard.refresh_from_db()
    assert hazard.status == Status.REPORTED
    assert hazard.events.count() == 1


def test_it_refuses_an_unknown_action(world):
    with pytest.raises(ValidationError) as exc:
        actions.transition(world.users["school_admin"], report(world), "teleport")
    assert "未知的操作" in exc.value.message_dict["action"][0]


def test_it_refuses_the_acceptor_who_rectified_it(world):
    # given a hazard the teacher is responsible for, submitted for acceptance
    hazard = to_rectifying(world, report(world))
    actions.transition(world.users["school_admin"], hazard, "submit_for_acceptance", note="已整改")
    teacher_admin = world.users["school_member"]
    Grant.objects.create(user=teacher_admin, role=Role.SCHOOL_ADMIN, unit=world.a1)
    # when the responsible person, or the one who submitted, tries to accept
    for acceptor in (teacher_admin, world.users["school_admin"]):
        with pytest.raises(ValidationError) as exc:
            actions.transition(acceptor, hazard, "accept", note="合格")
        # then it is refused
        assert "验收人不能是整改责任人" in exc.value.message_dict["accepted_by"][0]
    hazard.refresh_from_db()
    assert hazard.status == Status.AWAITING_ACCEPTANCE


def test_it_refuses_to_start_a_major_hazard_without_all_five_measures(world):
    # given a major hazard
    hazard = report(world)
    # when rectification starts with measures, person and deadline only
    with pytest.raises(ValidationError) as exc:
        to_rectifying(world, hazard, grade="major")
    # then funds, plan and temporary protection are named, and the hazard stays graded
    errors = exc.value.message_dict
    assert set(errors) == {"funds", "contingency_plan", "temporary_measures"}
    assert "应急预案" in errors["contingency_plan"][0]
    hazard.refresh_from_db()
    assert hazard.status == Status.GRADED
    # and with all five plus temporary measures it starts
    actions.transition(world.users["school_admin"], hazard, "start_rectification", measures="加固", funds="3.5",
                       responsible=world.people["a1_teacher"], deadline=timezone.localdate() + datetime.timedelta(days=30),
                       contingency_plan="疏散预案", temporary_measures="停用并设置警示")
    hazard.refresh_from_db()
    assert hazard.status == Status.RECTIFYING


def test_it_allows_on_the_spot_rectification_only_for_general_hazards(world):
    general, major = report(world), report(world, grade="major")
    actions.transition(world.users["school_admin"], general, "rectify_on_spot", measures="当场清理")
    assert Hazard.objects.get(pk=general.pk).status == Status.AWAITING_ACCEPTANCE
    with pytest.raises(ValidationError) as exc:
        actions.transition(world.users["school_admin"], major, "rectify_on_spot", measures="当场清理")
    assert "只有一般隐患" in exc.value.message_dict["grade"][0]


def test_concurrent_acceptance_leaves_exactly_one_result(world):
    # given a hazard awaiting acceptance, loaded by two acceptors at the same time
    hazard = to_rectifying(world, report(world))
    actions.transition(world.users["school_admin"], hazard, "submit_for_acceptance", note="已整改")
    first = Hazard.objects.get(pk=hazard.pk)
    second = Hazard.objects.get(pk=hazard.pk)
    officer = second_admin(world)
    # when both accept / reject from their stale copies
    actions.transition(officer, first, "accept", note="合格")
    with refused("action"):
        actions.transition(world.users["bureau_admin"], second, "reject", note="不合格")
    # then exactly one decision was recorded
    hazard.refresh_from_db()
    assert hazard.status == Status.ACCEPTED and hazard.rejection_count == 0
    assert HazardEvent.objects.filter(hazard=hazard, action__in=["accept", "reject"]).count() == 1


def test_a_closed_hazard_is_read_only(world):
    hazard = report(world)
    actions.transition(world.users["school_admin"], hazard, "rectify_on_spot", measures="当场清理")
    actions.transition(second_admin(world), hazard, "accept", note="合格")
    actions.transition(world.users["school_admin"], hazard, "close")
    for name, data in [("comment", {"note": "补充"}), ("request_void", {"reason": "误报"}), ("reject", {"note": "x"})]:
        with pytest.raises(ValidationError) as exc:
            actions.transition(world.users["sysadmin"], hazard, name, **data)
        assert "只读" in exc.value.message_dict["action"][0]


def test_rejection_returns_to_rectifying_with_reason_and_counter(world):
    hazard = to_rectifying(world, report(world))
    actions.transition(world.users["school_admin"], hazard, "submit_for_acceptance", note="已整改")
    actions.transition(second_admin(world), hazard, "reject", note="灭火器型号不对")
    hazard.refresh_from_db()
    assert hazard.status == Status.RECTIFYING and hazard.rejection_count == 1
    assert hazard.events.last().note == "灭火器型号不对"


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("fake.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg"), "不是有效的图片"),
    (SimpleUploadedFile("doc.png", b"%PDF-1.4 fake", content_type="image/png"), "不是图片"),
])
def test_it_refuses_a_fake_image_and_changes_nothing(world, upload, message):
    with pytest.raises(ValidationError) as exc:
        report(world, photos=[upload])
    assert message in exc.value.message_dict["photos"][0]
    assert Hazard.objects.count() == 0


def test_it_refuses_an_oversize_image(world, settings):
    settings.MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 10), content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        report(world, photos=[big])
    assert "超过 1 MB" in exc.value.message_dict["photos"][0]


def test_it_re_encodes_images_with_a_thumbnail(world, settings):
    hazard = report(world, photos=[png(size=(3000, 1000))])
    photo = hazard.photos.get()
    stored = Image.open(settings.MEDIA_ROOT / photo.path)
    assert max(stored.size) == 2560 and photo.thumb_path


def test_a_school_cannot_act_outside_its_scope(world):
    hazard = report(world)
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["outsider"], hazard, "register")
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["bureau_viewer"], hazard, "register")


def test_extension_and_void_need_the_level_above(world):
    # given a rectifying hazard with an extension request
    hazard = to_rectifying(world, report(world))
    new = hazard.deadline + datetime.timedelta(days=10)
    actions.transition(world.users["school_admin"], hazard, "request_extension", reason="材料未到", new_deadline=new)
    # when the school approves its own request, it is refused; the bureau approves
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["school_admin"], hazard, "approve_extension")
    actions.transition(world.users["bureau_admin"], hazard, "approve_extension", note="同意")
    hazard.refresh_from_db()
    assert hazard.deadline == new
    assert Extension.objects.get().status == "approved"
    # void without a request is refused; with request + approval from above it is voided
    with refused("action"):
        actions.transition(world.users["bureau_admin"], hazard, "approve_void")
    actions.transition(world.users["school_admin"], hazard, "request_void", reason="重复登记")
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["school_admin"], hazard, "approve_void")
    actions.transition(world.users["bureau_admin"], hazard, "approve_void")
    hazard.refresh_from_db()
    assert hazard.status == Status.VOID and hazard.void_reason == "重复登记"


def test_overdue_hazards_escalate_to_baobao_leader_then_bureau(world):
    # given a hazard whose deadline passed yesterday
    hazard = to_rectifying(world, report(world))
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    # when escalation runs (twice: it is idempotent)
    assert actions.escalate_overdue() == 1
    assert actions.escalate_overdue() == 0
    # then the 包保 leader is named; a week later the bureau
    event = HazardEvent.objects.get(hazard=hazard, action="escalate")
    assert world.people["dept_head"].name in event.note
    later = timezone.localdate() + datetime.timedelta(days=7)
    assert actions.escalate_overdue(today=later) == 1
    assert Hazard.objects.get(pk=hazard.pk).escalation_level == 2
    assert HazardFilter.parse({"overdue": "1"}).apply(Hazard.objects.all()).count() == 1


def test_bureau_issues_supervision_for_a_major_hazard_and_school_signs(world):
    hazard = report(world, grade="major")
    general = report(world)
    with refused("grade"):
        actions.transition(world.users["bureau_admin"], general, "supervise", document_number="甲教督〔2026〕1号",
                           supervision_deadline=timezone.localdate() + datetime.timedelta(days=30))
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["school_admin"], hazard, "supervise", document_number="x",
                           supervision_deadline=timezone.localdate())
    actions.transition(world.users["bureau_admin"], hazard, "supervise", kind="listed",
                       document_number="甲教督〔2026〕1号",
                       supervision_deadline=timezone.localdate() + datetime.timedelta(days=30))
    actions.transition(world.users["school_admin"], hazard, "acknowledge_supervision", note="收到")
    order = SupervisionOrder.objects.get()
    assert order.kind == "listed" and order.received_at is not None and order.delivered_at is not None
    assert Hazard.objects.get(pk=hazard.pk).listed


def test_counts_by_status_take_one_query(world, django_assert_num_queries):
    report(world)
    to_rectifying(world, report(world))
    with django_assert_num_queries(1):
        counts = status_counts(Hazard.objects.all())
    assert counts["reported"] == 1 and counts["rectifying"] == 1 and counts["total"] == 2


def test_a_school_member_may_report_but_not_register(world):
    hazard = actions.report_hazard(world.users["school_member"], unit=world.a1, location="操场", category="XS",
                                   description="围栏松动")
    assert hazard.finder == world.people["a1_teacher"]
    with pytest.raises(PermissionDenied):
        actions.transition(world.users["school_member"], hazard, "register")
    with pytest.raises(PermissionDenied):
        actions.report_hazard(world.users["outsider"], unit=world.a1, location="操场", category="XS",
                              description="围栏松动")
    assert Person.objects.filter(pk=hazard.finder_id).exists()


def test_the_ledger_page_filters_and_counts(as_user, world):
    report(world, location="食堂后厨", category="SP")
    report(world, location="教学楼三层")
    body = as_user("bureau_admin").get("/hazards/?category=SP").content.decode()
    assert "食堂后厨" in body and "教学楼三层" not in body


def test_the_web_transition_shows_a_chinese_error_and_changes_nothing(as_user, world):
    hazard = report(world)
    client = as_user("school_admin")
    response = client.post(f"/hazards/{hazard.pk}/transition/", {"action": "accept", "note": "x"}, follow=True)
    assert "不能验收通过" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_outside_scope_answers_404(as_user, world):
    hazard = report(world)
    photo_hazard = report(world, photos=[png()])
    client = as_user("outsider")
    assert client.get(f"/hazards/{hazard.pk}/").status_code == 404
    assert client.get(f"/hazards/photos/{photo_hazard.photos.get().pk}/").status_code == 404
    assert client.post(f"/hazards/{hazard.pk}/transition/", {"action": "register"}).status_code == 404


def test_the_api_runs_a_transition_by_name(client, world):
    from anxiao.accounts.models import ApiToken

    hazard = report(world)
    _token, raw = ApiToken.issue(world.users["school_admin"])
    response = client.post(f"/api/v1/hazards/{hazard.pk}/transitions", data={"action": "register"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["status"] == "registered"
    response = client.post(f"/api/v1/hazards/{hazard.pk}/transitions", data={"action": "close"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and "不能销号" in response.json()["detail"]


def test_the_bureau_rollup_counts_per_school_in_two_queries(world, django_assert_num_queries):
    from anxiao.hazards.figures import counts_by_unit

    report(world)
    actions.report_hazard(None, unit=world.a2, location="大门", category="AB", description="门禁损坏")
    visible = Hazard.objects.visible_to(world.users["sysadmin"])
    with django_assert_num_queries(2):  # the grouped counts, then the schools' names
        rows = counts_by_unit(visible)
    assert {r["unit__name"]: r["open"] for r in rows} == {"新华中学": 1, "甲镇幼儿园": 1}


def test_the_home_page_shows_open_and_overdue_hazards(as_user, world):
    report(world)
    body = as_user("school_admin").get("/").content.decode()
    assert "未销号隐患" in body and "逾期未整改" in body


def test_the_ledger_page_takes_a_fixed_number_of_queries(as_user, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user("bureau_admin")
    report(world)
    client.get("/hazards/")
    with CaptureQueriesContext(connection) as few:
        client.get("/hazards/?open=1")
    for _ in range(10):
        to_rectifying(world, report(world))
    with CaptureQueriesContext(connection) as many:
        client.get("/hazards/?open=1")
    assert len(many) == len(few)


def test_only_the_actions_the_role_and_state_allow_are_offered(world, as_user):
    from anxiao.hazards import actions as hz

    # given a hazard just reported at a1
    hazard = hz.report_hazard(world.users["school_admin"], unit=world.a1, location="食堂", category="SP",
                              description="冰柜温度不达标")
    offered = {name for name, _label in hz.allowed_actions(world.users["school_admin"], hazard)}
    # then the school is offered what it can do now, not what needs a 督办, an extension or a void request first
    assert {"register", "rectify_on_spot", "request_void", "comment"} <= offered
    assert not offered & {"acknowledge_supervision", "approve_extension", "refuse_extension", "approve_void",
                          "refuse_void", "accept", "close", "supervise"}
    # and the read-only bureau viewer is offered nothing: the page shows no forms
    assert hz.allowed_actions(world.users["bureau_viewer"], hazard) == []
    assert "data-action=" not in as_user("bureau_viewer").get(f"/hazards/{hazard.pk}/").content.decode()
    # and 督办 (for major hazards only) is not offered to the bureau for a general one
    assert "supervise" not in {n for n, _l in hz.allowed_actions(world.users["bureau_admin"], hazard)}
    # when the bureau issues a 督办 on a major hazard, the school is offered to sign for it
    major = hz.report_hazard(world.users["school_admin"], unit=world.a1, location="教学楼", category="XS",
                             description="楼梯栏杆松动", grade="major")
    assert "supervise" in {n for n, _l in hz.allowed_actions(world.users["bureau_admin"], major)}
    hz.transition(world.users["bureau_admin"], major, "supervise", kind="order", requirements="限期整改",
                  document_number="甲教安督〔2026〕1号", supervision_deadline="2099-01-01")
    assert "acknowledge_supervision" in {n for n, _l in hz.allowed_actions(world.users["school_admin"], major)}


def test_an_action_form_shows_each_error_next_to_its_field_and_keeps_what_was_typed(world, as_user):
    from anxiao.hazards import actions as hz

    # given a graded hazard
    admin = world.users["school_admin"]
    hazard = hz.report_hazard(admin, unit=world.a1, location="操场", category="XS", description="篮球架松动")
    hz.transition(admin, hazard, "register")
    hz.transition(admin, hazard, "grade", grade="general")
    # when 下达整改 is sent without measures and with a deadline in the past
    response = as_user("school_admin").post(f"/hazards/{hazard.pk}/transition/", {
        "action": "start_rectification", "funds_source": "学校公用经费", "deadline": "2000-01-01"})
    # then the page shows the form open, each error at its field, and what was typed
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="error" id="id_start_rectification_measures_error">请填写整改措施</p>' in page
    assert '<p class="error" id="id_start_rectification_deadline_error">整改时限不能早于今天</p>' in page
    assert 'value="学校公用经费"' in page and "请修改标红的内容后再提交" in page
    hazard.refresh_from_db()
    assert hazard.status == "graded"



def test_the_closed_in_month_filter_is_one_for_the_bar_list_api_export_and_trend(as_user, client, world):
    import openpyxl

    from anxiao.accounts.models import ApiToken
    from anxiao.reports.dashboard import dashboard

    # given a hazard closed late on last month's last day (Beijing time), one closed the month before, one found
    # last month and still open
    admin, accepter = world.users["school_admin"], second_admin(world)
    last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    before = (last - datetime.timedelta(days=1)).replace(day=1)
    month = f"{last:%Y-%m}"

    def closed(location: str, on: datetime.datetime) -> Hazard:
        h = to_rectifying(world, report(world, location=location))
        actions.transition(admin, h, "submit_for_acceptance", note="已更换")
        actions.transition(accepter, h, "accept", note="合格")
        actions.transition(admin, h, "close", note="销号")
        Hazard.objects.filter(pk=h.pk).update(closed_at=on, found_at=on - datetime.timedelta(days=10))
        return h

    end_of_last = timezone.make_aware(datetime.datetime.combine(
        timezone.localdate().replace(day=1) - datetime.timedelta(days=1), datetime.time(23, 30)))
    in_month = closed("配电房", end_of_last)
    closed("食堂", timezone.make_aware(datetime.datetime.combine(before, datetime.time(8))))
    still_open = report(world, location="教学楼三层")
    Hazard.objects.filter(pk=still_open.pk).update(found_at=end_of_last)
    # when the list, the API and the export are asked for the hazards closed last month
    body = as_user("bureau_admin").get(f"/hazards/?closed_month={month}").content.decode()
    # then each shows the one closed then, and nothing else
    assert "配电房" in body and "食堂" not in body and "教学楼三层" not in body
    assert 'name="closed_month"' in body  # the filter bar offers it
    token = ApiToken.issue(world.users["bureau_admin"])[1]
    api = client.get(f"/api/v1/hazards?closed_month={month}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [h["id"] for h in api["items"]] == [in_month.pk]
    xlsx = as_user("bureau_admin").get(f"/hazards/export.xlsx?closed_month={month}")
    cells = [str(c) for row in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
             for c in row if c is not None]
    assert any(f"销号月份：{month}" in c for c in cells) and "配电房" in cells and "食堂" not in cells
    # bad input names the field
    assert "销号月份" in HazardFilter.parse({"closed_month": "2026-13"}).errors["closed_month"]
    # and the dashboard's 销号 bar of that month counts what the filter lists, and links to it
    hazards = dashboard(world.users["bureau_admin"])["hazards"]
    bar = next(t for t in hazards["trend"] if t["month"] == last)
    assert bar["closed"] == HazardFilter.parse({"closed_month": month}).apply(
        Hazard.objects.visible_to(world.users["bureau_admin"])).count() == 1
    assert f'href="/hazards/?closed_month={month}"' in hazards["trend_svg"]


def test_the_api_files_a_rectification_list_as_the_page_does(world, client):
    # given a1's open problem with its owner and deadline, and a Party branch meeting of a1 that studied them
    import json

    from anxiao.accounts.models import ApiToken
    from anxiao.obligations.actions import record_activity

    today = timezone.localdate()
    hazard = actions.report_hazard(None, unit=world.a1, location="食堂", category="XF", description="灭火器过期",
                                   finder_name="测试")
    Hazard.objects.filter(pk=hazard.pk).update(responsible=world.people["a1_principal"],
                                               deadline=today + datetime.timedelta(days=20))
    other = record_activity(None, kind="meeting", meeting_kind="safety_work", unit=world.a1, occurred_on=today,
                            title="安全工作会", notes="纪要")
    meeting = record_activity(None, kind="meeting", meeting_kind="party_branch", unit=world.a1, occurred_on=today,
                              title="党支部会议研究整改清单", notes="逐项研究")
    _token, raw = ApiToken.issue(world.users["school_admin"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def post(body):  # type: ignore[no-untyped-def]
        return client.post("/api/v1/hazards/rectification-lists", json.dumps(body), content_type="application/json",
                           **auth)

    # when the school files with a meeting that is not its Party branch's, then it is refused naming the field
    refused_answer = post({"school_id": world.a1.pk, "meeting_id": other.pk})
    assert refused_answer.status_code == 422
    assert {e["field"] for e in refused_answer.json()["errors"]} == {"meeting"}
    # and a school it cannot see is refused like an unknown one
    assert post({"school_id": world.b1.pk, "meeting_id": meeting.pk}).status_code == 422
    # when it files with its Party branch's meeting
    answer = post({"school_id": world.a1.pk, "meeting_id": meeting.pk})
    # then the list carries the problem with owner and deadline, and the bureau sees it filed in the API list
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["record_kind"] == "rectification_list" and hazard.number in body["notes"]
    assert world.people["a1_principal"].name in body["notes"]
    _token, bureau = ApiToken.issue(world.users["bureau_admin"])
    listed = client.get("/api/v1/hazards/rectification-lists", HTTP_AUTHORIZATION=f"Bearer {bureau}").json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]
