from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxiao.accounts.models import ApiToken
from anxiao.obligations import actions
from anxiao.obligations.models import Activity, ObligationRule, Occurrence, Status
from anxiao.obligations.views import compliance_rows, my_work_items

# These local rules take the recorder's word (a bureau may say so): one tap meets them (crediting.py).
SELF = {"records": ["entry"], "evidence": "self"}


@pytest.fixture
def drills(world):
    """Monthly drills for the schools and weekly lessons per class in bureau A, expanded for today."""
    today = timezone.localdate()
    world.drill = ObligationRule.objects.create(bureau=world.bureau_a, code="t.drill", title="每月应急疏散演练",
                                                activity_kind="drill", unit_kinds=["school"], period="month",
                                                credit=SELF)
    world.lesson = ObligationRule.objects.create(bureau=world.bureau_a, code="t.lesson", title="每周安全教育课",
                                                 activity_kind="safety_lesson", unit_kinds=["school"], scope="class",
                                                 period="week", credit=SELF)
    actions.expand(world.bureau_a, today)
    world.today = today
    return world


def _this(rule, **lookup) -> Occurrence:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return Occurrence.objects.get(rule=rule, period_start__lte=today, period_end__gte=today, **lookup)


def test_it_shows_a_principal_what_is_due(drills, as_user) -> None:
    # given the principal of a1 (school_admin)
    # when they open the home page
    body = as_user("school_admin").get("/").content.decode()
    # then this month's drill of their school is listed with a one-tap button
    assert "每月应急疏散演练" in body and "今天已完成" in body
    # and a teacher sees their class's weekly lesson but not the school's drill
    body = as_user("school_member").get("/obligations/").content.decode()
    assert "每周安全教育课" in body and "每月应急疏散演练" not in body


def test_it_records_the_activity_with_one_tap(drills, as_user) -> None:
    # given the drill of a1 is due
    occ = _this(drills.drill, unit=drills.a1)
    # when the principal taps "done today"
    response = as_user("school_admin").post(f"/obligations/occurrences/{occ.pk}/done/", {"next": "/"})
    # then a drill is recorded for today and the slot is done
    assert response.status_code == 302
    occ.refresh_from_db()
    assert occ.status_on(drills.today) == Status.DONE
    assert Activity.objects.get().occurred_on == drills.today


def test_it_lets_a_teacher_tap_their_own_lesson(drills, as_user) -> None:
    occ = _this(drills.lesson, post=drills.posts["a1_teacher"])
    response = as_user("school_member").post(f"/obligations/occurrences/{occ.pk}/done/",
                                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已完成" in response.content.decode()
    occ.refresh_from_db()
    assert occ.done_count == 1


def test_it_keeps_a_fixed_number_of_queries_on_my_work(drills, django_assert_num_queries) -> None:
    # given a principal
    user = drills.users["school_admin"]
    # when their work is listed
    # then it takes six queries (posts, grants, the ids of the units in scope, the post kinds that inspect schools
    # and the scope's posts of those kinds that might hold another unit's slots, occurrences) whatever the data size
    with django_assert_num_queries(6):
        items = my_work_items(user)
    assert items["week"] or items["period"]


def test_it_keeps_the_my_work_page_flat_when_data_grows(drills, client) -> None:
    # given the principal's page with one school's slots
    client.force_login(drills.users["school_admin"])
    client.get("/obligations/")
    with CaptureQueriesContext(connection) as small:
        client.get("/obligations/")
    # when many more rules and slots exist
    for i in range(15):
        ObligationRule.objects.create(bureau=drills.bureau_a, code=f"t.more{i}", title=f"规则{i}",
                                      activity_kind="inspection", unit_kinds=["school"], period="month")
    actions.expand(drills.bureau_a, drills.today)
    with CaptureQueriesContext(connection) as large:
        body = client.get("/obligations/").content.decode()
    # then the page runs the same number of queries
    assert "规则14" in body
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_computes_compliance_per_unit_with_rag(drills) -> None:
    # given a1 did March's drill and a2 did not (looking back from April)
    w = drills
    rule = ObligationRule.objects.create(bureau=w.bureau_a, code="t.past", title="演练", activity_kind="drill",
                                         unit_kinds=["school"], period="month")
    actions.expand(w.bureau_a, datetime.date(2026, 3, 1), rules=ObligationRule.objects.filter(pk=rule.pk),
                   ahead=0, prune=False)
    occ = Occurrence.objects.get(rule=rule, unit=w.a1)
    occ.done_count, occ.completed_on, occ.met_slots, occ.day_mask = 1, datetime.date(2026, 3, 5), 1, 1
    occ.save()
    # when compliance is rolled up per unit
    rows = {r["name"]: r for r in compliance_rows(Occurrence.objects.filter(rule=rule), "unit",
                                                  datetime.date(2026, 4, 2))}
    # then a1 is green at 100% and a2 red at 0%
    assert (rows["新华中学"]["rate"], rows["新华中学"]["rag"]) == (100.0, "green")
    assert (rows["甲镇幼儿园"]["rate"], rows["甲镇幼儿园"]["rag"]) == (0.0, "red")
    # and per region the town holds both
    region = compliance_rows(Occurrence.objects.filter(rule=rule), "region", datetime.date(2026, 4, 2),
                             w.county_a)
    assert [(r["name"], r["rate"]) for r in region] == [("甲镇", 50.0)]


def test_it_renders_compliance_calendar_and_lists(drills, as_user) -> None:
    client = as_user("bureau_admin")
    for url in ("/obligations/compliance/?by=unit", "/obligations/compliance/?by=region",
                "/obligations/compliance/?by=person", "/obligations/compliance/?by=department",
                "/obligations/calendar/", "/obligations/calendar/?month=2026-02",
                "/obligations/occurrences/?status=due", f"/obligations/rules/{drills.drill.pk}/"):
        assert client.get(url).status_code == 200, url


def test_it_refuses_a_forbidden_attachment_in_the_form(drills, as_user) -> None:
    # given the record form
    client = as_user("school_admin")
    # when a drill is saved with a script attached
    response = client.post("/obligations/activities/new/", {
        "kind": "drill", "occurred_on": drills.today.isoformat(), "unit": drills.a1.pk,
        "attachments": SimpleUploadedFile("run.bat", b"echo"),
    })
    # then the form shows the refusal and nothing is saved
    assert response.status_code == 200 and "run.bat" in response.content.decode()
    assert not Activity.objects.exists()


def _api(client, user, method, url, body):  # type: ignore[no-untyped-def]
    _token, raw = ApiToken.issue(user)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json",
                                   HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_refuses_bad_input_through_the_api(drills, client) -> None:
    admin = drills.users["bureau_admin"]
    # an activity in the future
    tomorrow = (drills.today + datetime.timedelta(days=1)).isoformat()
    r = _api(client, drills.users["school_admin"], "post", "/api/v1/activities",
             {"kind": "drill", "occurred_on": tomorrow, "unit_id": drills.a1.pk})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "occurred_on"
    # an impossible quota
    r = _api(client, admin, "post", "/api/v1/obligation-rules",
             {"bureau_id": drills.bureau_a.pk, "title": "x", "activity_kind": "drill", "period": "month", "quota": 0})
    assert r.status_code == 422 and "quota" in r.json()["detail"]
    # an impossible period
    r = _api(client, admin, "post", "/api/v1/obligation-rules",
             {"bureau_id": drills.bureau_a.pk, "title": "x", "activity_kind": "drill", "period": "fortnight"})
    assert r.status_code == 422 and "周期" in r.json()["detail"]


def test_it_filters_occurrences_through_the_api(drills, client) -> None:
    _token, raw = ApiToken.issue(drills.users["bureau_admin"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client.get(f"/api/v1/occurrences?subtree={drills.a1.pk}&status=due&kind=drill", **auth)
    items = r.json()["items"]
    assert [i["unit_id"] for i in items] == [drills.a1.pk]
    assert items[0]["status"] == "due" and items[0]["rule_title"] == "每月应急疏散演练"


def test_it_lets_a_bureau_add_its_own_rule_and_refuses_an_impossible_one(drills, as_user) -> None:
    client = as_user("bureau_admin")
    data = {"bureau": drills.bureau_a.pk, "title": "每月校车安全检查", "activity_kind": "inspection", "unit_kinds": "school",
            "stages": "primary, junior", "boarding": "unknown", "scope": "own", "quota": "0", "period": "month",
            "due_rule": "end_of_period", "grace_days": "0", "enabled": "on"}
    # when the quota is 0
    response = client.post("/obligations/rules/new/", data)
    # then the form says so on the field
    assert response.status_code == 200 and "每周期至少次数必须大于 0" in response.content.decode()
    # when the quota is 2
    response = client.post("/obligations/rules/new/", {**data, "quota": "2"})
    # then the rule exists with the lists parsed
    assert response.status_code == 302
    rule = ObligationRule.objects.get(title="每月校车安全检查")
    assert (rule.quota, rule.stages, rule.bureau_id) == (2, ["primary", "junior"], drills.bureau_a.pk)


def test_it_does_not_redirect_to_another_site_after_a_tap(drills, as_user) -> None:
    occ = _this(drills.drill, unit=drills.a1)
    response = as_user("school_admin").post(f"/obligations/occurrences/{occ.pk}/done/",
                                             {"next": "https://evil.example/"})
    assert response["Location"] == "/obligations/"


def test_the_home_shows_a_few_of_each_group_and_the_way_to_all(drills, client) -> None:
    from anxiao.obligations.views import HOME_TOP

    # given a principal with many slots due
    for i in range(10):
        ObligationRule.objects.create(bureau=drills.bureau_a, code=f"t.more{i}", title=f"规则{i:02d}",
                                      activity_kind="inspection", unit_kinds=["school"], period="month",
                                      credit=SELF)
    actions.expand(drills.bureau_a, drills.today)
    items = my_work_items(drills.users["school_admin"])
    total = len(items["late"]) + len(items["week"]) + len(items["period"])
    assert total >= 11
    client.force_login(drills.users["school_admin"])
    # when they open the home page on their phone
    home = client.get("/").content.decode()
    # then 我的工作 is short: the counts, at most a few items per group shown, and the way to all of them
    section = home[home.index('id="home-my-work"'):]
    section = section[:section.index("</section>")]
    shown = sum(section.count(f"规则{i:02d}") for i in range(10)) + section.count("每月应急疏散演练")
    assert 0 < shown <= 2 * HOME_TOP
    assert f"更多：全部 {total} 项应办事项" in section and 'href="/obligations/"' in section
    # and the full page still lists every one
    page = client.get("/obligations/").content.decode()
    assert all(f"规则{i:02d}" in page for i in range(10))
