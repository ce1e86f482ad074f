from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anxiao.accountability import actions as accountability
from anxiao.accountability.models import Finding, Measure
from anxiao.assessment import actions, exports
from anxiao.assessment.models import Method
from anxiao.core.testing import refused
from anxiao.incidents.tests.factories import incident_in

pytestmark = pytest.mark.django_db


def keep_export(name: str, content: bytes) -> None:
    """Exports are kept under var/exports for a person to look at (PDF → PNG with pdftoppm)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "var" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)


def _scheme(world, year=None):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return actions.create_scheme(world.users["bureau_admin"], world.bureau_a, year=year or timezone.localdate().year,
                                 name="安全考核")


def test_default_scheme_totals_100_and_publishes(world):
    scheme = _scheme(world)
    assert scheme.weight_total == Decimal("100")
    assert actions.publish(world.users["bureau_admin"], scheme).status == "published"


def test_it_refuses_to_publish_weights_that_do_not_total_100(world):
    scheme = _scheme(world)
    actions.add_indicator(world.users["bureau_admin"], scheme, name="额外指标", weight=Decimal(5),
                          method=Method.ASSESSED)
    with pytest.raises(ValidationError) as exc:
        actions.publish(world.users["bureau_admin"], scheme)
    assert "合计应为 100，当前为 105" in exc.value.error_dict["weight"][0].messages[0]


def test_an_assessor_cannot_assess_their_own_unit(world):
    scheme = _scheme(world)
    actions.publish(world.users["bureau_admin"], scheme)
    onsite = scheme.indicators.get(method=Method.ASSESSED)
    with pytest.raises(ValidationError) as exc:
        actions.score(world.users["bureau_admin"], onsite, world.dept_a, Decimal(5), "自评")
    assert "本人所在单位" in str(exc.value)
    row = actions.score(world.users["bureau_admin"], onsite, world.a1, Decimal(8), "台账齐全")
    assert row.score == Decimal(8)


def test_results_rank_schools_and_a_veto_zeroes_the_score(world):
    # given a1 with a late incident report and a veto decision, a2 clean
    incident = incident_in(world, minutes_ago=90)
    case = accountability.open_case(world.users["bureau_admin"], world.a1, title="迟报", source_kind="incident",
                                    source=incident, year=incident.learned_at.year, posts=[world.posts["a1_principal"]])
    accountability.decide(world.users["bureau_admin"], case, post=world.posts["a1_principal"],
                          finding=Finding.DERELICT, reasoning="迟报", measures=[Measure.VETO])
    scheme = _scheme(world, incident.learned_at.year)
    actions.publish(world.users["bureau_admin"], scheme)
    onsite = scheme.indicators.get(method=Method.ASSESSED)
    for unit in (world.a1, world.a2):
        actions.score(world.users["bureau_admin"], onsite, unit, Decimal(8), "现场检查")
    # when the results are computed
    results = {r.unit: r for r in actions.compute(world.users["bureau_admin"], scheme)}
    # then a2 ranks first and a1 is vetoed to zero with its reasons
    assert results[world.a2].rank == 1 and not results[world.a2].vetoed
    assert results[world.a1].vetoed and results[world.a1].score == 0 and results[world.a1].raw_score > 0
    kinds = {v["kind"] for v in results[world.a1].vetoes}
    assert {"late_accident_report", "accountability_veto"} <= kinds
    # and the bulletin opens as a titled, landscape sheet
    from anxiao.documents.tests.checks import assert_xlsx_print_ready

    ws, body = assert_xlsx_print_ready(exports.bulletin_xlsx(scheme), header_row=3)
    assert "结果通报" in ws["A1"].value and ws["A3"].value == "排名"
    # each indicator's weight on its own line, full-width brackets (it wrapped as “履职任务完成率（” / “30)”)
    first = scheme.indicators.order_by("order").first()
    assert ws["C3"].value == f"{first.name}\n（{first.weight.normalize():f}分）", ws["C3"].value
    assert all(isinstance(r[0], int) and isinstance(r[-2], (int, float)) for r in body), "rank and score are numbers"
    assert ws.page_setup.orientation == "landscape"
    assert ws.cell(row=4, column=2).value == "甲镇幼儿园"
    pdf = exports.bulletin_pdf(scheme)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    from anxiao.documents.tests.checks import (
        assert_docx_a4_with_page_numbers,
        assert_pdf_a4_numbered_embedded,
    )

    assert_pdf_a4_numbered_embedded(pdf)  # A4, “— 1 —” on every page, the serif face embedded
    assert_docx_a4_with_page_numbers(exports.bulletin_docx(scheme))
    keep_export("assessment_bulletin.pdf", pdf)


def test_computing_a_draft_is_refused(world):
    with refused("status"):
        actions.compute(world.users["bureau_admin"], _scheme(world))


def test_demo_has_a_completed_assessment_with_one_veto(db):
    from anxiao.accountability import demo as acc_demo
    from anxiao.assessment import demo as ass_demo
    from anxiao.assessment.models import Result
    from anxiao.core.demo import DemoContext
    from anxiao.incidents import demo as inc_demo
    from anxiao.org import demo as org_demo

    ctx = DemoContext()
    for module in (org_demo, inc_demo, acc_demo, ass_demo):
        module.build(ctx)
    results = Result.objects.filter(scheme__year=ctx.assessed_year)
    assert results.count() == 44
    # the drowning's accountability decision zeroes one school; the year's late-reported accidents (the drowning,
    # the traffic accident, today's injury not yet phoned in after 40 minutes) disqualify theirs (seed 001 七(十))
    assert [r.unit.name for r in results.filter(score=0)] == ["西河镇中心小学"]
    vetoed = results.filter(vetoed=True)
    assert vetoed.count() == 3
    assert all(v["kind"] == "late_accident_report" or v["kind"] == "accountability_veto"
               for r in vetoed for v in r.vetoes)


def test_a_school_found_on_a_lost_assessment_ground_is_disqualified_with_its_evidence(world):
    # given seed 002 五(三): a bureau finds a1 faked its rectification (弄虚作假), with evidence, and takes away its
    # year's assessment and performance award
    from django.utils import timezone

    from anxiao.accountability.models import Ground

    year = timezone.localdate().year
    user = world.users["bureau_admin"]
    case = accountability.open_case(user, world.a1, title="隐患整改台账造假", source_kind="finding", year=year,
                                    posts=[world.posts["a1_principal"]])
    # a loss of the assessment names its ground
    with pytest.raises(ValidationError) as exc:
        accountability.decide(user, case, post=world.posts["a1_principal"], finding=Finding.DERELICT,
                              reasoning="督查发现整改照片为摆拍", measures=[Measure.PERFORMANCE])
    assert "grounds" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        accountability.decide(user, case, post=world.posts["a1_principal"], finding=Finding.DERELICT,
                              reasoning="督查发现整改照片为摆拍", measures=[Measure.PERFORMANCE], grounds=["whatever"])
    assert "grounds" in exc.value.message_dict
    accountability.decide(user, case, post=world.posts["a1_principal"], finding=Finding.DERELICT,
                          reasoning="督查发现整改照片为摆拍", measures=[Measure.PERFORMANCE], grounds=[Ground.FRAUD])
    scheme = _scheme(world, year)
    assert "lost_assessment_grounds" in set(scheme.veto_rules.values_list("kind", flat=True))
    actions.publish(user, scheme)
    # when the results are computed
    results = {r.unit: r for r in actions.compute(user, scheme)}
    # then a1 loses the assessment on that ground, its award too, and a2 does not
    veto = next(v for v in results[world.a1].vetoes if v["kind"] == "lost_assessment_grounds")
    assert "弄虚作假" in veto["reasons"][0] and "绩效考核奖励" in veto["reasons"][0]
    assert veto["effect"] == "disqualify" and "002 五(三)" in veto["source"]
    assert results[world.a1].rank > results[world.a2].rank and not results[world.a2].vetoed


def test_a_private_school_or_bus_whose_licence_review_fails_or_is_missing_is_vetoed(world):
    # given seed 001 一(十四): the safety standard is the precondition of the private-school and school-bus licences;
    # one below it is vetoed (一票否决), and one not put right in time is refused its 年检
    import datetime

    from django.utils import timezone

    from anxiao.assessment.models import LicenceResult, LicenceSubject

    year = timezone.localdate().year
    user = world.users["bureau_admin"]
    world.a1.is_private = True
    world.a1.save()
    world.a2.bus = "runs"
    world.a2.save()
    # a subject that does not apply to the unit is refused, naming the field
    with pytest.raises(ValidationError) as exc:
        actions.review_licence(user, world.a1, subject=LicenceSubject.SCHOOL_BUS, year=year,
                               safety_standard_met=True)
    assert "subject" in exc.value.message_dict
    # below the standard, the review must say why
    with pytest.raises(ValidationError) as exc:
        actions.review_licence(user, world.a1, subject=LicenceSubject.PRIVATE, year=year, safety_standard_met=False)
    assert "findings" in exc.value.message_dict
    # below the standard with a deadline to put it right: rectification ordered, then refused once the deadline passes
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    review = actions.review_licence(user, world.a1, subject=LicenceSubject.PRIVATE, year=year,
                                    safety_standard_met=False, findings="消防通道堵塞", rectify_by=last_week,
                                    reviewed_on=last_week - datetime.timedelta(days=20))
    assert review.result == LicenceResult.RECTIFY
    again = actions.review_licence(user, world.a1, subject=LicenceSubject.PRIVATE, year=year,
                                   safety_standard_met=False, findings="逾期仍未整改")
    assert again.result == LicenceResult.REFUSED  # 整改不到位的不予年检
    # when the year's assessment is computed (a2 runs a bus and has no review at all)
    scheme = _scheme(world, year)
    assert "licence_review" in set(scheme.veto_rules.values_list("kind", flat=True))
    actions.publish(user, scheme)
    results = {r.unit: r for r in actions.compute(user, scheme)}
    # then the refused private school and the unreviewed bus school are vetoed, each with its reason
    a1 = next(v for v in results[world.a1].vetoes if v["kind"] == "licence_review")
    assert "不予年检" in a1["reasons"][0] and "001 一(十四)" in a1["source"]
    a2 = next(v for v in results[world.a2].vetoes if v["kind"] == "licence_review")
    assert "校车使用许可" in a2["reasons"][0] and "无" in a2["reasons"][0]
    # and a passed review lifts it
    actions.review_licence(user, world.a2, subject=LicenceSubject.SCHOOL_BUS, year=year, safety_standard_met=True)
    results = {r.unit: r for r in actions.compute(user, scheme)}
    assert not any(v["kind"] == "licence_review" for v in results[world.a2].vetoes)


def test_the_api_records_licence_reviews_as_the_page_does_and_only_the_bureau_may(world, client):
    # given a1, a private school, with no review yet this year
    import json

    from django.utils import timezone

    from anxiao.accounts.models import ApiToken

    year = timezone.localdate().year
    world.a1.is_private = True
    world.a1.save()

    def post(role, body):  # type: ignore[no-untyped-def]
        _token, raw = ApiToken.issue(world.users[role])
        return client.post("/api/v1/assessment/licences", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")

    below = {"unit_id": world.a1.pk, "subject": "private", "year": year, "safety_standard_met": False}
    # when the school itself records a review, then it is refused: the bureau reviews its licences
    assert post("school_admin", {**below, "findings": "自评"}).status_code == 403
    # and a review below the standard without its findings is refused naming the field
    answer = post("bureau_admin", below)
    assert answer.status_code == 422 and {e["field"] for e in answer.json()["errors"]} == {"findings"}
    # when the bureau finds it below the standard
    answer = post("bureau_admin", {**below, "findings": "消防通道堵塞"})
    # then the licence is refused its 年检 (一票否决) and listed, for the bureau and the school alike
    assert answer.status_code == 201 and answer.json()["result"] == "refused"
    for role in ("bureau_admin", "school_admin"):
        _token, raw = ApiToken.issue(world.users[role])
        rows = client.get("/api/v1/assessment/licences", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
        assert [(r["unit_id"], r["result"]) for r in rows] == [(world.a1.pk, "refused")]
    # and revoking (取缔) after the refusal is recorded as such
    assert post("bureau_admin", {**below, "findings": "仍未整改", "revoke": True}).json()["result"] == "revoked"


def test_the_major_hazard_veto_counts_what_the_hazard_figures_call_overdue(world):
    # given three major hazards of a1 whose deadline passed this year: one still being rectified, one rectified and
    # waiting for acceptance, one accepted but not yet 销号 (closed)
    import datetime

    from django.utils import timezone

    from anxiao.assessment.sources import major_hazard_overdue
    from anxiao.hazards.figures import figure_q
    from anxiao.hazards.models import Grade, Hazard, Status

    today = timezone.localdate()
    deadline = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=1))
    if deadline >= today:
        pytest.skip("1 January: no deadline of this year has passed yet")
    found = timezone.now() - datetime.timedelta(days=40)
    rectified = timezone.now() - datetime.timedelta(days=2)
    for status, description in [(Status.RECTIFYING, "配电房线路老化"), (Status.AWAITING_ACCEPTANCE, "围墙裂缝"),
                                (Status.ACCEPTED, "消防通道堵塞")]:
        Hazard.objects.create(unit=world.a1, location="教学楼", category="XF", description=description,
                              grade=Grade.MAJOR, found_at=found, status=status, deadline=deadline,
                              rectified_at=None if status == Status.RECTIFYING else rectified)
    # then the veto names the one the dashboard counts as 逾期未整改, and only it
    reasons = major_hazard_overdue(world.a1, today.year)
    overdue = Hazard.objects.filter(unit=world.a1, grade=Grade.MAJOR).filter(figure_q("overdue", today))
    assert [h.description for h in overdue] == ["配电房线路老化"]
    assert len(reasons) == 1 and reasons[0].startswith("教学楼：配电房线路老化")
