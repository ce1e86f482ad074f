from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from anxiao.staffing import actions, compliance
from anxiao.staffing.models import SchoolProfile
from anxiao.staffing.rules import EQUIPMENT_CODES, GuardStandard

pytestmark = pytest.mark.django_db

FULL = {"safety_office_size": 3, "has_safety_office_director": True, "has_safety_department": True,
        "alarm_linked": True, "video_linked": True, "video_retention_days": 30, "closed_perimeter": True,
        "anti_ramming": True, "security_room": True, "gate_duty_24h": True}


# Training days are counted per term, so the checks run on a fixed day well inside the autumn term.
DAY = datetime.date(2026, 11, 20)


def _guard(profile, name="赵保安", born=datetime.date(1980, 1, 1), training_days=3, **extra):  # type: ignore[no-untyped-def]
    data = {"company": "平安保安公司", "equipment": list(EQUIPMENT_CODES)} | extra
    guard = actions.save_guard(None, None, profile=profile, name=name, birth_date=born, **data)
    if training_days:  # the days come from a guard-training record of the education app
        from anxiao.education.actions import record

        record(None, kind="guard_training", school=profile.school, occurred_on=DAY - datetime.timedelta(days=10),
               days=training_days, topic="脱产岗位技能培训", guards=[guard], today=DAY)
    return guard


def _findings(world):  # type: ignore[no-untyped-def]
    from anxiao.staffing.views import visible_schools

    [(_school, found)] = compliance.findings_by_school(visible_schools(world.users["sysadmin"]).filter(pk=world.a1.pk),
                                                        DAY)
    return found


def test_it_reports_a_school_short_of_guards_by_how_much(world):
    # given a1 with 1100 students and 90 staff (needs 6 guards) and 4 compliant guards
    profile = actions.save_profile(None, None, school=world.a1, students=1100, staff=90, **FULL)
    for i in range(4):
        _guard(profile, name=f"保安{i}")
    # when the rules are checked
    found = _findings(world)
    # then the only finding is the shortfall, in the bureau's words
    assert [(f.code, f.message, f.shortfall) for f in found] == [("guards", "需配备 6 名保安，现有 4 名", 2)]


def test_it_follows_the_bureaus_standard(world):
    # given the bureau chose GB/T 29315-2022 (1100 day students → 4 with rounding up)
    actions.save_settings(None, None, bureau=world.bureau_a, guard_standard=GuardStandard.GBT29315)
    profile = actions.save_profile(None, None, school=world.a1, students=1100, staff=90, **FULL)
    for i in range(4):
        _guard(profile, name=f"保安{i}")
    # then four guards are enough
    assert _findings(world) == []


def test_it_flags_each_guard_rule_and_missing_office(world):
    # given a school of 1000 with a one-person office, no 安全科, and a guard who breaks every guard rule
    profile = actions.save_profile(None, None, school=world.a1, students=1000, staff=0,
                                   **(FULL | {"safety_office_size": 1, "has_safety_department": False}))
    old = DAY.replace(year=DAY.year - 56)
    _guard(profile, name="老李", born=old, from_security_company=False, company="", training_days=1,
           equipment=["helmet"])
    # when checked
    codes = {f.code: f.message for f in _findings(world)}
    # then every broken rule is listed
    assert codes["safety_office"] == "安全办需 3 人（含主任），现有 1 人"
    assert "安全科" in codes["safety_department"]
    assert "56 周岁" in codes["guard_age"]
    assert "社会人员" in codes["guard_source"]
    assert "钢叉" in codes["guard_equipment"] and "头盔" not in codes["guard_equipment"]
    assert "1 天" in codes["guard_training"]
    assert codes["guards"] == "需配备 4 名保安，现有 1 名"


def test_it_lists_a_school_without_a_profile(world):
    assert [f.code for f in _findings(world)] == ["profile"]


def test_it_refuses_negative_counts_and_a_guard_born_in_the_future(world):
    with pytest.raises(ValidationError) as exc:
        actions.save_profile(None, None, school=world.a1, students=-5)
    assert exc.value.message_dict["students"] == ["学生人数不能为负数"]
    profile = actions.save_profile(None, None, school=world.a1, students=100)
    with pytest.raises(ValidationError) as exc:
        _guard(profile, born=timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.message_dict["birth_date"] == ["出生日期不能晚于今天"]
    with pytest.raises(ValidationError) as exc:
        _guard(profile, equipment=["gun"])
    assert "装备" in exc.value.message_dict["equipment"][0]


def test_a_school_admin_cannot_write_another_schools_profile(world):
    with pytest.raises(PermissionDenied):
        actions.save_profile(world.users["school_admin"], None, school=world.b1, students=10)
    assert not SchoolProfile.objects.exists()


def test_the_api_and_the_cli_return_the_same_rules(as_user, world, capsys):
    # given a campus of 1200 students, 100 staff, 301 boarders
    client = as_user("school_member")
    # when asked through the API and the CLI
    api = client.get("/api/v1/rules/staffing?students=1200&staff=100&boarders=301&stage=junior").json()
    call_command("rules", "staffing", "--students", "1200", "--staff", "100", "--boarders", "301",
                 "--stage", "junior", "--json")
    cli = json.loads(capsys.readouterr().out)
    # then both say the same, and 10 guards are needed
    assert api == cli
    assert next(r for r in api["rules"] if r["code"] == "guards")["required"] == 10


def test_bad_input_is_refused_in_chinese_by_api_and_cli(as_user, world):
    client = as_user("school_member")
    response = client.get("/api/v1/rules/staffing?students=-1&staff=0&stage=primary")
    assert response.status_code == 422
    assert "学生人数不能为负数" in response.json()["detail"]
    with pytest.raises(CommandError, match="教职工人数不能为负数"):
        call_command("rules", "staffing", "--students", "10", "--staff", "-1", "--stage", "primary")


def test_the_rollup_page_lists_failing_schools(as_user, world):
    # given a1 short of guards
    actions.save_profile(None, None, school=world.a1, students=1100, staff=90, **FULL)
    # when the bureau opens the roll-up
    body = as_user("bureau_viewer").get("/staffing/compliance/").content.decode()
    # then a1 is listed with the shortfall
    assert "新华中学" in body and "需配备 6 名保安，现有 0 名" in body


def test_the_demo_county_fails_staffing_in_a_few_schools_only(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.org import demo as org_demo
    from anxiao.staffing import demo
    from anxiao.staffing.views import visible_schools

    # given the org demo county
    # when the staffing demo runs on the org demo county
    ctx = run_parts(DemoContext(), org_demo, demo)
    # then every school has a profile, one guard is over 55, and some but not most schools fail on guards
    from anxiao.accounts.models import User

    rows = compliance.findings_by_school(visible_schools(User.objects.get(username="anquanban")), ctx.today)
    assert len(rows) == len(ctx.data["schools"]) == SchoolProfile.objects.count()
    codes = [f.code for _s, found in rows for f in found]
    assert codes.count("guard_age") == 1
    short = sum(1 for _s, found in rows if any(f.code == "guards" for f in found))
    assert 2 <= short <= len(rows) // 3


def test_the_guard_form_shows_a_future_birth_date_on_its_field(as_user, world):
    # given a campus of a1
    profile = actions.save_profile(None, None, school=world.a1, students=300, staff=20)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    form = {"profile": profile.pk, "name": "孙保安", "from_security_company": "on", "company": "平安保安公司",
            "birth_date": future, "equipment": ["helmet", "fork"], "is_active": "on"}
    # when the school saves a guard born in the future
    response = as_user("school_admin").post("/staffing/guards/new/", form)
    # then the page says why, and nothing is saved
    assert response.status_code == 200
    assert "出生日期不能晚于今天" in response.content.decode()
    # and with a real birth date the guard is saved with the ticked equipment
    response = as_user("school_admin").post("/staffing/guards/new/", form | {"birth_date": "1980-02-29"})
    assert response.status_code == 302
    assert profile.guards.get().equipment == ["helmet", "fork"]


def test_the_rollup_costs_the_same_queries_for_more_schools_and_guards(as_user, world, django_assert_max_num_queries):
    # given one school with a profile and a guard, and a baseline for the page
    client = as_user("bureau_admin")
    profile = actions.save_profile(None, None, school=world.a1, students=1100, staff=90, **FULL)
    _guard(profile)
    client.get("/staffing/compliance/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        client.get("/staffing/compliance/")
    # when a second school and more guards are added
    other = actions.save_profile(None, None, school=world.a2, students=600, staff=20, **FULL)
    for i in range(2):
        _guard(other, name=f"保安{i}")
    # then the roll-up needs no more queries
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get("/staffing/compliance/")
    assert "需配备 4 名保安，现有 2 名" in response.content.decode()


def test_the_compliance_api_lists_failing_schools_in_scope(client, world):
    from anxiao.accounts.models import ApiToken

    # given a1 short of guards and b1 (another county) short too
    actions.save_profile(None, None, school=world.a1, students=1100, staff=90, **FULL)
    actions.save_profile(None, None, school=world.b1, students=100, staff=10, **FULL)
    _token, raw = ApiToken.issue(world.users["bureau_viewer"])
    # when county A's bureau asks for failing schools
    rows = client.get("/api/v1/staffing/compliance?failing=true", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    # then a1 (and a2, which has no profile) are listed, b1 is not
    by_name = {r["school"]: r for r in rows}
    assert set(by_name) == {"新华中学", "甲镇幼儿园"}
    assert by_name["新华中学"]["findings"][0]["message"] == "需配备 6 名保安，现有 0 名"
    assert by_name["甲镇幼儿园"]["findings"][0]["code"] == "profile"
