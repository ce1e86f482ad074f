from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anxiao.core.testing import refused
from anxiao.incidents import actions
from anxiao.incidents.grading import accident_level
from anxiao.incidents.models import IncidentEvent, ReportingRule

from .factories import incident_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("deaths", "serious", "loss", "level"), [
    (0, 0, 0, "general"), (2, 9, Decimal("9999999.99"), "general"), (3, 0, 0, "larger"), (0, 10, 0, "larger"),
    (0, 0, Decimal("10000000"), "larger"), (9, 49, 0, "larger"), (10, 0, 0, "major"), (0, 50, 0, "major"),
    (29, 99, Decimal("99999999"), "major"), (30, 0, 0, "especially_major"), (0, 100, 0, "especially_major"),
    (0, 0, Decimal("100000000"), "especially_major"),
])
def test_it_grades_accidents_by_decree_493(deaths, serious, loss, level):
    assert accident_level(deaths, serious, loss) == level


def test_it_starts_the_30_minute_and_2_hour_clocks_when_the_school_learns(world):
    incident = incident_in(world, minutes_ago=0)
    assert incident.phone_due_at - incident.learned_at == datetime.timedelta(minutes=30)
    assert incident.written_due_at - incident.learned_at == datetime.timedelta(hours=2)
    assert incident.clock("phone")["state"] == "pending"


def test_a_bureau_can_change_its_deadlines(world):
    ReportingRule.objects.create(bureau=world.bureau_a, phone_minutes=60, written_minutes=240)
    incident = incident_in(world, minutes_ago=0, title="另一起")
    assert incident.phone_due_at - incident.learned_at == datetime.timedelta(hours=1)


def test_a_late_phone_report_is_marked_late(world):
    incident = incident_in(world, minutes_ago=45)
    entry = actions.report(world.users["school_admin"], incident, kind="phone")
    incident.refresh_from_db()
    assert entry.late and incident.clock("phone")["state"] == "late"
    assert incident.reported_late


def test_follow_up_report_updates_figures_and_level(world):
    incident = incident_in(world)
    actions.report(world.users["school_admin"], incident, kind="follow_up", content="伤情加重", serious_injuries=12)
    incident.refresh_from_db()
    assert incident.serious_injuries == 12 and incident.level == "larger"
    assert incident.events.filter(kind="level_changed").exists()


def test_it_refuses_an_incident_in_the_future_and_learned_before_it_happened(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        actions.record(world.users["school_admin"], world.a1, title="未来事件", category="accident",
                       occurred_at=now + datetime.timedelta(hours=2), learned_at=now + datetime.timedelta(hours=3),
                       place="操场")
    assert "不能晚于现在" in str(exc.value.error_dict["occurred_at"])
    with pytest.raises(ValidationError) as exc:
        actions.record(world.users["school_admin"], world.a1, title="顺序错", category="accident",
                       occurred_at=now, learned_at=now - datetime.timedelta(hours=1), place="操场")
    assert "learned_at" in exc.value.error_dict


def test_it_refuses_a_report_before_the_incident(world):
    incident = incident_in(world)
    with pytest.raises(ValidationError) as exc:
        actions.report(world.users["school_admin"], incident, kind="phone",
                       made_at=incident.occurred_at - datetime.timedelta(minutes=1))
    assert "早于事件发生时间" in str(exc.value.error_dict["made_at"])


def test_a_viewer_cannot_report(world):
    with pytest.raises(PermissionDenied):
        actions.report(world.users["bureau_viewer"], incident_in(world), kind="phone")


def test_it_closes_only_after_reports_and_follow_up_actions(world):
    user = world.users["school_admin"]
    incident = incident_in(world)
    action = actions.add_action(user, incident, description="家长沟通")
    with pytest.raises(ValidationError) as exc:
        actions.close(user, incident)
    assert "电话报告" in str(exc.value) and "1 项后续措施" in str(exc.value)
    actions.report(user, incident, kind="phone")
    actions.report(user, incident, kind="written", content="简要经过……")
    actions.complete_action(user, action, "已与家长沟通")
    incident.refresh_from_db()
    assert actions.close(user, incident).status == "closed"
    with refused("kind"):
        actions.report(user, incident, kind="follow_up")


def test_the_sweep_reminds_once_and_escalates_once(world):
    incident = incident_in(world, minutes_ago=25)  # 5 minutes left on the phone clock
    first = actions.sweep_clocks()
    again = actions.sweep_clocks()
    assert [e.kind for e in first] == ["reminder"] and again == []
    later = timezone.now() + datetime.timedelta(minutes=10)
    escalated = actions.sweep_clocks(now=later)
    assert [e.note for e in escalated] == ["电话报告已超时，已提醒教育局安全办"]
    assert IncidentEvent.objects.filter(incident=incident, kind="escalated").count() == 1


def test_bureau_list_shows_late_reports(as_user, world):
    incident_in(world, minutes_ago=200)
    body = as_user("bureau_viewer").get("/incidents/?late=1").content.decode()
    assert "学生课间摔伤" in body and "未报" in body


def test_phone_form_records_an_incident(as_user, world):
    client = as_user("school_member")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post("/incidents/new/", {
        "unit": world.a1.pk, "title": "学生溺水险情", "category": "accident", "subcategory": "drowning",
        "occurred_at": now, "learned_at": now, "place": "校外河道", "deaths": 0, "serious_injuries": 0,
        "minor_injuries": 0, "missing": 0, "direct_loss": 0})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "电话口头报告" in detail and "剩余" in detail


def test_demo_has_a_late_report_and_an_open_incident(db):
    from anxiao.core.demo import DemoContext
    from anxiao.incidents import demo as incidents_demo
    from anxiao.incidents.models import Incident
    from anxiao.org import demo as org_demo

    ctx = DemoContext()
    org_demo.build(ctx)
    incidents_demo.build(ctx)
    incidents = list(Incident.objects.all())
    assert len(incidents) == 6
    assert sum(1 for i in incidents if i.reported_late) >= 1
    assert any(i.status == "open" for i in incidents)
    assert any(i.minor_injuries == 9 for i in incidents)


def test_an_escalation_reaches_the_school_heads_and_the_bureau_safety_office(world):
    from anxiao.notifications.models import Outbox

    incident_in(world, minutes_ago=40)
    actions.sweep_clocks()
    titles = list(Outbox.objects.values_list("user__username", "title"))
    users = {u for u, _t in titles}
    assert {"school_admin", "bureau_admin"} <= users and "bureau_viewer" not in users
    assert all("超时上报" in t for _u, t in titles)


def test_a_school_keeps_its_seven_emergency_teams_with_members(as_user, world):
    from anxiao.incidents.models import EmergencyTeam

    client = as_user("school_admin")
    body = client.get(f"/incidents/schools/{world.a1.pk}/teams/").content.decode()
    assert body.count("<tr>") == 8 and "事故调查组" in body
    team = EmergencyTeam.objects.get(unit=world.a1, kind="rescue")
    client.post(f"/incidents/teams/{team.pk}/", {"leader": world.posts["a1_principal"].pk,
                                                 "members": [world.posts["a1_teacher"].pk], "duties": "现场救护"})
    team.refresh_from_db()
    assert team.leader == world.posts["a1_principal"]
    assert list(team.members.all()) == [world.posts["a1_teacher"]]
    with refused("members"):
        actions.save_team(world.users["sysadmin"], team, members=[world.posts["b1_principal"]])
