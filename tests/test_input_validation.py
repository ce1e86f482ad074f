"""Issue 15, Input: bad input is a 400/422 with a Chinese message naming the field, never a 500,
never a half-written record — for forms, API and imports alike (core.validation under every write)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anxiao.core.validation import TEXT_MAX_LENGTH
from anxiao.hazards import actions as hazard_actions
from anxiao.hazards.models import Hazard
from anxiao.org.models import Post, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(as_user):
    client = as_user("bureau_admin")

    def call(method: str, path: str, body=None, raw: str | None = None):  # type: ignore[no-untyped-def]
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return getattr(client, method)(f"/api/v1{path}", data, **kwargs) if data is not None else \
            getattr(client, method)(f"/api/v1{path}")

    return call


def _report(world, **extra):  # type: ignore[no-untyped-def]
    data = {"unit": world.a1, "location": "教学楼二层", "category": "XF", "description": "灭火器过期",
            "source": "inspection"}
    data.update(extra)
    return hazard_actions.report_hazard(world.users["school_admin"], **data)


def _graded(world):  # type: ignore[no-untyped-def]
    hazard = _report(world)
    admin = world.users["school_admin"]
    hazard_actions.transition(admin, hazard, "register")
    hazard_actions.transition(admin, hazard, "grade", grade="general")
    return hazard


def test_a_nul_byte_in_a_text_field_is_a_field_error_and_nothing_is_written(world):
    before = Hazard.objects.count()
    with pytest.raises(ValidationError) as exc:
        _report(world, location="教学楼\x00二层")
    assert "location" in exc.value.message_dict
    assert "空字符" in exc.value.message_dict["location"][0]
    assert Hazard.objects.count() == before


def test_a_nul_byte_in_a_search_answers_the_list_not_a_500(world, as_user, api):
    assert as_user("bureau_admin").get("/hazards/", {"q": "灭火\x00器"}).status_code == 200
    assert api("get", "/hazards?q=%E7%81%AD%00x").status_code == 200
    assert api("get", "/people?q=a%00b").status_code == 200


def test_a_nul_byte_in_a_json_body_is_dropped(world, api):
    response = api("post", "/hazards", {"unit_id": world.a1.pk, "location": "操场\x00东侧", "category": "XF",
                                         "description": "护栏松动", "source": "inspection"})
    assert response.status_code == 201, response.content
    assert Hazard.objects.get(pk=response.json()["id"]).location == "操场东侧"


def test_free_text_has_a_limit_even_where_the_column_has_none(world):
    with pytest.raises(ValidationError) as exc:
        _report(world, description="很" * 1_000_000)
    assert f"最多 {TEXT_MAX_LENGTH} 个字符" in exc.value.message_dict["description"][0]


@pytest.mark.parametrize("field", ["responsible_department", "funds_source", "grade_basis"])
def test_hazard_transitions_writing_through_update_refuse_over_long_text(world, field):
    hazard = _report(world)
    admin = world.users["school_admin"]
    hazard_actions.transition(admin, hazard, "register")
    if field == "grade_basis":
        with pytest.raises(ValidationError) as exc:
            hazard_actions.transition(admin, hazard, "grade", grade="general", grade_basis="依据" * 5000)
    else:
        hazard_actions.transition(admin, hazard, "grade", grade="general")
        with pytest.raises(ValidationError) as exc:
            hazard_actions.transition(admin, hazard, "start_rectification", measures="更换", **{field: "科" * 5000},
                                      responsible=world.people["a1_teacher"],
                                      deadline=timezone.localdate() + datetime.timedelta(days=3))
    assert field in exc.value.message_dict
    hazard.refresh_from_db()
    assert getattr(hazard, field) == ""  # nothing half-written


def test_over_long_text_over_the_api_is_a_422_naming_the_field(world, api):
    hazard = _graded(world)
    response = api("post", f"/hazards/{hazard.pk}/transitions", {
        "action": "start_rectification", "measures": "更换", "responsible_id": world.people["a1_teacher"].pk,
        "deadline": str(timezone.localdate() + datetime.timedelta(days=3)), "funds_source": "款" * 300})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "funds_source"


@pytest.mark.parametrize("funds", [1e20, "1e20", "NaN", "Infinity", "-Infinity"])
def test_decimals_refuse_huge_and_non_finite_values(world, api, funds):
    hazard = _graded(world)
    body = json.dumps({"action": "start_rectification", "measures": "更换",
                       "responsible_id": world.people["a1_teacher"].pk,
                       "deadline": str(timezone.localdate() + datetime.timedelta(days=3))})
    raw = body[:-1] + f', "funds": {json.dumps(funds) if isinstance(funds, str) else funds}}}'
    response = api("post", f"/hazards/{hazard.pk}/transitions", raw=raw)
    assert response.status_code == 422, response.content
    assert "funds" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "graded"


@pytest.mark.parametrize("constant", ["NaN", "Infinity"])
def test_bare_nan_in_json_is_not_json(world, api, constant):
    response = api("post", "/hazards", raw='{"unit_id": 1, "funds": ' + constant + '}')
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON"


def test_malformed_json_answers_in_chinese(world, api):
    response = api("post", "/hazards", raw='{"unit_id": ')
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON"


def test_an_impossible_html_datetime_is_a_field_error(world, as_user):
    response = as_user("school_admin").post("/hazards/new/", {
        "unit": world.a1.pk, "location": "操场", "category": "XF", "description": "护栏松动",
        "found_at": "2026-02-30T10:00"})
    assert response.status_code == 200
    assert "不是有效的时间" in response.content.decode()


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808",
                                   "offset=9223372036854775807", "limit=99999999999999999999999"])
def test_huge_limit_or_offset_is_a_422(world, api, query):
    response = api("get", f"/hazards?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] in ("limit", "offset")


def test_an_id_filter_beyond_a_database_integer_is_a_422_and_an_empty_page(world, api, as_user):
    # found by the negative fuzz pass (tests/test_api_fuzz.py): SQLite raised OverflowError → 500
    response = api("get", "/inspections?unit=182247099866609025024")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "unit"
    assert as_user("bureau_admin").get("/inspections/?unit=182247099866609025024").status_code == 200


def test_an_out_of_range_year_is_a_422_everywhere(world, api):
    assert api("get", f"/accountability/dossier/{world.posts['a1_teacher'].pk}?year=0").status_code == 422
    for path, body in [("/assessment/schemes", {"bureau_id": world.bureau_a.pk, "year": 0, "name": "考核"}),
                       ("/drills/plans", {"school_id": world.a1.pk, "year": 0, "items": []})]:
        response = api("post", path, body)
        assert response.status_code == 422, (path, response.content)


def test_year_zero_is_refused_under_every_save(world):
    from anxiao.core.validation import check_values
    from anxiao.drills.models import DrillPlan

    with pytest.raises(ValidationError) as exc:
        check_values(DrillPlan, {"year": 0})
    assert "year" in exc.value.message_dict


def test_an_invalid_choice_is_a_422_naming_the_field(world, api):
    response = api("post", "/posts", {"unit_id": world.a1.pk, "kind": "emperor"})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] in ("kind", "is_active")
    assert not Post.objects.filter(kind="emperor").exists()
    response = api("post", "/regions", {"name": "新区", "level": "galaxy", "parent_id": world.county_a.pk})
    assert response.status_code == 422, response.content
    assert not Region.objects.filter(level="galaxy").exists()


def test_null_for_a_required_field_on_patch_is_a_422(world, api):
    post = Post.objects.filter(unit=world.a1).first()
    response = api("patch", f"/posts/{post.pk}", {"is_active": None})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] in ("kind", "is_active")


def test_api_404_for_a_bad_path_id_is_json_in_chinese(world, api):
    for path in ["/hazards/abc", "/hazards/999999999", "/no-such-thing"]:
        response = api("get", path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert "不存在" in response.json()["detail"] or "未找到" in response.json()["detail"]


def test_an_integer_beyond_64_bits_in_a_json_body_is_a_400_in_chinese(world, api):
    response = api("post", "/notifications/read", {"ids": [1, -14255601890546399779487744]})
    assert response.status_code == 400, response.content
    assert "超出范围" in response.json()["detail"]


@pytest.mark.parametrize("value", ["²", "①", "٣x"])
def test_a_unicode_digit_where_an_id_is_expected_is_not_a_500(world, as_user, value):
    client = as_user("school_admin")
    assert client.get("/hazards/", {"unit": value, "region": value, "risk": value}).status_code == 200
    response = client.post("/hazards/new/", {"unit": value, "location": "操场", "category": "XF",
                                             "description": "护栏松动"})
    assert response.status_code == 200
