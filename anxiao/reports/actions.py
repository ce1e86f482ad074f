"""The monthly ledger's submission chain: the deputy prepares, the principal approves and submits (the
snapshot is frozen), the bureau may return it with a reason; a correction or a resubmission is a new version."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anxiao.core.access import roles_over_unit
from anxiao.core.choices import PostKind, Role, UnitKind

from . import figures, ledger
from .models import LedgerStatus, MonthlyLedger, QuarterlySummary

SCHOOL_EDITORS: set[str] = {Role.SYSTEM_ADMIN, Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN}
BUREAU: set[str] = {Role.SYSTEM_ADMIN, Role.BUREAU_ADMIN}


def _check_month(month: datetime.date, today: datetime.date) -> datetime.date:
    month = figures.first_of_month(month)
    if month > figures.first_of_month(today):
        raise ValidationError({"month": ["不能填报未来月份的台账"]})
    return month


def current(unit: Any, month: datetime.date) -> MonthlyLedger | None:
    """The newest version of a school's report for a month."""
    return MonthlyLedger.objects.filter(unit=unit, month=month).order_by("-version").first()


def prepare(actor: Any, unit: Any, month: datetime.date, *, remarks: str = "", correction_reason: str = "",
            now: datetime.datetime | None = None) -> MonthlyLedger:
    """Draft (or redraft) a monthly ledger from live data, for the principal to approve."""
    now = now or timezone.now()
    month = _check_month(month, timezone.localtime(now).date())
    return _prepare(MonthlyLedger, actor, unit, month, figures.due_on(month), lambda: ledger.draft(unit, month),
                    now=now, remarks=remarks, correction_reason=correction_reason)


def prepare_summary(actor: Any, unit: Any, quarter: datetime.date, *, problems: str = "", next_plan: str = "",
                    remarks: str = "", correction_reason: str = "",
                    now: datetime.datetime | None = None) -> QuarterlySummary:
    """Draft the quarterly summary from the quarter's monthly ledgers and obligations; the school adds its text."""
    from . import quarterly

    now = now or timezone.now()
    quarter = quarterly.quarter_start(quarter)
    if quarter > quarterly.quarter_start(timezone.localtime(now).date()):
        raise ValidationError({"quarter": ["不能填报未来季度的总结"]})
    return _prepare(QuarterlySummary, actor, unit, quarter, quarterly.due_on(quarter),
                    lambda: quarterly.draft(unit, quarter), now=now, remarks=remarks,
                    correction_reason=correction_reason, problems=problems, next_plan=next_plan)


def _prepare(model: Any, actor: Any, unit: Any, value: datetime.date, due: datetime.date, build: Any, *,
             now: datetime.datetime, remarks: str, correction_reason: str, **extra: Any) -> Any:
    if unit.kind != UnitKind.SCHOOL:
        raise ValidationError({"unit": ["由学校填报"]})
    if actor is not None and not (roles_over_unit(actor, unit) & SCHOOL_EDITORS):
        raise PermissionDenied("您不能为该学校填报")
    field = model.period_field
    with transaction.atomic():
        # One school's reports are prepared one at a time: concurrent requests wait here, then redraft the
        # version the first one made instead of racing it for the same version number.
        type(unit).objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).first()
        latest = model.objects.filter(unit=unit, **{field: value}).order_by("-version").first()
        if latest is not None and latest.status == LedgerStatus.PREPARED:
            report = latest
        else:
            if latest is not None and latest.status == LedgerStatus.SUBMITTED and not correction_reason.strip():
                raise ValidationError({"correction_reason": ["已报送；如需更正，请填写更正原因（将生成新版本）"]})
            report = model(unit=unit, version=(latest.version + 1) if latest else 1, due_on=due, **{field: value})
            if latest is not None and latest.status == LedgerStatus.RETURNED and not correction_reason:
                correction_reason = f"按退回意见修改：{latest.return_reason}"
        report.remarks = remarks
        report.correction_reason = correction_reason
        report.prepared_by = actor
        report.prepared_at = now
        report.status = LedgerStatus.PREPARED
        for key, val in extra.items():
            setattr(report, key, val)
        report.snapshot = build()
        report.save()
    return report


def _is_principal(actor: Any, unit: Any) -> bool:
    if actor is None or (roles_over_unit(actor, unit) & {Role.SYSTEM_ADMIN}):
        return True
    person_id = getattr(actor, "person_id", None)
    return bool(person_id) and unit.posts.filter(kind=PostKind.PRINCIPAL, holder_id=person_id).exists()


def _redraft(report: Any) -> dict[str, Any]:
    if isinstance(report, QuarterlySummary):
        from . import quarterly

        return quarterly.draft(report.unit, report.quarter)
    return ledger.draft(report.unit, report.month)


def approve(actor: Any, report: Any, now: datetime.datetime | None = None, redraft: bool = True) -> Any:
    """The principal approves: the content is drafted once more, frozen, and submitted to the bureau."""
    now = now or timezone.now()
    model = type(report)
    if not _is_principal(actor, report.unit):
        raise PermissionDenied("须由校长（第一责任人）审核报送")
    with transaction.atomic():
        report = model.objects.select_for_update().get(pk=report.pk)
        if report.status != LedgerStatus.PREPARED:
            raise ValidationError({"status": [f"该报表当前为“{report.get_status_display()}”，不能再次报送"]})
        if redraft:  # the principal submits what the data say now, not what the deputy saw
            report.snapshot = _redraft(report)
        report.status = LedgerStatus.SUBMITTED
        report.approved_by = actor
        report.submitted_at = now
        report.late = timezone.localtime(now).date() > report.due_on
        report.save()
        model.objects.filter(unit=report.unit, version__lt=report.version, status=LedgerStatus.SUBMITTED,
                             **{model.period_field: report.period_value}).update(status=LedgerStatus.SUPERSEDED)
        _record_submission(report, timezone.localtime(now).date())
    return report


def _record_submission(report: Any, day: datetime.date) -> None:
    """The submission counts for the reporting obligation (seed 000 六.8)."""
    from anxiao.obligations import actions as obligations

    # A report fills the period it reports on, however late (late for that period, never next month's), and
    # only its own kind's slot: the monthly ledger is not the quarterly summary (s000 六.8).
    record = "ledger" if report.period_field == "month" else "quarterly_summary"
    obligations.record_activity(None, kind="report_submission", occurred_on=day, unit=report.unit,
                                title=f"报送{report}", today=day, reports_on=min(report.period_value, day),
                                record_kind=record, evidence="record+approval", post_role="submitted",
                                responsible_post=_principal_post(report), source_ref=f"{record}:{report.pk}")


def _principal_post(report: Any) -> Any:
    from anxiao.org.models import Post

    person_id = getattr(report.approved_by, "person_id", None)
    if not person_id:
        return None
    return Post.objects.filter(unit=report.unit, holder_id=person_id, is_active=True).first()


def return_report(actor: Any, report: Any, reason: str, now: datetime.datetime | None = None) -> Any:
    if actor is not None and not (roles_over_unit(actor, report.unit) & BUREAU):
        raise PermissionDenied("只有教育局可以退回")
    if not reason or not reason.strip():
        raise ValidationError({"return_reason": ["请填写退回原因"]})
    with transaction.atomic():
        updated = type(report).objects.filter(pk=report.pk, status=LedgerStatus.SUBMITTED).update(
            status=LedgerStatus.RETURNED, returned_by=actor, returned_at=now or timezone.now(),
            return_reason=reason.strip(), updated_at=timezone.now())
        if not updated:
            raise ValidationError({"status": ["只能退回已报送的报表"]})
    report.refresh_from_db()
    return report


def month_status(units: Any, month: datetime.date, today: datetime.date | None = None,
                 model: Any = MonthlyLedger) -> list[dict[str, Any]]:
    """Per school: submitted / late / returned / pending / missing for one period (one query for the reports).
    Each report carries ``summary`` (the snapshot's summary block) but not the snapshot itself."""
    today = today or timezone.localdate()
    latest: dict[int, Any] = {}
    due = figures.due_on(month) if model is MonthlyLedger else figures.quarter_due(month)
    # The snapshot (every hazard row of a school's month) stays in the database; only its summary is read.
    reports = (model.objects.filter(unit__in=[u.pk for u in units], **{model.period_field: month}).defer("snapshot")
               .annotate(summary=F("snapshot__summary")).order_by("unit_id", "version"))
    for found in reports.iterator(chunk_size=2000):
        latest[found.unit_id] = found
    rows = []
    for unit in units:
        r = latest.get(unit.pk)
        rows.append({"unit": unit, "report": r,
                     "state": figures.state(r.status if r else None, r.late if r else False, due, today)})
    return rows


def month_status_stream(units: Any, month: datetime.date, today: datetime.date | None = None,
                        model: Any = MonthlyLedger, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """``month_status`` of a queryset of schools, ``chunk`` schools at a time (one query for their reports per
    chunk): what an export of a whole province writes row by row without holding 20,000 rows."""
    schools = units.iterator(chunk_size=chunk)
    while batch := list(islice(schools, chunk)):
        yield from month_status(batch, month, today, model)


# --- late-ledger alert ---------------------------------------------------------------------------------

LATE_KEY = "ledger-late"


def alert_late_ledgers(today: datetime.date | None = None) -> int:
    """Alert for every school whose ledger for the due month (``figures.due_month``) is late — past its due date
    and not submitted (``figures.state`` 未报), or returned by the bureau and not submitted again (已退回): the school's principal and safety deputy, the safety office of its
    bureau and the bureau's group robots, through ``notifications.actions.alert``. Once per school per month (the
    outbox keys ``ledger-late:<month>:<school>`` say who has been told). Returns the schools alerted."""
    from django.urls import reverse

    from anxiao.notifications.actions import alert
    from anxiao.notifications.models import Outbox
    from anxiao.obligations.actions import bureau_for
    from anxiao.obligations.alerts import bureau_safety_office, holders
    from anxiao.org.models import Unit

    today = today or timezone.localdate()
    month = figures.due_month(today)
    prefix = f"{LATE_KEY}:{month:%Y-%m}:"
    told = {int(k[len(prefix):].split(":", 1)[0]) for k in Outbox.objects.filter(dedupe_key__startswith=prefix)
            .values_list("dedupe_key", flat=True) if k}
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True).exclude(pk__in=told)
                   .select_related("supervising_unit"))
    offices: dict[int | None, list[Any]] = {}
    alerted = 0
    for row in month_status(schools, month, today):
        if row["state"] not in ("missing", "returned"):
            continue
        school = row["unit"]
        bureau = bureau_for(school)
        key = bureau.pk if bureau is not None else None
        if key not in offices:
            offices[key] = bureau_safety_office(bureau) if bureau is not None else []
        people = holders(school, [PostKind.PRINCIPAL], subtree=False) + holders(
            school, [PostKind.SAFETY_DEPUTY], subtree=False) + offices[key]
        due, late = figures.due_on(month), (today - figures.due_on(month)).days
        if row["state"] == "returned":
            title = f"台账月报退回未重报：{school.name} {month:%Y年%m月}"
            body = (f"{school.name}{month:%Y年%m月}的隐患排查整治台账月报已被教育局退回（退回原因："
                    f"{row['report'].return_reason}），应于{due:%m月%d日}前报送，截至{today:%m月%d日}尚未重新报送"
                    f"（已逾期 {late} 天）。")
        else:
            title = f"台账月报逾期未报：{school.name} {month:%Y年%m月}"
            body = (f"{school.name}{month:%Y年%m月}的隐患排查整治台账月报应于{due:%m月%d日}前报送，"
                    f"截至{today:%m月%d日}尚未报送（已逾期 {late} 天）。")
        alert(people, school, title, body, reverse("reports:ledger_school", args=[school.pk]) + f"?month={month:%Y-%m}",
              key=f"{prefix}{school.pk}")
        alerted += 1
    return alerted


def late_ledger_job() -> None:
    """Worker job (registered in ReportsConfig.ready): the late-ledger alert, once a day across workers."""
    from anxiao.notifications.actions import once_a_day

    today = timezone.localdate()
    once_a_day("reports.late_ledgers", today, lambda: alert_late_ledgers(today))
