from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anxiao.accountability import actions, dossier
from anxiao.accountability.models import CaseStatus, Finding, Measure
from anxiao.core.testing import refused
from anxiao.incidents.tests.factories import incident_in

pytestmark = pytest.mark.django_db


def _case(world, **kw):  # type: ignore[no-untyped-def]
    incident = incident_in(world, minutes_ago=90)
    data = {"title": "摔伤事件迟报", "source_kind": "incident", "source": incident, "year": incident.learned_at.year,
            "posts": [world.posts["a1_principal"], world.posts["a1_officer"]], **kw}
    return actions.open_case(world.users["bureau_admin"], world.a1, **data)


def test_the_dossier_is_assembled_from_real_records(world):
    # given a late-reported incident at a1 and a case about it
    case = _case(world)
    # when the principal's dossier is assembled
    sections = {s.title: s for s in dossier.assemble(world.posts["a1_principal"], case.year)}
    # then it shows the post and the incident with its late report as a concern
    assert "岗位与任职" in sections
    assert any("迟报" in c for c in sections["事故与报告"].concerns)


def test_a_decision_needs_a_finding_and_reasons(world):
    case = _case(world)
    with pytest.raises(ValidationError) as exc:
        actions.decide(world.users["bureau_admin"], case, post=world.posts["a1_principal"], finding="",
                       reasoning="", measures=[])
    assert {"finding", "reasoning"} <= set(exc.value.error_dict)


def test_dereliction_needs_a_measure_and_diligence_takes_none(world):
    case = _case(world)
    user = world.users["bureau_admin"]
    with refused("measures"):
        actions.decide(user, case, post=world.posts["a1_officer"], finding=Finding.DERELICT, reasoning="未报告",
                       measures=[])
    with refused("measures"):
        actions.decide(user, case, post=world.posts["a1_principal"], finding=Finding.DILIGENT, reasoning="已履职",
                       measures=[Measure.CRITICISM])
    actions.decide(user, case, post=world.posts["a1_principal"], finding=Finding.DILIGENT, reasoning="已履职",
                   measures=[])
    actions.decide(user, case, post=world.posts["a1_officer"], finding=Finding.DERELICT, reasoning="未按时报告",
                   measures=[Measure.VETO])
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert [d.post for d in actions.veto_decisions(world.a1, case.year)] == [world.posts["a1_officer"]]


def test_a_school_cannot_decide_on_itself(world):
    case = _case(world)
    with pytest.raises(PermissionDenied):
        actions.decide(world.users["school_admin"], case, post=world.posts["a1_officer"], finding=Finding.DERELICT,
                       reasoning="x", measures=[Measure.CRITICISM])


def test_case_page_shows_dossier_and_decision_form(as_user, world):
    case = _case(world)
    body = as_user("bureau_admin").get(f"/accountability/{case.pk}/").content.decode()
    assert "履职档案" in body and "事故与报告" in body and "作出决定" in body
    body = as_user("school_admin").get(f"/accountability/{case.pk}/").content.decode()
    assert "作出决定" not in body


def test_a_bureau_configures_which_measures_it_uses(world):
    from anxiao.accountability.models import Measure

    actions.configure_measure(world.users["bureau_admin"], world.bureau_a, Measure.PERFORMANCE, enabled=False)
    assert Measure.PERFORMANCE not in actions.enabled_measures(world.a1)
    case = _case(world)
    with pytest.raises(ValidationError) as exc:
        actions.decide(world.users["bureau_admin"], case, post=world.posts["a1_officer"], finding=Finding.DERELICT,
                       reasoning="x", measures=[Measure.PERFORMANCE])
    assert "未启用" in str(exc.value)
    with pytest.raises(PermissionDenied):
        actions.configure_measure(world.users["school_admin"], world.bureau_a, Measure.VETO, enabled=False)


def test_a_disqualifying_decision_bars_the_person_from_awards_and_promotion_that_year(world):
    # given seed 000 六.5 / 003 四(一): the officer held responsible, 取消本年度评优评先、晋职晋级资格
    case = _case(world)
    officer = world.posts["a1_officer"]
    decision = actions.decide(world.users["bureau_admin"], case, post=officer, finding=Finding.DERELICT,
                              reasoning="未按时报告", measures=[Measure.DISQUALIFIED], document_number="甲教〔2026〕1号")
    year = decision.decided_on.year
    # then the bar is recorded against the person and any award or promotion list refuses them that year
    assert actions.bars(officer.holder, year) == [decision]
    with pytest.raises(ValidationError) as exc:
        actions.require_eligible(officer.holder, year)
    assert "评优评先、晋职晋级" in exc.value.message_dict["person"][0]
    actions.require_eligible(officer.holder, year + 1)
    actions.require_eligible(world.posts["a1_principal"].holder, year)
    # and their dossier shows it
    sections = {s.title: s for s in dossier.assemble(officer, year)}
    assert "评优评先、晋职晋级资格" in sections


def test_a_post_whose_every_slot_was_late_shows_zero_on_time_not_none(world):
    # given a post whose only due slot this year was met after its deadline
    import datetime

    from django.utils import timezone

    from anxiao.accountability.sections import obligations_due_and_done
    from anxiao.core.choices import PostKind
    from anxiao.obligations.models import ObligationRule, Occurrence
    from anxiao.org.models import Post

    today = timezone.localdate()
    due = max(today - datetime.timedelta(days=3), today.replace(month=1, day=1))
    if due >= today:
        pytest.skip("no past day in this year on 1 January")
    post = Post.objects.create(unit=world.a1, kind=PostKind.PRINCIPAL, title="校长")
    rule = ObligationRule.objects.create(bureau=world.bureau_a, code="t.late", title="每月安全检查",
                                         activity_kind="inspection", unit_kinds=["school"], period="month")
    Occurrence.objects.create(rule=rule, unit=world.a1, post=post, subject_key=f"p{post.pk}", period_key="late",
                              period_start=due, period_end=due, due_on=due, deadline=due, done_count=1,
                              met_slots=1, completed_on=due + datetime.timedelta(days=1))
    # when the dossier's section on periodic duties is drawn up
    section = obligations_due_and_done(post, today.year)
    # then it says 0 on time, not "None"
    assert section is not None
    assert [i.text for i in section.items] == ["每月安全检查：应办 1，完成 1（按期 0）"]
