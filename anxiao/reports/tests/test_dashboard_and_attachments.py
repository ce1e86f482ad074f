from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxiao.core.testing import refused
from anxiao.hazards import actions as hazards
from anxiao.org.models import Unit
from anxiao.reports import actions, dashboard, ledger, notices

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _hazards(world) -> None:  # type: ignore[no-untyped-def]
    for unit, grade in ((world.a1, "general"), (world.a1, "major"), (world.a2, "general"), (world.b1, "general")):
        hazards.report_hazard(world.users["sysadmin"], unit=unit, location="教学楼", category="XS",
                              description="楼梯扶手松动", found_at=timezone.now() - datetime.timedelta(days=3),
                              grade=grade)


def _risks(world) -> None:  # type: ignore[no-untyped-def]
    from anxiao.risks.models import Risk

    for school, level in ((world.a1, "red"), (world.a1, "blue"), (world.a2, "yellow"), (world.b1, "orange")):
        Risk.objects.create(school=school, area="实验室", score=Decimal(100), level=level, control_level="deputy")


def test_the_tallies_give_the_same_figures_as_counting_live(world, monkeypatch):
    # given hazards and risks in two counties and a region-level dashboard (forced for a small world)
    _hazards(world)
    _risks(world)
    monkeypatch.setattr(dashboard, "HEAT_SCHOOL_ROWS", 0)
    user = world.users["sysadmin"]
    live = dashboard.dashboard(user)
    assert live["tallied_at"] is None
    # when the worker's job counts per town and the threshold lets the dashboard read the tallies
    dashboard.tally_job()
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city", "county"))
    tallied = dashboard.dashboard(user)
    # then every figure is the same
    assert tallied["tallied_at"] is not None
    assert tallied["hazards"]["totals"] == live["hazards"]["totals"]
    assert tallied["hazards"]["totals"]["open"] == 4 and tallied["hazards"]["totals"]["major_open"] == 1
    assert tallied["hazards"]["matrix"] == live["hazards"]["matrix"]
    assert tallied["hazards"]["trend"] == live["hazards"]["trend"]
    assert tallied["risks"] == live["risks"]
    assert tallied["heat"] == live["heat"]


def test_four_colour_overview_counts_schools_by_their_highest_risk(world, as_user):
    _risks(world)
    d = dashboard.dashboard(world.users["bureau_admin"])
    levels = {lvl["code"]: lvl for lvl in d["risks"]["levels"]}
    assert levels["red"]["schools"] == 1 and levels["red"]["risks"] == 1  # a1: red and blue → counted red
    assert levels["yellow"]["schools"] == 1 and levels["blue"]["schools"] == 0 and levels["blue"]["risks"] == 1
    assert levels["orange"]["risks"] == 0  # b1 is in the other county
    body = as_user("bureau_admin").get("/reports/dashboard/").content.decode()
    assert 'href="/risks/?level=red&active=1">1<' in body


def test_a_region_narrows_the_dashboard_and_another_countys_region_is_not_found(world, as_user):
    _hazards(world)
    client = as_user("bureau_viewer")
    assert client.get(f"/reports/dashboard/?region={world.town_a.pk}").status_code == 200
    assert client.get(f"/reports/dashboard/?region={world.town_b.pk}").status_code == 404
    assert client.get("/reports/dashboard/?region=x").status_code == 404
    d = dashboard.dashboard(world.users["sysadmin"], region=world.county_b)
    assert d["hazards"]["totals"]["open"] == 1


def test_the_tallied_dashboard_needs_a_fixed_number_of_queries(world, monkeypatch, as_user):
    _hazards(world)
    dashboard.refresh_tallies()
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city", "county"))
    monkeypatch.setattr(dashboard, "HEAT_SCHOOL_ROWS", 0)
    user = world.users["sysadmin"]
    with CaptureQueriesContext(connection) as few:
        dashboard.dashboard(user)
    _hazards(world)
    _risks(world)
    dashboard.refresh_tallies()
    with CaptureQueriesContext(connection) as more:
        dashboard.dashboard(user)
    assert len(few) == len(more) <= 12


def test_the_rollup_reads_summaries_in_a_fixed_number_of_queries(world, as_user):
    month = ledger.first_of_month(timezone.localdate())
    client = as_user("bureau_admin")
    client.get(f"/reports/rollup.xlsx?month={month:%Y-%m}")
    with CaptureQueriesContext(connection) as before:
        assert client.get(f"/reports/rollup.xlsx?month={month:%Y-%m}").status_code == 200
    for school in (world.a1, world.a2):
        actions.approve(world.users["sysadmin"], actions.prepare(world.users["sysadmin"], school, month))
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/reports/rollup.xlsx?month={month:%Y-%m}")
    assert len(before) == len(after)
    from openpyxl import load_workbook

    assert response.streaming  # written to a temporary file and sent from there, not built in memory
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    states = {row[0]: row[3] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert states[world.a1.name] in ("已报", "迟报") and states[world.a1.name] == states[world.a2.name]


def test_the_bureau_attaches_files_and_only_issuer_and_recipients_download_them(world, as_user):
    notice = notices.issue(world.users["bureau_admin"], world.bureau_a, title="关于开展消防演练的通知", body="各学校：……",
                           attachments=[SimpleUploadedFile("演练方案.pdf", PDF)])
    attachment = notice.attachments.get()
    assert attachment.name == "演练方案.pdf" and attachment.content_type == "application/pdf"
    url = f"/reports/notice-attachments/{attachment.pk}/"
    for role in ("bureau_admin", "bureau_viewer", "school_admin", "school_member"):
        response = as_user(role).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
    assert as_user("outsider").get(url).status_code == 404
    detail = as_user("school_member").get(f"/reports/notices/{notice.pk}/").content.decode()
    assert "演练方案.pdf" in detail and "添加附件" not in detail
    assert "添加附件" in as_user("bureau_admin").get(f"/reports/notices/{notice.pk}/").content.decode()
    api = as_user("school_member").get("/api/v1/reports/notices").json()
    assert api[0]["attachments"][0]["name"] == "演练方案.pdf"
    assert as_user("school_member").get(api[0]["attachments"][0]["url"]).status_code == 200
    assert as_user("outsider").get(api[0]["attachments"][0]["url"]).status_code == 404


def test_attachments_are_checked_by_content_and_count_and_only_the_issuer_adds_them(world):
    notice = notices.issue(world.users["bureau_admin"], world.bureau_a, title="通知", body="正文")
    with pytest.raises(ValidationError) as exc:
        notices.attach(world.users["bureau_admin"], notice, [SimpleUploadedFile("方案.pdf", b"MZ\x90\x00not a pdf")])
    assert "attachments" in exc.value.message_dict
    with refused("attachments"):
        notices.attach(world.users["bureau_admin"], notice, [])
    with pytest.raises(PermissionDenied):
        notices.attach(world.users["school_admin"], notice, [SimpleUploadedFile("a.pdf", PDF)])
    notices.attach(world.users["bureau_admin"], notice,
                   [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(notices.MAX_ATTACHMENTS)])
    with pytest.raises(ValidationError) as exc:
        notices.attach(world.users["bureau_admin"], notice, [SimpleUploadedFile("x.pdf", PDF)])
    assert "最多" in str(exc.value)
    with refused("attachments"):  # nothing is issued when a file is refused
        notices.issue(world.users["bureau_admin"], world.bureau_a, title="带坏附件", body="x",
                      attachments=[SimpleUploadedFile("x.pdf", b"plain text")])
    from anxiao.reports.models import Notice

    assert not Notice.objects.filter(title="带坏附件").exists()


def test_a_recipient_school_sees_the_notice_but_not_the_other_schools_receipts(world, as_user):
    notice = notices.issue(world.users["bureau_admin"], world.bureau_a, title="通知", body="正文")
    body = as_user("school_member").get(f"/reports/notices/{notice.pk}/").content.decode()
    assert world.a1.name in body and world.a2.name not in body
    assert world.a2.name in as_user("bureau_viewer").get(f"/reports/notices/{notice.pk}/").content.decode()


def test_a_town_whose_every_slot_was_late_tallies_zero_on_time(world):
    # given a school whose only due slot of a rule was met after its deadline (no on-time slot in its town)
    from anxiao.obligations.models import ObligationRule, Occurrence
    from anxiao.reports.models import Tally

    today = timezone.localdate()
    due = today - datetime.timedelta(days=10)
    rule = ObligationRule.objects.create(bureau=world.bureau_a, code="t.late", title="每月安全检查",
                                         activity_kind="inspection", unit_kinds=["school"], period="month")
    Occurrence.objects.create(rule=rule, unit=world.a1, subject_key=f"u{world.a1.pk}", period_key="late",
                              period_start=due - datetime.timedelta(days=20), period_end=due, due_on=due,
                              deadline=due, done_count=1, met_slots=1, completed_on=due + datetime.timedelta(days=3))
    # when the worker refreshes the dashboard tallies, and the dashboard counts live
    dashboard.refresh_tallies()
    live = dashboard.count_rows(None, None, Unit.objects.filter(pk=world.a1.pk), today, by_region=False)
    # then the rule counts 0 of 1 slot on time, in the tally and live (not a NULL that breaks the refresh)
    row = Tally.objects.get(figure="heat", key="每月安全检查", region_path=world.a1.region_path)
    assert (row.n, row.total) == (0, 1)
    assert [(n, t) for _g, f, k, n, t in live if f == "heat" and k == "每月安全检查"] == [(0, 1)]


def test_one_rule_decides_between_the_tally_and_live_counts_on_every_page(world, monkeypatch, as_user):
    """Issue 18: the dashboard, the ledger and the counts API read the per-town tally for the same scopes — one
    rule (``dashboard.large_scope``, by the level of the regions the scope is made of), not a school count on one
    page and a region level on the others."""
    _hazards(world)
    dashboard.refresh_tallies()
    _hazards(world)  # after the count: the tally and the live count differ
    monkeypatch.setattr(dashboard, "HEAT_SCHOOL_ROWS", 0)
    client = as_user("bureau_viewer")

    def tallied() -> tuple[bool, bool, bool]:
        return (client.get("/reports/dashboard/").context["d"]["tallied_at"] is not None,
                client.get("/hazards/").context["tallied_at"] is not None,
                client.get("/api/v1/hazards/counts").json()["tallied_at"] is not None)

    assert tallied() == (False, False, False)  # a county is counted live everywhere
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city", "county"))
    assert tallied() == (True, True, True)  # and a scope the rule calls large reads the tally everywhere


def test_the_roll_up_export_reads_the_schools_a_chunk_at_a_time(world):
    """Issue 18: a province's export is read and written a chunk of schools at a time (one query for their reports
    per chunk), with the same rows as reading them all at once."""
    month = ledger.first_of_month(timezone.localdate())
    actions.approve(world.users["sysadmin"], actions.prepare(world.users["sysadmin"], world.a1, month))
    schools = Unit.objects.filter(kind="school").select_related("region").order_by("name")
    whole = actions.month_status(list(schools), month)
    assert len(whole) >= 2 and any(r["report"] is not None for r in whole)
    with CaptureQueriesContext(connection) as ctx:
        streamed = list(actions.month_status_stream(schools, month, chunk=1))
    assert streamed == whole
    assert len(ctx.captured_queries) == 1 + len(whole)  # the schools read as they go, and each chunk's reports
