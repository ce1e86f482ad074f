from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

EDITORS = {"sysadmin", "bureau_admin", "school_admin"}


def _report(w, submitted: bool = False):  # type: ignore[no-untyped-def]
    from anxiao.reports import actions

    if getattr(w, "_ledger", None) is None:
        w._ledger = actions.prepare(w.users["sysadmin"], w.a1, timezone.localdate().replace(day=1))
    if submitted and w._ledger.status == "prepared":
        w._ledger = actions.approve(w.users["sysadmin"], w._ledger)
    return w._ledger


def _month(w) -> str:  # type: ignore[no-untyped-def]
    return timezone.localdate().strftime("%Y-%m")


def notice(w):  # type: ignore[no-untyped-def]
    from anxiao.reports import notices

    if getattr(w, "notice", None) is None:
        w.notice = notices.issue(w.users["sysadmin"], w.bureau_a, title="测试通知", body="正文")
    return w.notice


def _receipt(w):  # type: ignore[no-untyped-def]
    return notice(w).recipients.get(unit=w.a1).pk


def _summary(w):  # type: ignore[no-untyped-def]
    from anxiao.reports import actions

    if getattr(w, "_summary", None) is None:
        w._summary = actions.prepare_summary(w.users["sysadmin"], w.a1, timezone.localdate())
    return w._summary


def _attachment(w):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    if getattr(w, "_attachment", None) is None:
        from anxiao.reports import notices

        w._attachment = notices.attach(w.users["sysadmin"], notice(w),
                                       [SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n")])[0]
    return w._attachment


CASES = [
    # POST views flash a refusal (302 for everyone who sees the notice); the action itself refuses non-issuers.
    Case("reports:notice_attach", lambda w: reverse("reports:notice_attach", args=[notice(w).pk]), target="a1",
         method="post", data=lambda w: {}, ok=302),
    Case("reports:notice_attachment", lambda w: reverse("reports:notice_attachment", args=[_attachment(w).pk]),
         target="a1"),
    Case("api:notices_attachment_download", lambda w: f"/api/v1/reports/notice-attachments/{_attachment(w).pk}",
         api=True, target="a1"),
    # JSON carries no file: the issuer gets as far as "please choose a file" (422).
    Case("api:notices_attach", lambda w: f"/api/v1/reports/notices/{notice(w).pk}/attachments", api=True,
         target="a1", kind="write", method="post", data=lambda w: {}, ok=422, writers={"sysadmin", "bureau_admin"},
         write_scope_first=False, denied_status=403),
    Case("reports:summary_list", lambda w: reverse("reports:summary_list")),
    Case("reports:summary_school", lambda w: reverse("reports:summary_school", args=[w.a1.pk]), target="a1"),
    Case("reports:summary_approve", lambda w: reverse("reports:summary_approve", args=[_summary(w).pk]),
         target="a1", method="post", data=lambda w: {}, ok=302),
    Case("reports:summary_return", lambda w: reverse("reports:summary_return", args=[_summary(w).pk]),
         target="a1", method="post", data=lambda w: {"reason": "补充"}, ok=302),
    Case("reports:notice_list", lambda w: reverse("reports:notice_list")),
    Case("reports:notice_create", lambda w: reverse("reports:notice_create"), kind="write",
         writers={"sysadmin", "bureau_admin"}),
    Case("reports:notice_detail", lambda w: reverse("reports:notice_detail", args=[notice(w).pk]), target="a1"),
    Case("reports:notice_docx", lambda w: reverse("reports:notice_docx", args=[notice(w).pk]), target="a1"),
    Case("reports:notice_pdf", lambda w: reverse("reports:notice_pdf", args=[notice(w).pk]), target="a1"),
    Case("reports:notice_confirm", lambda w: reverse("reports:notice_confirm", args=[_receipt(w)]), target="a1",
         method="post", data=lambda w: {}, ok=302),
    Case("api:notices_list", lambda w: "/api/v1/reports/notices", api=True),
    Case("api:notices_issue", lambda w: "/api/v1/reports/notices", api=True, target="bureau_a", kind="write",
         method="post", ok=201, write_scope_first=False,
         data=lambda w: {"bureau_id": w.bureau_a.pk, "title": "通知", "body": "正文"}),
    Case("api:notices_confirm_read", lambda w: f"/api/v1/reports/notices/{notice(w).pk}/read?unit_id={w.a1.pk}",
         api=True, target="a1", kind="write", method="post", writers={"sysadmin", "bureau_admin", "school_admin"},
         also_allowed={"school_member"}),
    Case("reports:ledger_list", lambda w: reverse("reports:ledger_list")),
    Case("reports:dashboard", lambda w: reverse("reports:dashboard")),
    Case("reports:rollup_export", lambda w: reverse("reports:rollup_export", args=["xlsx"])),
    Case("reports:rollup_export", lambda w: reverse("reports:rollup_export", args=["pdf"])),
    Case("reports:ledger_school", lambda w: reverse("reports:ledger_school", args=[w.a1.pk]), target="a1"),
    Case("reports:ledger_prepare", lambda w: reverse("reports:ledger_prepare", args=[w.a2.pk]), target="a2",
         method="post", data=lambda w: {"month": _month(w)}, ok=302),
    Case("reports:ledger_approve", lambda w: reverse("reports:ledger_approve", args=[_report(w).pk]), target="a1",
         method="post", data=lambda w: {}, ok=302),
    Case("reports:ledger_return", lambda w: reverse("reports:ledger_return", args=[_report(w, True).pk]),
         target="a1", method="post", data=lambda w: {"reason": "请补充"}, ok=302),
    Case("reports:ledger_export", lambda w: reverse("reports:ledger_export", args=[_report(w).pk, "xlsx"]),
         target="a1"),
    Case("api:ledgers_list", lambda w: "/api/v1/reports/ledgers", api=True),
    Case("api:reports_status", lambda w: "/api/v1/reports/status", api=True),
    Case("api:ledgers_get", lambda w: f"/api/v1/reports/ledgers/{_report(w).pk}", api=True, target="a1"),
    Case("api:ledgers_prepare", lambda w: f"/api/v1/reports/schools/{w.a2.pk}/ledgers", api=True, target="a2",
         kind="write", method="post", ok=201, write_scope_first=False,
         data=lambda w: {"month": str(timezone.localdate().replace(day=1))}),
    Case("api:ledgers_submit", lambda w: f"/api/v1/reports/ledgers/{_report(w).pk}/submit", api=True, target="a1",
         kind="write", method="post", writers={"sysadmin", "school_admin"}),
    Case("api:ledgers_return", lambda w: f"/api/v1/reports/ledgers/{_report(w, True).pk}/return", api=True,
         target="a1", kind="write", method="post", data=lambda w: {"reason": "请补充"},
         writers={"sysadmin", "bureau_admin"}),
    Case("api:ledgers_export", lambda w: f"/api/v1/reports/ledgers/{_report(w).pk}/export", api=True, target="a1"),
]
_ = datetime
