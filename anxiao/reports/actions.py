"""The monthly ledger's submission chain: the deputy prepares, the principal approves and submits (the
snapshot is frozen), the bureau may return it with a reason; a correction or a resubmission is a new version."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import PostKind, Role, UnitKind

from . import ledger
from .models import LedgerStatus, MonthlyLedger

SCHOOL_EDITORS: set[str] = {Role.SYSTEM_ADMIN, Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN}
BUREAU: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}


def _check_month(month: datetime.date, today: datetime.date) -> datetime.date:
    month = ledger.first_of_month(month)
    if month > ledger.first_of_month(today):
        raise ValidationError({"month": ["不能填报未来月份的台账"]})
    return month


def current(unit: Any, month: datetime.date) -> MonthlyLedger | None:
    """The newest version of a school's report for a month."""
    return MonthlyLedger.objects.filter(unit=unit, month=month).order_by("-version").first()


def prepare(actor: Any, unit: Any, month: datetime.date, *, remarks: str = "", correction_reason: str = "",
            now: datetime.datetime | None = None) -> MonthlyLedger:
    """Draft (or redraft) a report from live data, for the principal to approve."""
    now = now or timezone.now()
    if unit.kind != UnitKind.SCHOOL:
        raise ValidationError({"unit": ["台账月报由学校填报"]})
    if actor is not None and not (roles_over_unit(actor, unit) & SCHOOL_EDITORS):
        raise PermissionDenied("您不能为该学校填报台账")
    month = _check_month(month, timezone.localtime(now).date())
    with transaction.atomic():
        latest = current(unit, month)
        if latest is not None and latest.status == LedgerStatus.PREPARED:
            report = latest
        else:
            if latest is not None and latest.status == LedgerStatus.SUBMITTED and not correction_reason.strip():
                raise ValidationError({"correction_reason": ["该月台账已报送；如需更正，请填写更正原因（将生成新版本）"]})
            report = MonthlyLedger(unit=unit, month=month, version=(latest.version + 1) if latest else 1,
                                   due_on=ledger.due_on(month))
            if latest is not None and latest.status == LedgerStatus.RETURNED and not correction_reason:
                correction_reason = f"按退回意见修改：{latest.return_reason}"
        report.remarks = remarks
        report.correction_reason = correction_reason
        report.prepared_by = actor
        report.prepared_at = now
        report.status = LedgerStatus.PREPARED
        report.snapshot = ledger.draft(unit, month)
        report.save()
    return report


def _is_principal(actor: Any, unit: Any) -> bool:
    if actor is None or (roles_over_unit(actor, unit) & {Role.SYSTEM_ADMIN}):
        return True
    person_id = getattr(actor, "person_id", None)
    return bool(person_id) and unit.posts.filter(kind=PostKind.PRINCIPAL, holder_id=person_id).exists()


def approve(actor: Any, report: MonthlyLedger, now: datetime.datetime | None = None,
            redraft: bool = True) -> MonthlyLedger:
    """The principal approves: the content is drafted once more, frozen, and submitted to the bureau."""
    now = now or timezone.now()
    if not _is_principal(actor, report.unit):
        raise PermissionDenied("台账月报须由校长（第一责任人）审核报送")
    with transaction.atomic():
        report = MonthlyLedger.objects.select_for_update().get(pk=report.pk)
        if report.status != LedgerStatus.PREPARED:
            raise ValidationError({"status": [f"该报表当前为“{report.get_status_display()}”，不能再次报送"]})
        if redraft:  # the principal submits what the data say now, not what the deputy saw
            report.snapshot = ledger.draft(report.unit, report.month)
        report.status = LedgerStatus.SUBMITTED
        report.approved_by = actor
        report.submitted_at = now
        report.late = timezone.localtime(now).date() > report.due_on
        report.save()
        MonthlyLedger.objects.filter(unit=report.unit, month=report.month, version__lt=report.version,
                                     status=LedgerStatus.SUBMITTED).update(status=LedgerStatus.SUPERSEDED)
        _record_submission(actor, report, timezone.localtime(now).date())
    return report


def _record_submission(actor: Any, report: MonthlyLedger, day: datetime.date) -> None:
    """The submission counts for the monthly reporting obligation (seed 000 六.8)."""
    from anxiao.obligations import actions as obligations

    obligations.record_activity(None, kind="report_submission", occurred_on=day, unit=report.unit,
                                title=f"报送{report.month:%Y年%m月}台账月报（第{report.version}版）", today=day)


def return_report(actor: Any, report: MonthlyLedger, reason: str, now: datetime.datetime | None = None) -> MonthlyLedger:
    if actor is not None and not (roles_over_unit(actor, report.unit) & BUREAU):
        raise PermissionDenied("只有教育局可以退回台账")
    if not reason or not reason.strip():
        raise ValidationError({"return_reason": ["请填写退回原因"]})
    with transaction.atomic():
        updated = MonthlyLedger.objects.filter(pk=report.pk, status=LedgerStatus.SUBMITTED).update(
            status=LedgerStatus.RETURNED, returned_by=actor, returned_at=now or timezone.now(),
            return_reason=reason.strip(), updated_at=timezone.now())
        if not updated:
            raise ValidationError({"status": ["只能退回已报送的台账"]})
    report.refresh_from_db()
    return report


def month_status(units: Any, month: datetime.date, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per school: submitted / late / returned / pending / missing for one month (one query for the reports)."""
    today = today or timezone.localdate()
    latest: dict[int, MonthlyLedger] = {}
    for found in MonthlyLedger.objects.filter(unit__in=units, month=month).order_by("unit_id", "version"):
        latest[found.unit_id] = found
    rows = []
    for unit in units:
        r = latest.get(unit.pk)
        if r is None or r.status == LedgerStatus.PREPARED:
            state = "missing" if today > ledger.due_on(month) else "pending"
        elif r.status == LedgerStatus.RETURNED:
            state = "returned"
        else:
            state = "late" if r.late else "submitted"
        rows.append({"unit": unit, "report": r, "state": state})
    return rows
