from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.core.testing import refused
from anxiao.risks import actions
from anxiao.risks.grading import ControlLevel, Level
from anxiao.risks.models import Risk, RiskAssessment
from anxiao.risks.selectors import distribution
from anxiao.risks.starter import starter_risks

pytestmark = pytest.mark.django_db


def _risk(world, **scores):  # type: ignore[no-untyped-def]
    data = {"method": "lec", "lec_l": "3", "lec_e": "6", "lec_c": "15"} | scores
    return actions.save_risk(None, None, school=world.a1, area="教学楼楼梯间", **data)


def test_it_grades_a_new_risk_and_records_the_first_assessment(world):
    # given L=3, E=6, C=15 (D = 270)
    # when the risk is saved
    risk = _risk(world)
    # then it is orange, controlled by the deputy, with one history row
    assert (risk.score, risk.level, risk.control_level) == (Decimal(270), Level.ORANGE, ControlLevel.DEPUTY)
    assert list(risk.assessments.values_list("level", "note")) == [(Level.ORANGE, "首次评估")]


def test_it_regrades_when_scores_change_and_keeps_history(world):
    # given an orange risk
    risk = _risk(world)
    # when its consequence score rises to 40 (D = 720)
    risk = actions.save_risk(world.users["school_admin"], Risk.objects.get(pk=risk.pk), lec_c="40")
    # then it turns red, goes to the principal and is reported to the bureau; both gradings are kept
    assert risk.level == Level.RED and risk.control_level == ControlLevel.PRINCIPAL and risk.reported_to_bureau
    history = list(RiskAssessment.objects.filter(risk=risk).order_by("id").values_list("level", "assessed_by"))
    assert history == [(Level.ORANGE, None), (Level.RED, world.users["school_admin"].pk)]


def test_it_adds_no_history_when_only_text_changes(world):
    risk = _risk(world)
    actions.save_risk(None, Risk.objects.get(pk=risk.pk), existing_controls="楼梯口教师值守")
    assert RiskAssessment.objects.filter(risk=risk).count() == 1


def test_a_manual_control_level_survives_regrading_until_cleared(world):
    # given an orange risk the school puts under the principal
    risk = actions.save_risk(None, _risk(world), control_level=ControlLevel.PRINCIPAL)
    assert risk.control_level_overridden
    # when its scores drop to yellow
    risk = actions.save_risk(None, Risk.objects.get(pk=risk.pk), lec_c="7")
    # then the override stays
    assert (risk.level, risk.control_level) == (Level.YELLOW, ControlLevel.PRINCIPAL)
    # and clearing it makes the level follow the colour again
    risk = actions.save_risk(None, Risk.objects.get(pk=risk.pk), control_level="")
    assert (risk.control_level, risk.control_level_overridden) == (ControlLevel.DEPARTMENT, False)


def test_it_refuses_scores_outside_the_scale_in_chinese(world):
    with pytest.raises(ValidationError) as exc:
        _risk(world, lec_l="4")
    assert exc.value.message_dict["lec_l"] == ["L（事故发生的可能性）只能取 10、6、3、1、0.5、0.2、0.1"]
    with pytest.raises(ValidationError) as exc:
        _risk(world, method="ls", ls_l=3, ls_s=7)
    assert exc.value.message_dict["ls_s"] == ["S（严重性）只能取 5、4、3、2、1"]
    assert not Risk.objects.exists()


def test_ls_grading_and_bureau_thresholds(world):
    # given an LS risk R = 12 (yellow under mapping A)
    risk = _risk(world, method="ls", ls_l=3, ls_s=4)
    assert risk.level == Level.YELLOW and risk.lec_l is None
    # when the bureau switches to mapping B (10–16 orange)
    actions.save_settings(None, None, bureau=world.bureau_a, ls_orange=10, ls_yellow=4)
    # then the risk is regraded orange, with a history row saying why
    risk.refresh_from_db()
    assert (risk.level, risk.control_level) == (Level.ORANGE, ControlLevel.DEPUTY)
    assert risk.assessments.first().note == "分级阈值调整"


def test_it_refuses_thresholds_out_of_order(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_settings(None, None, bureau=world.bureau_a, lec_orange=400)
    assert "红 > 橙 > 黄" in exc.value.message_dict["lec_red"][0]


def test_a_school_adopts_the_starter_list_once(world):
    # given the built-in list of about 25 typical risks across the categories
    assert len(starter_risks()) >= 25
    assert {r["category"] for r in starter_risks()} >= {"fire", "buildings", "food", "lab", "traffic", "drowning",
                                                        "security", "dormitory", "events", "bullying"}
    # when a1 adopts it twice
    first = actions.adopt_starter(world.users["school_admin"], world.a1)
    second = actions.adopt_starter(world.users["school_admin"], world.a1)
    # then every entry is added once and graded
    assert len(first) == len(starter_risks()) and second == []
    assert Risk.objects.filter(school=world.a1, level="").count() == 0
    assert Risk.objects.get(school=world.a1, code="JT-01").level == Level.RED


def test_adopting_refuses_unknown_codes_and_other_schools(world):
    with refused("codes"):
        actions.adopt_starter(None, world.a1, ["ZZ-99"])
    with pytest.raises(PermissionDenied):
        actions.adopt_starter(world.users["school_admin"], world.b1, ["XF-01"])


def test_distribution_counts_colours_per_school_in_one_query(world, django_assert_num_queries):
    # given risks in two schools of county A and one in county B
    actions.adopt_starter(None, world.a1)
    _risk(world, lec_c="100")
    actions.save_risk(None, None, school=world.a2, area="滑梯", method="ls", ls_l=2, ls_s=2)
    actions.save_risk(None, None, school=world.b1, area="河塘", method="ls", ls_l=5, ls_s=5)
    qs = Risk.objects.visible_to(world.users["bureau_viewer"])
    list(qs[:1])  # the user's grants are cached, as within one request
    # when the bureau's distribution is computed
    with django_assert_num_queries(1):
        data = distribution(qs)
    # then both of its schools are counted, and only those
    names = {row["school"] for row in data["schools"]}
    assert names == {"新华中学", "甲镇幼儿园"}
    assert data["total"]["total"] == len(starter_risks()) + 2
    assert data["total"]["red"] == Risk.objects.filter(school__in=[world.a1, world.a2], level="red").count()


def test_the_export_has_chinese_headers_and_only_visible_rows(as_user, world):
    actions.adopt_starter(None, world.a1, ["XF-01", "JT-01"])
    actions.save_risk(None, None, school=world.b1, area="乙镇河塘", method="ls", ls_l=5, ls_s=5)
    response = as_user("school_admin").get("/risks/export.xlsx")
    from anxiao.documents.tests.checks import assert_xlsx_print_ready

    ws, rows = assert_xlsx_print_ready(response.content, header_row=3)  # title, which table, header
    assert [c.value for c in ws[3]][:4] == ["学校", "编号", "类别", "区域/活动"]
    assert ws.column_dimensions["E"].width == 36
    assert {r[1] for r in rows} == {"XF-01", "JT-01"}
    # too wide for 8 pt on one A4 width: the second table carries 学校, 编号 and the grading (issue 20)
    from openpyxl import load_workbook

    second = load_workbook(io.BytesIO(response.content)).worksheets[1]
    header = [c.value for c in second[3]]
    assert header[:3] == ["学校", "编号", "评价方法"] and "表二（共二表·评价与管控）" in second["A2"].value
    values = [r for r in second.iter_rows(min_row=4, values_only=True) if r[1] in ("XF-01", "JT-01")]
    assert len(values) == 2 and all(isinstance(r[header.index("风险值")], (int, float)) for r in values), "风险值"


def test_the_edit_page_regrades_through_the_action(as_user, world):
    # given an orange risk
    risk = _risk(world)
    form = {"school": world.a1.pk, "category": "buildings", "area": "教学楼楼梯间", "method": "lec",
            "lec_l": "3", "lec_e": "6", "lec_c": "40", "control_level": "", "is_active": "on"}
    # when the school raises C to 40 on the page
    response = as_user("school_admin").post(f"/risks/register/{risk.pk}/edit/", form)
    # then it is red with two history rows
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.level == Level.RED and risk.assessments.count() == 2
    # and a score off the scale shows on its field
    response = as_user("school_admin").post(f"/risks/register/{risk.pk}/edit/", form | {"lec_c": ""})
    assert "请填写C（可能后果）" in response.content.decode()


def test_the_api_refuses_an_lec_score_off_the_scale(as_user, world):
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.users["school_admin"])
    response = as_user("school_admin").post(
        "/api/v1/risks", data={"school_id": world.a1.pk, "area": "操场", "lec_l": 2, "lec_e": 6, "lec_c": 7},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lec_l"


def test_the_demo_county_grades_risks_in_every_school(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.org import demo as org_demo
    from anxiao.risks import demo

    # given the org demo county
    # when the risks demo runs on the org demo county
    ctx = run_parts(DemoContext(), org_demo, demo)
    # then every school has a graded register with history, in all four colours
    data = distribution(Risk.objects.all())
    assert len(data["schools"]) == len(ctx.data["schools"])
    assert all(data["total"][level] > 0 for level in ("red", "orange", "yellow", "blue"))
    assert RiskAssessment.objects.count() == Risk.objects.count()


def test_the_list_page_costs_the_same_queries_for_many_risks(as_user, world, django_assert_max_num_queries):
    # given one risk, and a baseline for the page
    client = as_user("bureau_admin")
    _risk(world)
    client.get("/risks/register/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        client.get("/risks/register/")
    # when 25 more risks are added
    actions.adopt_starter(None, world.a1)
    # then the page needs no more queries
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get("/risks/register/")
    assert response.status_code == 200


def test_the_home_page_shows_the_schools_four_colours(as_user, world):
    # given a red and a blue risk in a1 and a red one in b1
    _risk(world, lec_c="100")
    _risk(world, lec_l="0.1")
    actions.save_risk(None, None, school=world.b1, area="乙镇河塘", method="ls", ls_l=5, ls_s=5)
    # when a1's principal opens the home page (the four colours are the school leaders' and the bureau's)
    body = as_user("school_admin").get("/").content.decode()
    # then a1's colours are counted, not b1's
    assert "风险四色分布（共 2 项）" in body


def test_the_api_adopts_starter_risks_and_shows_history(client, world):
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.users["school_admin"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    # when a1 adopts two starter risks through the API
    response = client.post("/api/v1/risks/adopt", data={"school_id": world.a1.pk, "codes": ["JT-01", "XL-03"]},
                           content_type="application/json", **auth)
    # then both are graded (school bus red, staff conduct blue) and each has its first assessment
    assert response.status_code == 201
    levels = {r["code"]: r["level"] for r in response.json()}
    assert levels == {"JT-01": "red", "XL-03": "blue"}
    red = next(r for r in response.json() if r["code"] == "JT-01")
    assert red["reported_to_bureau"] and red["control_level"] == "principal"
    history = client.get(f"/api/v1/risks/{red['id']}/assessments", **auth).json()
    assert [h["level"] for h in history] == ["red"]
    # and the distribution counts them
    data = client.get("/api/v1/risks/distribution", **auth).json()
    assert data["total"] == {"red": 1, "orange": 0, "yellow": 0, "blue": 1, "total": 2}


@pytest.mark.parametrize("path", ["/api/v1/risks/settings", "/api/v1/staffing/settings"])
def test_a_settings_bureau_out_of_scope_is_answered_like_an_unknown_id(world, as_user, path) -> None:
    # the settings' bureau is a one-to-one link, resolved by core.api.resolve_fks like every other id
    import json

    client = as_user("bureau_admin")
    answers = {pk: client.post(path, json.dumps({"bureau_id": pk}), content_type="application/json")
               for pk in (world.bureau_b.pk, 987654)}
    assert {pk: (a.status_code, a.json()["errors"]) for pk, a in answers.items()} == {
        pk: (422, [{"field": "bureau", "message": f"编号为 {pk} 的单位不存在或不可见"}]) for pk in answers}
