from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anxiao.core.access import can_write, get_visible_or_404, home_region, user_scope
from anxiao.core.choices import PostKind, UnitKind
from anxiao.core.crud import Crud, detail_view, list_view
from anxiao.core.files import field_file_response
from anxiao.core.flash import REFUSED, run_and_flash, run_form
from anxiao.core.paging import page_of
from anxiao.core.periods import period_containing
from anxiao.core.validation import parse_date
from anxiao.org.models import Post, Region, Unit

from . import actions, crediting, filters, forms, tally
from .figures import compliance_counts, compliance_rate, rag
from .models import (
    MET,
    Activity,
    ActivityAttachment,
    ActivityKind,
    HeightenedPeriod,
    ObligationRule,
    ObligationSettings,
    Occurrence,
    Status,
    status_q,
)

# Holders of these posts answer for their unit's own obligations (the unit-level slots).
UNIT_RESPONSIBLE_KINDS = {
    PostKind.PRINCIPAL, PostKind.SAFETY_DEPUTY, PostKind.SAFETY_OFFICER, PostKind.BUREAU_PRINCIPAL,
    PostKind.BUREAU_SAFETY_LEADER, PostKind.BUREAU_DEPT_HEAD, PostKind.CHIEF_DISTRICT, PostKind.CHIEF_TOWN,
    PostKind.CHIEF_VILLAGE,
}
LATE_WINDOW_DAYS = 60


# --- my work -------------------------------------------------------------------------------------


def my_work_items(user: Any, today: datetime.date | None = None, limit: int = 60) -> dict[str, Any]:
    """What is due for the user this week and this period, and what is late. Three queries whatever the data size."""
    today = today or timezone.localdate()
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return {"week": [], "period": [], "late": [], "has_posts": False, "today": today}
    posts = list(Post.objects.filter(holder_id=person_id, is_active=True)
                 .values_list("pk", "unit_id", "kind", "unit__kind", "unit__parent_id"))
    post_ids = [p[0] for p in posts]
    units = {p[1] for p in posts if p[2] in UNIT_RESPONSIBLE_KINDS}
    # A safety officer in the school's 安保处 answers for the school.
    units |= {p[4] for p in posts if p[2] in UNIT_RESPONSIBLE_KINDS and p[3] == UnitKind.SCHOOL_DEPARTMENT and p[4]}
    mine = Q(post_id__in=post_ids) | Q(post__isnull=True, unit_id__in=units)
    qs = (Occurrence.objects.visible_to(user).filter(mine).exclude(MET)
          .filter(deadline__gte=today - datetime.timedelta(days=LATE_WINDOW_DAYS), period_start__lte=today)
          .select_related("rule", "unit", "post")
          .order_by("deadline", "rule_id")[:limit])
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    out: dict[str, Any] = {"week": [], "period": [], "late": [], "has_posts": bool(posts), "today": today}
    for occ in qs:
        if occ.slots > 1 and occ.period_end >= today:
            # A daily rule's month: due this week while today is not done yet, else it is the period's work.
            out["period" if occ.day_met(today) else "week"].append(occ)
        elif occ.deadline < today:
            out["late"].append(occ)
        elif occ.deadline <= week_end:
            out["week"].append(occ)
        else:
            out["period"].append(occ)
    return out


HOME_TOP = 3  # the home page shows the first few of each group, then "更多" to 我的工作


def my_work_context(request: HttpRequest) -> dict[str, Any] | None:
    """The home's short form of 我的工作: each group's count and its first few items (late first, then this week's,
    then the period's), the rest one tap away on the full page."""
    if not request.user.is_authenticated:
        return None
    items = my_work_items(request.user)
    return {**items, "short": HOME_TOP, "total": len(items["late"]) + len(items["week"]) + len(items["period"])}


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    return render(request, "obligations/my_work.html", {"ctx": my_work_items(request.user)})


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("obligations:my_work")


@login_required
@require_POST
def occurrence_done(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: record today's activity for a slot that is due."""
    occ = get_visible_or_404(Occurrence.objects.select_related("rule", "unit", "post"), request.user, pk=pk)
    today = timezone.localdate()
    activity = run_and_flash(request, lambda: actions.tap_done(request.user, occ, today))
    if activity is REFUSED:
        return redirect(_next(request))
    messages.success(request, f"已记录：{activity.get_kind_display()}（{activity.occurred_on}），计入 {occ.rule.title}")
    if request.htmx:  # type: ignore[attr-defined]
        occ.refresh_from_db()
        return render(request, "obligations/_occurrence_row.html", {"occ": occ, "today": today})
    return redirect(_next(request))


# --- occurrences ---------------------------------------------------------------------------------


@login_required
def occurrence_list(request: HttpRequest) -> HttpResponse:
    occurrence_filter = filters.OccurrenceFilter.parse(request.GET)
    qs = occurrence_filter.apply(Occurrence.objects.visible_to(request.user))
    qs = qs.select_related("rule", "unit", "post__holder").order_by("-deadline", "unit_id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "obligations/occurrence_list.html", {
        "page": page, "params": request.GET, "query": params.urlencode(), "today": timezone.localdate(),
        "statuses": Status.choices, "kinds": ActivityKind.choices,
    })


@login_required
def occurrence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    occ = get_visible_or_404(Occurrence.objects.select_related("rule", "unit", "post__holder"), request.user, pk=pk)
    counted = Activity.objects.visible_to(request.user).filter(counted__occurrence=occ).select_related(
        "responsible_post__holder")
    return render(request, "obligations/occurrence_detail.html", {"occ": occ, "counted": counted,
                                                                  "owing": crediting.people_owing(occ),
                                                                  "today": timezone.localdate()})


# --- activities ----------------------------------------------------------------------------------


def _activity_context(request: HttpRequest, activity: Activity) -> dict[str, Any]:
    return {
        "counted": activity.occurrences.select_related("rule").order_by("period_start"),
        "attachments": activity.attachments.all(),
        "void_form": forms.VoidForm(),
    }


ACTIVITIES = Crud(
    name="activity", app="obligations", model=Activity, title="履职记录", form=forms.ActivityForm,
    save=actions.record_activity,
    columns=[("日期", lambda a: a.occurred_on), ("类型", lambda a: a.get_kind_display()), ("主题", lambda a: a.title),
             ("单位", lambda a: a.unit), ("负责人", lambda a: a.responsible_post.holder if a.responsible_post
                                          and a.responsible_post.holder else ""),
             ("补录", lambda a: "补录" if a.backdated else ""), ("状态", lambda a: "已作废" if a.is_voided else "")],
    filters=filters.ActivityFilter, export="obligations:activity_export", select_related=("unit", "responsible_post__holder"),
    detail_fields=[("类型", lambda a: a.get_kind_display()), ("日期", lambda a: a.occurred_on),
                   ("单位", lambda a: a.unit), ("负责岗位", lambda a: a.responsible_post),
                   ("会议类别", lambda a: a.get_meeting_kind_display()),
                   ("负责岗位的角色", lambda a: a.get_post_role_display()),
                   ("证据", lambda a: a.get_evidence_display()),
                   ("所属周期", lambda a: a.reports_on or ""),
                   ("开展单位", lambda a: a.by_unit or ""),
                   ("主题", lambda a: a.title), ("参加人员", lambda a: a.participants),
                   ("参加人数", lambda a: a.participant_count), ("记录/纪要", lambda a: a.notes),
                   ("补录", lambda a: "是（日期早于录入日）" if a.backdated else "否"),
                   ("录入人", lambda a: a.recorded_by), ("作废", lambda a: f"{a.voided_at:%Y-%m-%d} {a.void_reason}"
                                                        if a.is_voided else "")],
    detail_template="obligations/activity_detail.html", detail_context=_activity_context,
)


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    return list_view(request, ACTIVITIES)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_view(request, ACTIVITIES, pk)


def _activity_form(request: HttpRequest, instance: Activity | None) -> HttpResponse:
    initial: dict[str, Any] = {"occurred_on": timezone.localdate()}
    occ_id = request.GET.get("occurrence")
    if instance is None and occ_id:
        occ = get_visible_or_404(Occurrence.objects.select_related("rule"), request.user, pk=occ_id)
        initial.update(kind=occ.rule.activity_kind, unit=occ.unit_id, responsible_post=occ.post_id, title=occ.rule.title,
                       occurred_on=occ.open_day(timezone.localdate()))
        # What the slot's rule counts: the meeting kind it names, the role it asks of the post (crediting.py).
        credit = crediting.credit_of(occ.rule)
        meeting = next((r.split(":", 1)[1] for r in credit.records if r.startswith("meeting:")), "")
        initial.update(meeting_kind=meeting, **({"post_role": credit.roles[0]} if credit.roles else {}))
    form = forms.ActivityForm(request.POST or None, request.FILES or None, instance=instance, user=request.user,
                              initial=initial)
    # Somebody recording their own work may name their own post and unit even without rights over the unit.
    person_id = getattr(request.user, "person_id", None)
    if person_id:
        own = Post.objects.filter(holder_id=person_id)
        post_field: Any = form.fields["responsible_post"]
        post_field.queryset = (post_field.queryset | own).distinct()
        unit_field: Any = form.fields["unit"]
        unit_field.queryset = (unit_field.queryset
                               | Unit.objects.filter(Q(posts__holder_id=person_id)
                                                     | Q(assignments_received__holder_post__holder_id=person_id))
                               ).distinct()
    saved = run_form(request, form, lambda d: actions.record_activity(
        request.user, instance, files=d.get("attachments") or [],
        **{k: d[k] for k in forms.ActivityForm.Meta.fields if k in d}), denied=actions.NO_RIGHT)
    if saved is not REFUSED:
        counted = saved.occurrences.count()
        messages.success(request, f"已保存，计入 {counted} 项应办事项" if counted else "已保存（未对应任何应办事项）")
        return redirect(ACTIVITIES.url("detail", saved.pk))
    return render(request, "obligations/activity_form.html", {"cfg": ACTIVITIES, "form": form, "obj": instance})


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    return _activity_form(request, None)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_or_404(Activity.objects.select_related("unit", "responsible_post"), request.user, pk=pk)
    if not actions._may_record(request.user, activity.unit, activity.responsible_post):
        raise PermissionDenied("您只能查看该记录，不能修改")
    return _activity_form(request, activity)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Uploaded files are never served directly: only through the record's access check."""
    attachment = get_visible_or_404(ActivityAttachment, request.user, pk=pk)
    return field_file_response(attachment.file, attachment.name)


@login_required
@require_POST
def activity_void(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_visible_or_404(Activity.objects.select_related("unit"), request.user, pk=pk)
    if not can_write(request.user, activity):
        raise PermissionDenied("您只能查看该记录，不能作废")
    run_and_flash(request, lambda: actions.void_activity(request.user, activity, request.POST.get("reason", "")),
                  "记录已作废，相关应办事项已重新计算")
    return redirect(ACTIVITIES.url("detail", activity.pk))


# --- rules and heightened periods ----------------------------------------------------------------------


def _rule_context(request: HttpRequest, rule: ObligationRule) -> dict[str, Any]:
    today = timezone.localdate()
    counts = dict.fromkeys(Status.values, 0)
    current = Occurrence.objects.visible_to(request.user).filter(rule=rule, period_start__lte=today,
                                                                 period_end__gte=today)
    for status in Status.values:
        counts[status] = current.filter(status_q(status, today)).count()
    return {"counts": counts}


def _save_rule(actor: Any, rule: ObligationRule | None, **data: Any) -> ObligationRule:
    """The rule form's entry: its four credit fields are the rule's ``credit`` block."""
    credit = forms.RuleForm.credit_from(data, editing=rule is not None)
    return actions.save_rule(actor, rule, credit=credit, **data)


RULES = Crud(
    name="rule", app="obligations", model=ObligationRule, title="周期性工作规则", form=forms.RuleForm,
    save=_save_rule,
    columns=[("名称", lambda r: r.title), ("类型", lambda r: r.get_activity_kind_display()),
             ("周期", lambda r: r.get_period_display()), ("次数", lambda r: r.quota),
             ("来源", lambda r: r.source), ("状态", lambda r: "启用" if r.enabled else "停用")],
    filters=filters.RuleFilter, select_related=("bureau",),
    detail_fields=[("名称", lambda r: r.title), ("规则编号", lambda r: r.code), ("教育局", lambda r: r.bureau),
                   ("工作类型", lambda r: r.get_activity_kind_display()),
                   ("对象", lambda r: "、".join([*r.post_kinds, *r.unit_kinds, *r.stages]) or "—"),
                   ("寄宿制", lambda r: "不限" if r.boarding is None else ("是" if r.boarding else "否")),
                   ("对象范围", lambda r: r.get_scope_display()),
                   ("要求", lambda r: f"{r.get_period_display()}至少 {r.quota} 次"),
                   ("截止", lambda r: r.get_due_rule_display() + (f"（{r.due_day}日）" if r.due_day else "")),
                   ("宽限天数", lambda r: r.grace_days), ("敏感时期加密", lambda r: "是" if r.heightened else "否"),
                   ("来源", lambda r: r.source), ("说明", lambda r: r.note),
                   ("计入的记录", lambda r: crediting.describe(r)["records"]),
                   ("负责岗位的角色", lambda r: crediting.describe(r)["roles"]),
                   ("计入谁", lambda r: crediting.describe(r)["slot"]),
                   ("证据要求", lambda r: crediting.describe(r)["evidence"]),
                   ("一键完成（今天已完成）", lambda r: crediting.describe(r)["one_tap"]),
                   ("生效", lambda r: f"{r.active_from or ''}–{r.active_until or ''}"),
                   ("状态", lambda r: "启用" if r.enabled else "停用")],
    detail_template="obligations/rule_detail.html", detail_context=_rule_context,
    extra_actions=(("重点敏感时期", "obligations:heightened_list"), ("学期与提醒设置", "obligations:settings_list"),
                   ("群机器人", "notifications:webhook_list")),
)

HEIGHTENED = Crud(
    name="heightened", app="obligations", model=HeightenedPeriod, title="重点敏感时期", form=forms.HeightenedPeriodForm,
    save=actions.save_heightened_period,
    columns=[("名称", lambda h: h.name), ("开始", lambda h: h.starts_on), ("结束", lambda h: h.ends_on),
             ("倍数", lambda h: h.factor), ("教育局", lambda h: h.bureau)],
    filters=filters.HeightenedFilter, select_related=("bureau",),
    detail_fields=[("名称", lambda h: h.name), ("教育局", lambda h: h.bureau), ("开始", lambda h: h.starts_on),
                   ("结束", lambda h: h.ends_on), ("检查次数倍数", lambda h: h.factor)],
)

SETTINGS = Crud(
    name="settings", app="obligations", model=ObligationSettings, title="学期与提醒设置", form=forms.SettingsForm,
    save=actions.save_settings_record,
    columns=[("教育局", lambda c: c.bureau), ("春季学期开始", lambda c: f"{c.spring_term_month}月{c.spring_term_day}日"),
             ("秋季学期开始", lambda c: f"{c.autumn_term_month}月{c.autumn_term_day}日"),
             ("允许补录天数", lambda c: c.backdate_days), ("提前提醒天数", lambda c: c.remind_days)],
    select_related=("bureau",),
    detail_fields=[("教育局", lambda c: c.bureau),
                   ("春季学期开始", lambda c: f"{c.spring_term_month}月{c.spring_term_day}日"),
                   ("秋季学期开始", lambda c: f"{c.autumn_term_month}月{c.autumn_term_day}日"),
                   ("允许补录天数", lambda c: f"{c.backdate_days} 天"),
                   ("截止前提醒", lambda c: f"{c.remind_days} 天"),
                   ("春季学期教学结束", lambda c: f"{c.spring_term_end_month}月{c.spring_term_end_day}日"),
                   ("秋季学期教学结束", lambda c: f"{c.autumn_term_end_month}月{c.autumn_term_end_day}日"),
                   ("节假日", lambda c: "、".join(c.holidays or []) or "仅法定固定节日"),
                   ("调休上课日", lambda c: "、".join(c.workdays or []) or "无"),
                   ("说明", lambda c: "新的学期日期和提醒天数用于此后展开的应办事项；已生成的不变。")],
)


# --- compliance ------------------------------------------------------------------------------------


DIMENSIONS = {
    "unit": ("单位", "unit_id", "unit__name", "unit"),
    "person": ("责任人", "post__holder_id", "post__holder__name", "holder"),
    "department": ("股室/处室", "post__unit_id", "post__unit__name", "department"),
    "region": ("区域", "unit__region_path", None, "region"),
}


def compliance_rows(qs: Any, by: str, today: datetime.date, within: Region | None = None,
                    start: datetime.date | None = None, end: datetime.date | None = None) -> list[dict[str, Any]]:
    """On-time rate per unit / person / department / region, counted per slot (a daily rule counts each day)
    for the slots starting in ``[start, end]``; two aggregate queries."""
    label, key, name, _param = DIMENSIONS[by]
    if by == "person":
        qs = qs.filter(post__holder__isnull=False)
    if by == "department":
        qs = qs.filter(post__unit__kind__in=[UnitKind.BUREAU_DEPARTMENT, UnitKind.SCHOOL_DEPARTMENT])
    fields = (key, name) if name else (key,)
    grouped = [{**dict(zip(fields, group, strict=True)), **c}
               for group, c in compliance_counts(qs, fields, today, start, end).items()]
    rows: dict[Any, dict[str, Any]] = {}
    if by == "region":
        children = list(Region.objects.filter(parent=within)) if within else []
        for g in grouped:
            child = next((c for c in children if g[key].startswith(c.path)), None)
            if within is not None and child is None:
                continue
            rid = child.pk if child else None
            row = rows.setdefault(rid, {"id": rid, "name": child.name if child else "全部", "done": 0, "late": 0,
                                        "missed": 0, "level": child.level if child else ""})
            for k in ("done", "late", "missed"):
                row[k] += g[k]
    else:
        for g in grouped:
            rows[g[key]] = {"id": g[key], "name": g[name or key], "done": g["done"], "late": g["late"], "missed": g["missed"]}
    return _finish(list(rows.values()))


def _finish(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        total = row["done"] + row["late"] + row["missed"]
        row["total"] = total
        row["rate"] = compliance_rate(row["done"], row["late"], row["missed"])
        row["rag"] = rag(row["rate"])
    rows.sort(key=lambda r: (r["rate"] if r["rate"] is not None else 101, str(r["name"])))
    return rows


def region_rows(region_paths: Any, within: Region | None, start: datetime.date, end: datetime.date,
                today: datetime.date, kind: str = "", months: bool = False) -> list[dict[str, Any]]:
    """The region roll-up read from the compliance tally (same rows as ``compliance_rows(..., "region")``); a
    large scope's (``months``) whole months from the month roll-up."""
    if within is not None and (region_paths is None or any(within.path.startswith(p) for p in region_paths)):
        region_paths = [within.path]  # only the region looked into, which lies inside the user's scope
    counts = tally.region_counts(region_paths, start, end, today, kind, months=months)
    children = list(Region.objects.filter(parent=within)) if within else []
    rows: dict[Any, dict[str, Any]] = {}
    for path, c in counts.items():
        if within is not None:
            child = next((ch for ch in children if path.startswith(ch.path)), None)
            if child is None:
                continue
            rid, name, level = child.pk, child.name, child.level
        else:
            rid, name, level = None, "全部", ""
        row = rows.setdefault(rid, {"id": rid, "name": name, "done": 0, "late": 0, "missed": 0, "due": 0,
                                    "level": level})
        row["done"] += c[Status.DONE]
        row["late"] += c[Status.LATE]
        row["missed"] += c[Status.MISSED]
        row["due"] += c[Status.DUE]
    return _finish(list(rows.values()))


def _region_within(user: Any, region_id: Any) -> Region | None:
    """The region the roll-up shows the children of: the one asked for, else the user's own
    (``core.access.home_region``)."""
    if region_id:
        return get_visible_or_404(Region, user, pk=region_id)
    scope = user_scope(user)
    if scope.unit_paths and not scope.everything:  # a mixed scope: the top region it sees
        return Region.objects.visible_to(user).filter(level__in=["county", "city", "province"]).order_by("path").first()
    return home_region(user)


def _day(value: Any) -> datetime.date | None:
    """A period bound typed into the compliance page; a malformed one falls back to the default period."""
    try:
        return parse_date(value, "from")
    except ValidationError:
        return None


def compliance_data(user: Any, params: Any, today: datetime.date | None = None) -> dict[str, Any]:
    """What the compliance page and the API show. Region roll-ups for users whose scope is a set of regions
    (or everything) come from the compliance tally; the other dimensions and unit scopes from the occurrences."""
    today = today or timezone.localdate()
    by = params.get("by", "")
    by = by if by in DIMENSIONS else default_dimension(user)
    too_wide = ""  # the dimension asked for when the scope is too large to rank unit by unit
    if by != "region" and not params.get("subtree") and _too_wide(user, params.get("region")):
        too_wide, by = by, "region"
    start = _day(params.get("from")) or today.replace(month=1, day=1)
    end = _day(params.get("to")) or today
    within = _region_within(user, params.get("region")) if by == "region" else None
    scope = user_scope(user)
    kind = params.get("kind") or ""
    source = "occurrences"
    if by == "region" and not scope.unit_paths and not params.get("subtree"):
        region_paths = None if scope.everything else scope.region_paths
        from anxiao.reports.dashboard import large_scope

        # a city's or a province's whole months from the month roll-up (the one rule of tally or live)
        large = large_scope(user, within) is not None  # the region shown (no query for the user's grants)
        rows = region_rows(region_paths, within, start, end, today, kind, months=large)
        source = "tally"
    else:
        qs = Occurrence.objects.visible_to(user).filter(period_start__lte=end, period_end__gte=start)
        qs = filters.OccurrenceFilter.parse({k: v for k, v in params.items() if k in ("subtree", "region", "kind")}) \
            .apply(qs)
        rows = compliance_rows(qs, by, today, within, start, end)
    total: dict[str, Any] = {k: sum(r[k] for r in rows) for k in ("done", "late", "missed")}
    total["rate"] = compliance_rate(total["done"], total["late"], total["missed"])
    total["rag"] = rag(total["rate"])
    return {"rows": rows, "by": by, "start": start, "end": end, "total": total, "within": within, "source": source,
            "too_wide": too_wide}


def _too_wide(user: Any, region_id: Any) -> bool:
    """Is the scope (narrowed to ``?region=``) too large for a ranking per unit, person or department: a city or
    a province (``reports.dashboard.large_scope``, the rule of every page)? Such a scope opens on its regions and
    drills down (issue 18): ranking 20,000 schools to show 100 counted a province's year of obligations."""
    from anxiao.reports.dashboard import large_scope

    region = Region.objects.visible_to(user).filter(pk=region_id).first() if str(region_id or "").isdecimal() \
        else None
    return large_scope(user, region) is not None


def default_dimension(user: Any) -> str:
    """What the compliance page opens on: a bureau user whose scope is a set of regions (or everything) lands on
    the roll-up by region, read from the compliance tally, and drills down a level at a time (a town's row opens
    its schools); a school's user on its units."""
    scope = user_scope(user)
    return "region" if not scope.unit_paths and (scope.everything or scope.region_paths) else "unit"


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    data = compliance_data(request.user, request.GET)
    by = data["by"]
    page, query = page_of(request, data["rows"])
    # the region a by-unit (person, department) view is narrowed to: a town's row of the roll-up opens its schools
    narrowed = get_visible_or_404(Region, request.user, pk=request.GET["region"]) \
        if by != "region" and str(request.GET.get("region", "")).isdecimal() else None
    return render(request, "obligations/compliance.html", {
        **data, "page": page, "query": query, "narrowed": narrowed, "dimensions": [(k, v[0]) for k, v in DIMENSIONS.items()], "label": DIMENSIONS[by][0],
        "param": DIMENSIONS[by][3], "kinds": ActivityKind.choices, "kind": request.GET.get("kind", ""),
    })


# --- calendar ---------------------------------------------------------------------------------------


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        first = datetime.date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    month = period_containing("month", first)
    qs = Occurrence.objects.visible_to(request.user)
    unit = None
    if request.GET.get("unit"):
        unit = get_visible_or_404(Unit, request.user, pk=request.GET.get("unit"))
        qs = qs.filter(unit__path__startswith=unit.path)
    days: dict[datetime.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    # Each slot on its own deadline: one-slot rows in SQL, a daily rule's months day by day.
    single = qs.filter(slots=1, deadline__gte=month.start, deadline__lte=month.end)
    for status in Status.values:
        for row in single.filter(status_q(status, today)).values("deadline").annotate(n=Count("pk")).order_by():
            days[row["deadline"]][status] += row["n"]
    months = qs.filter(slots__gt=1, deadline__gte=month.start,
                       period_start__lte=month.end).only("period_start", "deadline", "slots", "day_mask", "completed_on")
    for occ in months:
        for _day, deadline, status in occ.slot_days(today):
            if month.start <= deadline <= month.end:
                days[deadline][status] += 1
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(month.start.year, month.start.month):
        weeks.append([{"date": d, "in_month": d.month == month.start.month, "counts": days.get(d), "today": d == today}
                      for d in week])
    prev_month = (month.start - datetime.timedelta(days=1)).strftime("%Y-%m")
    next_month = (month.end + datetime.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "obligations/calendar.html", {
        "weeks": weeks, "month": month, "unit": unit, "prev_month": prev_month, "next_month": next_month,
    })
