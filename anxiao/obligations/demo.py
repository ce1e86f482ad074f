"""Demo county: the national rules for 临溪县教育局 and a year of history — most obligations met, some late,
some missed, unevenly across schools (a few schools are clearly behind). Written with bulk_create."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.demo import DemoContext
from anxiao.core.periods import periods_between

from . import actions, crediting, tally
from .models import Activity, ActivityOccurrence, ObligationRule, Occurrence, PeriodKind

HISTORY_DAYS = 365
# Per-class weekly slots are many: a shorter history shows the pattern and keeps the demo fast. Daily rules get
# this month so far (a record a day each is the bulk of the demo's activities).
SHORT_HISTORY_DAYS: dict[str, int] = {PeriodKind.WEEK: 91}
LAGGARDS = 4  # schools that are clearly behind


def _diligence(ctx: DemoContext, schools: list[dict[str, Any]]) -> dict[int, float]:
    out = {}
    laggards = set(ctx.rng.sample(range(len(schools)), min(LAGGARDS, len(schools))))
    for i, s in enumerate(schools):
        out[s["school"].pk] = ctx.rng.uniform(0.45, 0.7) if i in laggards else ctx.rng.uniform(0.82, 0.99)
    return out


def _day_between(ctx: DemoContext, first: datetime.date, last: datetime.date) -> datetime.date:
    span = max(0, (last - first).days)
    return first + datetime.timedelta(days=ctx.rng.randint(0, span))


def _daily(ctx: DemoContext, rule: ObligationRule, subjects: list[tuple[int, int | None, str]],
           today: datetime.date, diligence: dict[int, float], officer: dict[int, Any], occurrences: list[Occurrence],
           planned: list[tuple[Occurrence, list[datetime.date], int | None]]) -> None:
    """A daily rule: this month's row (one slot a day, see Occurrence), each day done or not so far."""
    month = periods_between(PeriodKind.MONTH, today, today)[0]
    slots = (month.end - month.start).days + 1
    for unit_id, post_id, key in subjects:
        occ = Occurrence(rule=rule, unit_id=unit_id, post_id=post_id, subject_key=key, period_key=month.key,
                         period_start=month.start, period_end=month.end, due_on=month.end,
                         deadline=month.end + datetime.timedelta(days=rule.grace_days), quota=rule.quota,
                         slots=slots, alert_on=None)
        rate = diligence.get(unit_id, 0.9) if not _written_by_app(rule) else 0.0
        done_dates: list[datetime.date] = []
        for i in range((today - month.start).days + 1 if rate else 0):
            if ctx.rng.random() < rate:
                occ.day_mask |= 1 << i
                done_dates += [month.start + datetime.timedelta(days=i)] * rule.quota
        occ.met_slots = bin(occ.day_mask).count("1")
        occ.done_count = len(done_dates)
        occurrences.append(occ)
        planned.append((occ, done_dates, post_id or (officer[unit_id].pk if officer.get(unit_id) else None)))


def _record_shape(rule: ObligationRule) -> dict[str, Any]:
    """What a record that fills the rule is, by the rule's own crediting (crediting.py): its record kind, the
    evidence the rule asks for, the role of the post — so the demo's history is credited as live use would be."""
    credit = crediting.credit_of(rule)
    record = next((r for r in credit.records if r != "entry"), "entry")
    meeting = record.split(":", 1)[1] if record.startswith("meeting:") else ""
    return {"record_kind": "" if record == "entry" or meeting else record, "meeting_kind": meeting,
            "evidence": credit.evidence, "post_role": credit.roles[0] if credit.roles else "organised"}


def _supporting_files(activities: list[Activity]) -> None:
    """A hand-typed entry is a complete record only with a supporting file (crediting.manual_evidence), live and in
    the demo: each such demo entry carries the scan of its report (one stored image shared by all)."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from .models import ActivityAttachment

    if not activities:
        return
    buf = io.BytesIO()
    Image.new("RGB", (60, 80), (245, 245, 240)).save(buf, format="JPEG")
    stored = default_storage.save("activities/demo/报告扫描件.jpg", ContentFile(buf.getvalue()))
    ActivityAttachment.objects.bulk_create(
        [ActivityAttachment(activity=a, file=stored, name="报告扫描件.jpg", size=len(buf.getvalue())) for a in activities],
        batch_size=2000)


def _written_by_app(rule: ObligationRule) -> bool:
    """Rules whose records only their app writes (a patrol round from QR check-ins, a signed letter): the demo's
    history of these comes from those records (the inspections demo, :func:`_letters`), never made up here."""
    return any(r == "patrol_round" or r.startswith("letter:") for r in crediting.credit_of(rule).records)


def _letters(bureau: Any) -> int:
    """The letters the responsibility demo had signed (it runs before the rules exist) become the records live
    signing writes (``responsibility.actions._record_signing``), filling the slots crediting.py gives them."""
    from anxiao.org.models import Post
    from anxiao.responsibility.actions import HEAD_KINDS
    from anxiao.responsibility.models import Signature

    heads = {p.unit_id: p for p in Post.objects.filter(is_active=True, kind__in=list(HEAD_KINDS.values()))
             .order_by("-pk")}
    activities = []
    for sig in Signature.objects.select_related("letter__issuer_unit", "letter__signatory_unit",
                                                "letter__signatory_person"):
        letter = sig.letter
        head = heads.get(letter.issuer_unit_id)
        if head is not None and head.kind != HEAD_KINDS.get(letter.issuer_unit.kind):
            head = None
        signed_on = timezone.localdate(sig.signed_at)
        activities.append(Activity(
            kind="letter_signing", occurred_on=signed_on, unit=letter.signatory_unit, by_unit=letter.issuer_unit,
            responsible_post=head, post_role="led", title=f"{letter.year}年{letter.title}（{letter.party_b}）"[:200],
            record_kind=f"letter:{letter.kind}", evidence="record", source_ref=f"letter:{letter.pk}",
            reports_on=datetime.date(letter.year, 12, 31) if letter.year < signed_on.year else None,
            notes=f"乙方本人签订，内容摘要 {sig.content_hash[:16]}…"))
    Activity.objects.bulk_create(activities, batch_size=2000)
    link_records(activities)
    return len(activities)


def link_records(activities: list[Activity]) -> None:
    """Link records written in bulk to the slots crediting.py gives them (one query per group of records that fill
    the same slots) and recount those slots."""
    rules: dict[tuple[Any, ...], list[ObligationRule]] = {}
    groups: dict[tuple[Any, ...], list[Activity]] = {}
    for a in activities:
        key = (a.record_kind, a.kind, a.unit_id, a.by_unit_id, a.responsible_post_id, a.post_role, a.evidence,
               crediting.period_day(a))
        groups.setdefault(key, []).append(a)
    links = []
    for key, group in groups.items():
        if key[:-1] not in rules:
            rules[key[:-1]] = crediting.candidate_rules(group[0])
        for occ_id in crediting.slots_for(group[0], rules[key[:-1]]).values_list("pk", flat=True):
            links += [ActivityOccurrence(activity=a, occurrence_id=occ_id) for a in group]
    ActivityOccurrence.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    actions.recount({link.occurrence_id for link in links})


def build(ctx: DemoContext) -> None:
    bureau = ctx.data.get("bureau")
    schools = ctx.data.get("schools") or []
    if bureau is None:
        return
    today = ctx.today
    # The rules are the ones the bureau's adopted packs loaded when it confirmed their mapping (policies demo), as
    # for any bureau: nothing is loaded here behind the mapping's back.
    conf = actions.settings_for(bureau)
    conf.save()
    diligence = _diligence(ctx, schools)
    officer = {s["school"].pk: (s.get("safety_officers") or [None])[0] for s in schools}
    org = actions.BureauOrg(bureau, today)
    occurrences: list[Occurrence] = []
    planned: list[tuple[Occurrence, list[datetime.date], int | None]] = []
    for rule in ObligationRule.objects.filter(bureau=bureau, enabled=True):
        subjects = org.subjects(rule)
        if not subjects:
            continue
        if rule.period == PeriodKind.DAY:
            _daily(ctx, rule, subjects, today, diligence, officer, occurrences, planned)
            continue
        days = SHORT_HISTORY_DAYS.get(rule.period, HISTORY_DAYS)
        reports = _record_shape(rule)["record_kind"] in ("ledger", "quarterly_summary")
        for period in periods_between(rule.period, today - datetime.timedelta(days=days), today, conf.terms):
            dates = actions.occurrence_dates(rule, period, conf.remind_days)
            current = period.end >= today
            for unit_id, post_id, key in subjects:
                occ = Occurrence(rule=rule, unit_id=unit_id, post_id=post_id, subject_key=key, period_key=period.key,
                                 period_start=period.start, period_end=period.end, quota=rule.quota, **dates)
                rate = diligence.get(unit_id, 0.9) if not _written_by_app(rule) else 0.0
                roll = ctx.rng.random() if rate else 1.0
                done_dates: list[datetime.date] = []
                if current:
                    # This period is under way: some have done it already.
                    elapsed = ((today - period.start).days + 1) / ((period.end - period.start).days + 1)
                    if roll < rate * elapsed:
                        done_dates = [_day_between(ctx, period.start, today) for _ in range(rule.quota)]
                elif roll < rate:
                    done_dates = [_day_between(ctx, period.start, occ.due_on) for _ in range(rule.quota)]
                elif roll < rate + (1 - rate) / 2 and reports:
                    # Only a report can be late for its period (it reports on it); an activity done after the
                    # period belongs to the next one (crediting.period_day).
                    late = occ.deadline + datetime.timedelta(days=ctx.rng.randint(1, 10))
                    if late <= today:
                        done_dates = [_day_between(ctx, period.start, occ.due_on) for _ in range(rule.quota - 1)]
                        done_dates.append(late)
                if done_dates:
                    done_dates.sort()
                    occ.done_count = len(done_dates)
                    occ.completed_on = done_dates[-1]
                    occ.met_slots = occ.day_mask = 1
                    occ.alert_on = None
                elif not current:
                    # History is history: the worker does not chase a year of old slots on the first run.
                    occ.alert_on, occ.alert_stage = None, "escalated"
                occurrences.append(occ)
                planned.append((occ, done_dates, post_id or (officer[unit_id].pk if officer.get(unit_id) else None)))
    Occurrence.objects.bulk_create(occurrences, batch_size=2000)
    activities: list[Activity] = []
    owners: list[Occurrence] = []
    for occ, done_dates, post_id in planned:
        shape = _record_shape(occ.rule)
        for day in done_dates:
            # A late report is submitted after its period and still reports on it (crediting.period_day).
            reports_on = occ.period_start if shape["record_kind"] in ("ledger", "quarterly_summary") else None
            activities.append(Activity(kind=occ.rule.activity_kind, occurred_on=day, unit_id=occ.unit_id,
                                       responsible_post_id=post_id, title=occ.rule.title, reports_on=reports_on,
                                       notes="纪要：研究部署学校安全工作" if shape["meeting_kind"] else "", **shape))
            owners.append(occ)
    Activity.objects.bulk_create(activities, batch_size=2000)
    ActivityOccurrence.objects.bulk_create(
        [ActivityOccurrence(activity=a, occurrence=o) for a, o in zip(activities, owners, strict=True)], batch_size=2000)
    _supporting_files([a for a in activities if not a.record_kind and not a.meeting_kind
                       and a.evidence != crediting.Evidence.SELF])
    created = actions.expand(bureau, today)  # the next period
    tally.rebuild()  # the history above was written in bulk
    letters = _letters(bureau)
    ctx.say(f"周期性工作：{ObligationRule.objects.filter(bureau=bureau).count()} 条规则，"
            f"{len(occurrences) + created} 项应办事项，{len(activities) + letters} 条履职记录。")
