"""Dossier sections from the organisation (who held the post, what it looked after) and from incidents."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

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
