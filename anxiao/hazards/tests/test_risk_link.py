"""A hazard linked to the risk it comes from (双重预防): at report, later, in the API, the filter and the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anxiao.hazards import actions
from anxiao.hazards.models import Hazard

pytestmark = pytest.mark.django_db


def _risk(world, school=None, area="食堂后厨"):  # type: ignore[no-untyped-def]
    from anxiao.risks.actions import save_risk

    return save_risk(None, None, school=school or world.a1, area=area, method="ls", ls_l=3, ls_s=4, category="food")


def test_it_links_a_risk_at_report_and_shows_it_in_the_timeline(world, as_user):
    risk = _risk(world)
    client = as_user("school_admin")
    client.post("/hazards/new/", {"unit": world.a1.pk, "location": "后厨", "category": "SP", "description": "燃气软管老化",
                                  "risk": risk.pk})
    hazard = Hazard.objects.get()
    assert hazard.risk == risk
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "关联风险：食堂后厨" in page and f"/risks/register/{risk.pk}/" in page
    assert client.get(f"/hazards/?risk={risk.pk}").context["counts"]["total"] == 1
    assert client.get(f"/hazards/?risk={risk.pk + 99}").context["counts"]["total"] == 0


def test_it_refuses_a_risk_of_another_school(world):
    other = _risk(world, school=world.a2)
    with pytest.raises(ValidationError) as exc:
        actions.report_hazard(world.users["bureau_admin"], unit=world.a1, location="x", category="SP", description="y",
                              risk=other)
    assert "不是本单位风险清单中的风险" in exc.value.message_dict["risk"][0]
    assert not Hazard.objects.exists()


def test_it_links_and_unlinks_later_through_the_transition(world, as_user):
    risk = _risk(world)
    hazard = actions.report_hazard(world.users["school_admin"], unit=world.a1, location="后厨", category="SP",
                                   description="燃气软管老化")
    client = as_user("school_admin")
    client.post(f"/hazards/{hazard.pk}/transition/", {"action": "link_risk", "risk": risk.pk})
    hazard.refresh_from_db()
    assert hazard.risk == risk and hazard.events.filter(action="link_risk").count() == 1
    # a risk the user cannot see is refused, nothing changes
    b_risk = _risk(world, school=world.b1)
    client.post(f"/hazards/{hazard.pk}/transition/", {"action": "link_risk", "risk": b_risk.pk})
    hazard.refresh_from_db()
    assert hazard.risk == risk
    client.post(f"/hazards/{hazard.pk}/transition/", {"action": "link_risk", "risk": ""})
    hazard.refresh_from_db()
    assert hazard.risk is None and hazard.events.filter(action="link_risk").count() == 2


def test_the_api_sets_reads_and_filters_the_risk(world, as_user):
    risk = _risk(world)
    client = as_user("school_admin")
    created = client.post("/api/v1/hazards", {"unit_id": world.a1.pk, "location": "后厨", "category": "SP",
                                              "description": "燃气软管老化", "risk_id": risk.pk},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["risk_id"] == risk.pk
    assert [h["id"] for h in client.get(f"/api/v1/hazards?risk={risk.pk}").json()["items"]] == [created.json()["id"]]
    other = _risk(world, school=world.b1)
    refused = client.post(f"/api/v1/hazards/{created.json()['id']}/transitions", {"action": "link_risk",
                                                                                  "risk_id": other.pk},
                          content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "risk"


def test_a_task_routed_to_an_agency_from_a_hazard_appears_in_its_timeline(world):
    import datetime

    from django.utils import timezone

    from anxiao.chiefs import actions as chiefs
    from anxiao.chiefs.tests.fixtures import chiefs_world

    c = chiefs_world(world)
    hazard = Hazard.objects.create(unit=world.a1, location="校门东侧鱼塘", category="NS", description="鱼塘无护栏",
                                   found_at=timezone.now(), status="registered", reported_up_at=timezone.now())
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    task = chiefs.create_task(None, government=c.town_gov, agency=c.police, hazard=hazard, title="鱼塘设置护栏",
                              deadline=deadline)
    event = hazard.events.get(action="routed_to_agency")
    assert (event.label, event.to_status, event.data["task"]) == ("交办成员单位", "registered", task.pk)
    assert "甲县公安局" in event.note and str(deadline) in event.note
    # a closed hazard stays read-only: the task is created, the timeline untouched
    Hazard.objects.filter(pk=hazard.pk).update(status="closed")
    hazard.refresh_from_db()
    chiefs.create_task(None, government=c.town_gov, agency=c.police, hazard=hazard, title="再次交办", deadline=deadline)
    assert hazard.events.filter(action="routed_to_agency").count() == 1
