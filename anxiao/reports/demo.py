"""Demo: a year of monthly ledgers — most on time, some late, a few missing, two returned by the bureau."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from anxiao.core.demo import DemoContext

from . import actions, ledger
from .models import LedgerStatus, MonthlyLedger


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def _sent_days(schools: list[Any], months: list[datetime.date]) -> dict[tuple[int, datetime.date], Any]:
    """(school, month) → the day the obligations history says its ledger was sent, or None if it never was."""
    from anxiao.obligations.models import ActivityKind, Occurrence, PeriodKind

    slots = Occurrence.objects.filter(rule__activity_kind=ActivityKind.REPORT_SUBMISSION, rule__period=PeriodKind.MONTH,
                                      unit__in=schools, period_start__in=months).annotate(
        sent_on=Max("counted__activity__occurred_on", filter=Q(counted__activity__voided_at__isnull=True)))
    return {(unit_id, month): day for unit_id, month, day in slots.values_list("unit_id", "period_start", "sent_on")}


def build(ctx: DemoContext) -> None:
    from anxiao.accounts.models import User

    users = {u.person_id: u for u in User.objects.filter(person__isnull=False)}
    system = User.objects.get(username="admin")
    bureau = User.objects.get(username="anquanban")
    this_month = ledger.first_of_month(ctx.today)
    months = []
    month = this_month
    for _ in range(12):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    # History is written directly (drafted from the demo's own hazards, then frozen as if submitted); the
    # submission chain itself is exercised by the tests and by the current month, which is left to the schools.
    # The obligations demo, which runs first, decided on which day each school sent each month's ledger (its
    # report_submission activities counted for the monthly-ledger slots); the ledgers follow it, so the
    # compliance pages and the ledger status agree. A month it has no slot for is drawn here.
    sent = _sent_days([s["school"] for s in ctx.data["schools"]], months)
    history: list[MonthlyLedger] = []
    for index, s in enumerate(ctx.data["schools"]):
        school: Any = s["school"]
        principal = users.get(s["principal"].holder_id, system)
        deputy = users.get(s["safety_deputy"].holder_id, system)
        careless = index % 7 == 3  # a few schools are often late or miss a month
        for month in reversed(months):
            if (school.pk, month) in sent:
                day = sent[(school.pk, month)]
                if day is None:
                    continue  # never sent
                late = day > ledger.due_on(month)
            else:
                roll = ctx.rng.random()
                if careless and roll < 0.15:
                    continue  # never sent
                late = (careless and roll < 0.5) or roll < 0.06
                day = month.replace(day=28) + datetime.timedelta(days=ctx.rng.randint(1, 4)) if late else \
                    month.replace(day=ctx.rng.randint(20, 28))
            history.append(MonthlyLedger(
                unit=school, month=month, status=LedgerStatus.SUBMITTED, prepared_by=deputy, prepared_at=_at(day, 9),
                approved_by=principal, submitted_at=_at(day, 16), due_on=ledger.due_on(month), late=late,
                snapshot=ledger.draft(school, month)))
    MonthlyLedger.objects.bulk_create(history, batch_size=500)
    returned = 0
    for report in MonthlyLedger.objects.filter(month=months[0]).order_by("unit__name")[:2]:
        assert report.submitted_at is not None
        actions.return_report(bureau, report, "部分隐患未写明整改责任人和整改时限，请补充后重新报送。",
                              now=_at(report.submitted_at.date() + datetime.timedelta(days=1), 10))
        returned += 1
    from . import notices, quarterly

    last_quarter = quarterly.quarter_start(quarterly.quarter_start(ctx.today) - datetime.timedelta(days=1))
    due = quarterly.due_on(last_quarter)
    for index, s in enumerate(ctx.data["schools"]):
        if index % 9 == 5:
            continue  # a few schools never sent it
        principal = users.get(s["principal"].holder_id, system)
        deputy = users.get(s["safety_deputy"].holder_id, system)
        summary = actions.prepare_summary(deputy, s["school"], last_quarter, problems="部分班级安全教育课记录不完整。",
                                          next_plan="开展冬季防火、防一氧化碳中毒专项检查。", now=_at(due, 9))
        day = due + datetime.timedelta(days=2) if index % 11 == 7 else due - datetime.timedelta(days=3)
        actions.approve(principal, summary, now=_at(day, 15), redraft=False)

    bureau_unit = ctx.data["bureau"]
    first = notices.issue(bureau, bureau_unit, title="关于做好暑期防溺水安全教育的通知", document_number="临教安〔2026〕21号",
                          body="各学校：暑期将至，请于放假前完成防溺水专题教育和家长告知书签收，并报送落实情况。")
    for recipient in first.recipients.select_related("unit")[:30]:
        notices.confirm_read(users.get(ctx.data["schools"][0]["principal"].holder_id, system), recipient) \
            if recipient.unit == ctx.data["schools"][0]["school"] else _read(recipient, system)
    title, body = notices.bulletin_text(bureau_unit, months[0], ctx.today)
    notices.issue(bureau, bureau_unit, kind="bulletin", title=title, body=body, document_number="临教安〔2026〕35号")
    ctx.say(f"台账月报：{MonthlyLedger.objects.count()} 份（其中迟报 {MonthlyLedger.objects.filter(late=True).count()} 份，"
            f"退回 {returned} 份）。")


def _read(recipient: Any, system: Any) -> None:
    from .models import NoticeRecipient

    NoticeRecipient.objects.filter(pk=recipient.pk).update(read_at=timezone.now(), read_by=system)


def build_scale(ctx: DemoContext) -> None:
    """Last month's submitted ledger for every school of the benchmark province (summaries only)."""
    from anxiao.accounts.models import User
    from anxiao.org.models import Unit

    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench_admin", None, None)
    month = (ledger.first_of_month(ctx.today) - datetime.timedelta(days=1)).replace(day=1)
    now = timezone.now()
    summary = {"carried": 3, "new": 5, "new_major": 0, "new_general": 5, "closed": 4, "open": 4, "overdue": 1,
               "major_open": 0, "supervised": 0, "rate": 0.5, "funds": "1.20",
               "activities": {kind: 2 for kind, _l in ledger.ACTIVITY_KINDS}}
    batch: list[MonthlyLedger] = []
    ids = Unit.objects.filter(kind="school").values_list("id", flat=True).iterator(chunk_size=5000)
    for n, unit_id in enumerate(ids):
        batch.append(MonthlyLedger(unit_id=unit_id, month=month, status="submitted", prepared_by=actor,
                                   prepared_at=now, approved_by=actor, submitted_at=now, due_on=ledger.due_on(month),
                                   late=n % 10 == 0, snapshot={"header": {}, "rows": [], "summary": summary}))
        if len(batch) >= 5000:
            MonthlyLedger.objects.bulk_create(batch)
            batch.clear()
    MonthlyLedger.objects.bulk_create(batch)
