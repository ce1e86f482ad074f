"""Dossier sections from the organisation (who held the post, what it looked after) and from incidents."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .dossier import Item, Section, section, year_bounds


@section(10)
def post_and_tenure(post: Any, year: int) -> Section:
    start, end = year_bounds(year)
    tenures = post.tenures.filter(started_on__lte=end).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    items = [Item(t.started_on, f"{t.person} 任职 {t.started_on} 至 {t.ended_on or '今'}") for t in
             tenures.select_related("person")]
    concerns = [] if items else ["该年度无任职记录（岗位空缺）"]
    return Section("岗位与任职", f"{post.unit} · {post.title}（{post.get_kind_display()}）",
                   facts=[("单位", post.unit), ("岗位类别", post.get_kind_display())], items=items, concerns=concerns)


@section(15)
def award_bar(post: Any, year: int) -> Section | None:
    """评优评先、晋职晋级: barred for the year by an accountability decision against the holder."""
    from .actions import bars

    barred = bars(post.holder, year) if post.holder_id else []
    if not barred:
        return None
    items = [Item(d.decided_on, f"{d.case.title}{'（' + d.document_number + '）' if d.document_number else ''}",
                  badge="red", badge_text="取消评优评先、晋职晋级资格") for d in barred]
    return Section("评优评先、晋职晋级资格", f"{post.holder}被取消{year}年度评优评先、晋职晋级资格", items=items,
                   concerns=[f"{year}年度不得列入评优评先、晋职晋级名单"])


@section(20)
def looked_after(post: Any, year: int) -> Section | None:
    from anxiao.org.models import Assignment

    start, end = year_bounds(year)
    rows = Assignment.objects.filter(holder_post=post, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)).select_related("target_unit", "target_region")
    if not rows:
        return None
    items = [Item(a.started_on, f"{a.get_kind_display()}：{a.target_unit or a.target_region}") for a in rows]
    return Section("包保 / 挂点联系", f"共 {len(items)} 处", items=items)


@section(70)
def incidents(post: Any, year: int) -> Section | None:
    from anxiao.incidents.models import Incident

    qs = Incident.objects.filter(unit__path__startswith=post.unit.path, learned_at__year=year, voided_at__isnull=True)
    if post.unit.kind in ("bureau", "bureau_department"):
        targets = post.assignments.filter(target_unit__isnull=False).values_list("target_unit_id", flat=True)
        qs = Incident.objects.filter(unit_id__in=list(targets), learned_at__year=year, voided_at__isnull=True)
    rows = list(qs.select_related("unit"))
    if not rows:
        return None
    items, concerns = [], []
    for i in rows:
        late = i.reported_late
        items.append(Item(i.learned_at, f"{i.unit}：{i.title}（{i.get_level_display()}）", "red" if late else "green",
                          "迟报" if late else "按时报告", reverse("incidents:incident_detail", args=[i.pk])))
        if late:
            concerns.append(f"{i.title}：事故报告迟报或超时未报")
    return Section("事故与报告", f"{len(rows)} 起", items=items, concerns=concerns)


@section(30)
def duties_and_letter(post: Any, year: int) -> Section | None:
    from anxiao.responsibility.models import Acknowledgement, Letter, ResponsibilityList

    current = ResponsibilityList.objects.filter(post=post, is_current=True).first()
    letters = list(Letter.objects.filter(signatory_post=post, year=year).select_related("signature")
                   .order_by("-version")[:3])
    facts: list[tuple[str, Any]] = []
    concerns = []
    items = []
    if current is None:
        concerns.append("该岗位没有责任清单")
    else:
        acknowledged = Acknowledgement.objects.filter(responsibility_list=current).first()
        facts.append(("责任清单", f"第 {current.version} 版，{current.duties.count()} 项职责"))
        facts.append(("确认知悉", f"{acknowledged.acknowledged_at:%Y-%m-%d}" if acknowledged else "未确认"))
        if acknowledged is None:
            concerns.append("当前责任清单未确认知悉")
    for letter in letters:
        signature = getattr(letter, "signature", None)
        items.append(Item(signature.signed_at if signature else letter.issued_at,
                          f"{letter.title}（第 {letter.version} 版）", "green" if signature else "orange",
                          "已签订" if signature else letter.get_status_display()))
    if not any(getattr(letter, "signature", None) for letter in letters):
        concerns.append(f"{year} 年度责任书未签订")
    return Section("责任清单与责任书", facts=facts, items=items, concerns=concerns)


@section(40)
def obligations_due_and_done(post: Any, year: int) -> Section | None:
    from django.db.models import F, Q, Sum
    from django.db.models.functions import Coalesce

    from anxiao.obligations.models import Occurrence

    qs = Occurrence.objects.filter(Q(post=post) | Q(post__isnull=True, unit=post.unit), deadline__year=year,
                                   deadline__lt=timezone.localdate())
    # Counted per slot: a daily rule's month counts each of its days.
    rows = list(qs.values("rule__title").annotate(
        total=Sum("slots"), met=Sum("met_slots"),
        # Coalesce: a rule whose every slot was late sums to NULL, not 0
        on_time=Coalesce(Sum("met_slots", filter=~Q(completed_on__gt=F("deadline"))), 0)).order_by("rule__title"))
    if not rows:
        return None
    items = [Item(None, f"{r['rule__title']}：应办 {r['total']}，完成 {r['met']}（按期 {r['on_time']}）",
                  "green" if r["met"] == r["total"] else "red", f"{r['met']}/{r['total']}") for r in rows]
    missed = sum(r["total"] - r["met"] for r in rows)
    return Section("周期性履职任务", f"应办 {sum(r['total'] for r in rows)} 项，未完成 {missed} 项", items=items,
                   concerns=[f"{missed} 项周期性任务未完成"] if missed else [])


@section(50)
def activities_and_inspections(post: Any, year: int) -> Section | None:
    from anxiao.inspections.models import Inspection
    from anxiao.obligations.models import Activity

    activities = list(Activity.objects.filter(responsible_post=post, occurred_on__year=year, voided_at__isnull=True)
                      .order_by("-occurred_on")[:30])
    inspections = list(Inspection.objects.filter(leader_id=post.holder_id, planned_on__year=year,
                                                 voided_at__isnull=True).select_related("unit")[:30]) \
        if post.holder_id else []
    if not activities and not inspections:
        return None
    items = [Item(a.occurred_on, f"{a.get_kind_display()}：{a.title or a.unit}") for a in activities]
    items += [Item(i.planned_on, f"检查 {i.unit}：{i.get_kind_display()}（{i.get_status_display()}）") for i in inspections]
    items.sort(key=lambda i: str(i.when), reverse=True)
    meetings = sum(1 for a in activities if a.kind == "meeting")
    return Section("履职记录（会议、检查、演练、培训）", f"{len(activities)} 条记录，其中会议 {meetings} 次；带队检查 {len(inspections)} 次",
                   items=items)


@section(60)
def hazards_handled(post: Any, year: int) -> Section | None:
    from django.db.models import Q

    from anxiao.hazards.models import Hazard

    if not post.holder_id:
        return None
    person = post.holder_id
    qs = Hazard.objects.filter(Q(finder_id=person) | Q(responsible_id=person), found_at__year=year,
                               voided_at__isnull=True).select_related("unit")
    rows = list(qs[:50])
    if not rows:
        return None
    today = timezone.localdate()
    overdue = [h for h in rows if h.is_overdue(today) and h.responsible_id == person]
    items = [Item(h.found_at, f"{h.unit}：{h.location} {h.description[:24]}（{h.get_status_display()}）",
                  "red" if h in overdue else ("green" if h.status == "closed" else ""),
                  "逾期" if h in overdue else ("已销号" if h.status == "closed" else ""), f"/hazards/{h.pk}/")
             for h in rows]
    found = sum(1 for h in rows if h.finder_id == person)
    return Section("隐患发现与整改", f"发现 {found} 条，负责整改 {sum(1 for h in rows if h.responsible_id == person)} 条",
                   items=items, concerns=[f"负责整改的隐患逾期 {len(overdue)} 条"] if overdue else [])
