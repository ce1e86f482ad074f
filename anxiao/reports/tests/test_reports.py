from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anxiao.core.testing import refused
from anxiao.hazards import actions as hazards
from anxiao.reports import actions, exports, ledger
from anxiao.reports.models import LedgerStatus

pytestmark = pytest.mark.django_db


def _month() -> datetime.date:
    return ledger.first_of_month(timezone.localdate())


def _hazard(world, days_ago: int = 1, **kw):  # type: ignore[no-untyped-def]
    found = timezone.now() - datetime.timedelta(days=days_ago)
    data = {"location": "教学楼东侧楼梯", "category": "XS", "description": "楼梯扶手松动", "found_at": found, **kw}
    return hazards.report_hazard(world.users["school_admin"], unit=world.a1, **data)


def test_the_draft_lists_new_and_open_hazards_and_sums_them(world):
    # given a hazard found in the current period and one found long ago still open
    start, end = ledger.period(_month())
    today = timezone.localdate()
    recent = _hazard(world, days_ago=max(0, (today - start).days // 2))
    old = _hazard(world, days_ago=(today - start).days + 40, description="围墙开裂")
    # when the ledger is drafted
    snap = ledger.draft(world.a1, _month())
    # then both rows appear and the summary counts carried-over and new
    numbers = [r["number"] for r in snap["rows"]]
    assert recent.number in numbers and old.number in numbers
    assert snap["summary"]["carried"] == 1 and snap["summary"]["new"] == 1 and snap["summary"]["open"] == 2
    assert snap["header"]["school"] == "新华中学" and snap["header"]["principal"]


def test_deputy_prepares_principal_submits_and_the_snapshot_is_frozen(world):
    _hazard(world)
    report = actions.prepare(world.users["school_admin"], world.a1, _month(), remarks="本月无重大隐患")
    with pytest.raises(PermissionDenied):
        actions.approve(world.users["school_member"], report)
    report = actions.approve(world.users["school_admin"], report)  # school_admin holds the principal post
    assert report.status == LedgerStatus.SUBMITTED and report.submitted_at is not None
    rows_before = len(report.snapshot["rows"])
    _hazard(world, description="新发现：灭火器过期")
    report.refresh_from_db()
    assert len(report.snapshot["rows"]) == rows_before
    with refused("status"):
        actions.approve(world.users["school_admin"], report)
    with pytest.raises(ValidationError) as exc:
        actions.prepare(world.users["school_admin"], world.a1, _month())
    assert "更正原因" in str(exc.value)
    corrected = actions.prepare(world.users["school_admin"], world.a1, _month(), correction_reason="补报遗漏隐患")
    assert corrected.version == 2


def test_the_submission_satisfies_the_monthly_reporting_activity(world):
    from anxiao.obligations.models import Activity

    report = actions.prepare(world.users["school_admin"], world.a1, _month())
    actions.approve(world.users["school_admin"], report)
    assert Activity.objects.filter(unit=world.a1, kind="report_submission").count() == 1


def test_bureau_returns_with_a_reason_and_sees_status(world):
    report = actions.approve(world.users["school_admin"], actions.prepare(world.users["school_admin"], world.a1, _month()))
    with pytest.raises(PermissionDenied):
        actions.return_report(world.users["school_admin"], report, "自己退回")
    with refused("return_reason"):
        actions.return_report(world.users["bureau_admin"], report, "")
    actions.return_report(world.users["bureau_admin"], report, "隐患描述不具体")
    states = {r["unit"]: r["state"] for r in actions.month_status([world.a1, world.a2], _month())}
    assert states[world.a1] == "returned"
    assert states[world.a2] in ("pending", "missing")
    again = actions.prepare(world.users["school_admin"], world.a1, _month())
    assert again.version == 2 and "隐患描述不具体" in again.correction_reason


def test_a_future_month_is_refused(world):
    future = (_month() + datetime.timedelta(days=40)).replace(day=1)
    with pytest.raises(ValidationError) as exc:
        actions.prepare(world.users["school_admin"], world.a1, future)
    assert "未来月份" in str(exc.value)


def test_late_submission_is_marked_late(world):
    last_month = (_month() - datetime.timedelta(days=1)).replace(day=1)
    report = actions.prepare(world.users["school_admin"], world.a1, last_month)
    report = actions.approve(world.users["school_admin"], report)
    assert report.late == (timezone.localdate() > last_month.replace(day=28))


def test_exports_are_in_the_ledger_layout(world):
    _hazard(world)
    report = actions.approve(world.users["school_admin"], actions.prepare(world.users["school_admin"], world.a1, _month()))
    from anxiao.documents.tests.checks import assert_xlsx_print_ready

    ws, body = assert_xlsx_print_ready(exports.ledger_xlsx(report), header_row=3)
    assert "学校安全隐患排查整治台账" in ws["A1"].value
    assert body and isinstance(body[0][0], int) and isinstance(body[0][2], datetime.datetime), "序号 and 排查日期 typed"
    assert [c.value for c in ws[3]][:4] == ["序号", "隐患编号", "排查日期", "排查方式"]
    assert ws.page_setup.orientation == "landscape" and "A1" in str(ws.merged_cells)
    assert exports.ledger_pdf(report).startswith(b"%PDF")
    rows = actions.month_status([world.a1, world.a2], _month())
    roll, body = assert_xlsx_print_ready(exports.rollup_xlsx("汇总", rows), header_row=2)
    assert [c.value for c in roll[2]][:4] == ["学校", "镇街", "学段", "报送状态"]
    total = next(r for r in roll.iter_rows(values_only=True) if r[0] == "合计")
    submitted = [r for r in body if r[5] is not None]
    assert submitted and all(isinstance(r[5], int) and isinstance(r[12], (int, float)) for r in submitted)
    assert total[6] == sum(r[6] for r in submitted), "合计 sums 本月新发现"
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "var" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ledger.xlsx").write_bytes(exports.ledger_xlsx(report))
    (folder / "ledger.pdf").write_bytes(exports.ledger_pdf(report))


def test_another_units_report_is_not_found(as_user, world):
    report = actions.prepare(world.users["sysadmin"], world.b1, _month())
    assert as_user("school_admin").get(f"/reports/ledgers/{report.pk}/export.xlsx").status_code == 404


def test_demo_has_a_year_of_reports_some_late_and_two_returned(db):
    from anxiao.core.demo import DemoContext
    from anxiao.hazards import demo as hazards_demo
    from anxiao.inspections import demo as inspections_demo
    from anxiao.obligations import demo as obligations_demo
    from anxiao.org import demo as org_demo
    from anxiao.policies import demo as policies_demo
    from anxiao.reports import demo as reports_demo
    from anxiao.reports.models import MonthlyLedger

    ctx = DemoContext()
    for module in (org_demo, policies_demo, obligations_demo, inspections_demo, hazards_demo, reports_demo):
        module.build(ctx)
    assert MonthlyLedger.objects.filter(status="returned").count() == 2
    assert MonthlyLedger.objects.filter(late=True).exists()
    assert MonthlyLedger.objects.values("month").distinct().count() == 12


def test_dashboard_figures_are_scoped_and_link_to_lists(as_user, world):
    _hazard(world)
    hazards.report_hazard(world.users["sysadmin"], unit=world.b1, location="乙镇小学大门", category="AB",
                          description="门卫室无人值守")
    body = as_user("school_admin").get("/reports/dashboard/").content.decode()
    assert 'href="/hazards/?open=1"><div class="num">1<' in body.replace("\n", "")
    assert "<svg" in body and "风险四色分布" in body


def test_a_notice_reaches_the_selected_schools_and_tracks_reading(world):
    from anxiao.reports import notices
    from anxiao.reports.models import NoticeRecipient

    notice = notices.issue(world.users["bureau_admin"], world.bureau_a, title="关于做好防溺水工作的通知",
                           body="各学校：……", stage="junior")
    assert notice.audience == "初中学校"
    recipient = NoticeRecipient.objects.get(notice=notice)
    assert recipient.unit == world.a1
    with pytest.raises(PermissionDenied):
        notices.confirm_read(world.users["bureau_viewer"], recipient)
    notices.confirm_read(world.users["school_member"], recipient)
    recipient.refresh_from_db()
    assert recipient.read_at is not None and recipient.read_by == world.users["school_member"]
    with refused("audience"):
        notices.issue(world.users["bureau_admin"], world.bureau_a, title="空范围", body="x", stage="vocational")
    with pytest.raises(PermissionDenied):
        notices.issue(world.users["school_admin"], world.bureau_a, title="越权", body="x")


def test_a_bulletin_is_drafted_from_late_reports_and_overdue_hazards(world):
    from anxiao.reports import notices

    last_month = (_month() - datetime.timedelta(days=1)).replace(day=1)
    title, body = notices.bulletin_text(world.bureau_a, last_month)
    assert "通报" in title and "未报（2 所）" in body and "新华中学" in body


def test_the_quarterly_summary_is_drafted_from_the_months_and_submitted(world):
    from anxiao.reports.models import QuarterlySummary

    _hazard(world, grade="major", description="教学楼外墙瓷砖脱落")
    report = actions.prepare_summary(world.users["school_admin"], world.a1, timezone.localdate(),
                                     problems="外墙老化", next_plan="暑期维修")
    assert report.snapshot["major_hazards"] and report.snapshot["totals"]["new_major"] >= 1
    report = actions.approve(world.users["school_admin"], report)
    assert isinstance(report, QuarterlySummary) and report.status == LedgerStatus.SUBMITTED
    assert report.due_on.day == 28 and report.due_on.month % 3 == 0
    with refused("quarter"):
        actions.prepare_summary(world.users["school_admin"], world.a1,
                                timezone.localdate() + datetime.timedelta(days=100))


def test_the_bulletin_writes_dates_as_a_document_does_and_cuts_descriptions_cleanly(world):
    """Issue 20: the drafted 通报 wrote 整改时限 as 2026-12-01 and cut a description on its open bracket
    ("合格（（整改时限…"). Dates in the 成文 form, a cut description ends with "…", never on a bracket."""
    from anxiao.hazards.models import Hazard, Status
    from anxiao.reports import notices

    h = _hazard(world, days_ago=20, description="学校东区消防器材每月检查结果均为不合格（灭火器压力不足）")
    Hazard.objects.filter(pk=h.pk).update(status=Status.RECTIFYING, deadline=timezone.localdate() - datetime.timedelta(days=3))
    h.refresh_from_db()
    last_month = (_month() - datetime.timedelta(days=1)).replace(day=1)
    _title, body = notices.bulletin_text(world.bureau_a, last_month)
    deadline = h.deadline
    assert f"（整改时限{deadline.year}年{deadline.month}月{deadline.day}日）" in body
    assert str(deadline) not in body and "（（" not in body
    assert "学校东区消防器材每月检查结果均为不合格…（整改时限" in body  # cut on its 20th character, an open bracket: dropped
    assert notices._brief("短的描述（") == "短的描述" and notices._brief("  两处  空白 ") == "两处 空白"
