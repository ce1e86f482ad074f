"""Obligation operations: rules, expansion into occurrences, recording activities, alerts.

Views, the API, the CLI and the worker change obligation records only here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from anxiao.core.access import require_write, write_scope
from anxiao.core.choices import POST_KIND_UNIT_KINDS, PostKind, UnitFunction, UnitKind
from anxiao.core.files import check_attachment_name as files_check_name
from anxiao.core.files import checked_attachments, checked_content
from anxiao.core.periods import DEFAULT_TERMS, Period, TermCalendar, due_date, next_period, period_containing
from anxiao.org.conditions import CONDITIONS, condition_holds, school_of
from anxiao.org.models import Assignment, AssignmentKind, Post, Unit

from . import crediting, tally
from .models import (
    ALLOWED_ATTACHMENT_EXTENSIONS,
    Activity,
    ActivityAttachment,
    ActivityKind,
    ActivityOccurrence,
    ComplianceMonthTally,
    ComplianceTally,
    DueRule,
    HeightenedPeriod,
    ObligationRule,
    ObligationSettings,
    Occurrence,
    PeriodKind,
    SubjectScope,
)

NO_RIGHT = "您没有在该范围内修改的权限"
MAX_QUOTA = 200
SHORT_PERIODS = {PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.HALF_MONTH}




# --- bureau calendar -------------------------------------------------------------------------


def bureau_for(unit: Unit) -> Unit | None:
    """The education bureau whose rules apply to a unit."""
    if unit.kind == UnitKind.BUREAU:
        return unit
    if unit.kind == UnitKind.BUREAU_DEPARTMENT:
        return unit.parent
    if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent:
        unit = unit.parent
    if unit.supervising_unit_id:
        return unit.supervising_unit
    # A government or member agency: the bureau of the nearest region above it.
    bureaus = Unit.objects.filter(kind=UnitKind.BUREAU, is_active=True).only("pk", "region_path", "path")
    best = None
    for b in bureaus:
        if unit.region_path.startswith(b.region_path) and (best is None or len(b.region_path) > len(best.region_path)):
            best = b
    return best


def settings_for(bureau: Unit | None) -> ObligationSettings:
    if bureau is None:
        return ObligationSettings()
    found = ObligationSettings.objects.filter(bureau=bureau).first()
    return found or ObligationSettings(bureau=bureau)


def _check_settings(obj: ObligationSettings) -> None:
    errors: dict[str, list[str]] = {}
    for term, label in (("spring", "春季"), ("autumn", "秋季")):
        month, day = getattr(obj, f"{term}_term_month"), getattr(obj, f"{term}_term_day")
        if month is None or not 1 <= month <= 12:
            errors[f"{term}_term_month"] = [f"{label}学期开始月应为 1–12"]
            continue
        try:
            datetime.date(2001, month, day or 0)
        except (TypeError, ValueError):
            errors[f"{term}_term_day"] = [f"{label}学期开始日期不存在：{month}月没有{day}日"]
    if not errors and (obj.spring_term_month, obj.spring_term_day) >= (obj.autumn_term_month, obj.autumn_term_day):
        errors["autumn_term_month"] = ["秋季学期开始日期必须晚于春季学期开始日期"]
    for term, label in (("spring", "春季"), ("autumn", "秋季")):
        month, day = getattr(obj, f"{term}_term_end_month"), getattr(obj, f"{term}_term_end_day")
        try:
            datetime.date(2001, month or 0, day or 0)
        except (TypeError, ValueError):
            errors[f"{term}_term_end_day"] = [f"{label}学期结束日期不存在：{month}月{day}日"]
    for field, label in (("holidays", "节假日"), ("workdays", "调休上课日")):
        values = getattr(obj, field)
        if isinstance(values, str):
            values = [v.strip() for v in values.replace("，", ",").replace("\n", ",").split(",") if v.strip()]
            setattr(obj, field, values)
        bad = []
        for v in values or []:
            try:
                datetime.date.fromisoformat(str(v))
            except ValueError:
                bad.append(str(v))
        if not isinstance(values, list) or bad:
            errors[field] = [f"{label}应为 YYYY-MM-DD 格式的日期：{'、'.join(bad[:3])}"]
        else:
            setattr(obj, field, sorted({str(datetime.date.fromisoformat(str(v))) for v in values}))
    if not errors:
        try:
            obj.terms  # noqa: B018 - the calendar checks the order of the dates
        except ValueError as exc:
            errors["spring_term_end_month"] = [str(exc)]
    if obj.backdate_days is None or not 0 <= obj.backdate_days <= 366:
        errors["backdate_days"] = ["允许补录天数应为 0–366"]
    if obj.remind_days is None or not 0 <= obj.remind_days <= 60:
        errors["remind_days"] = ["提前提醒天数应为 0–60"]
    if errors:
        raise ValidationError(errors)


def save_settings(actor: Any, bureau: Unit, **data: Any) -> ObligationSettings:
    """A bureau's term dates, backdating window and reminder days. New dates apply to slots expanded from now on."""
    if bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": ["只有教育局有周期性工作设置"]})
    require_write(actor, bureau)
    obj = settings_for(bureau)
    for key, value in data.items():
        setattr(obj, key, value)
    _check_settings(obj)
    obj.full_clean()
    obj.save()
    return obj


def save_settings_record(actor: Any, obj: ObligationSettings | None, **data: Any) -> ObligationSettings:
    """The web form's entry: a new record names its bureau; a bureau has one settings record."""
    bureau = data.pop("bureau", None)
    if obj is not None:
        return save_settings(actor, obj.bureau, **data)
    if bureau is None:
        raise ValidationError({"bureau": ["请选择教育局"]})
    if ObligationSettings.objects.filter(bureau=bureau).exists():
        raise ValidationError({"bureau": [f"{bureau} 已有设置，请在列表中打开它修改"]})
    return save_settings(actor, bureau, **data)


# --- rules -----------------------------------------------------------------------------------


def _check_rule(rule: ObligationRule) -> None:
    errors: dict[str, list[str]] = {}
    if rule.activity_kind not in ActivityKind.values:
        errors["activity_kind"] = [f"工作类型“{rule.activity_kind}”不是有效的选项"]
    if rule.period not in PeriodKind.values:
        errors["period"] = [f"周期“{rule.period}”不是有效的选项（可选：{'、'.join(PeriodKind.values)}）"]
    if rule.scope not in SubjectScope.values:
        errors["scope"] = [f"对象范围“{rule.scope}”不是有效的选项"]
    if rule.quota is None or rule.quota < 1:
        errors["quota"] = ["每周期至少次数必须大于 0"]
    elif rule.quota > MAX_QUOTA:
        errors["quota"] = [f"每周期至少次数不能超过 {MAX_QUOTA}"]
    if rule.due_rule not in DueRule.values:
        errors["due_rule"] = [f"截止规则“{rule.due_rule}”不是有效的选项"]
    elif rule.due_rule != DueRule.END_OF_PERIOD:
        if rule.due_day is None or not 1 <= rule.due_day <= 31:
            errors["due_day"] = ["截止日应为 1–31 之间的日期"]
        if rule.period in SHORT_PERIODS:
            errors["due_rule"] = ["按日期截止的规则只适用于月、季度、学期、半年或年度周期"]
        elif rule.due_rule == DueRule.DAY_IN_LAST_MONTH_OF_QUARTER and rule.period == PeriodKind.MONTH:
            errors["due_rule"] = ["“季末月某日前”不适用于每月周期"]
    if rule.grace_days is not None and rule.grace_days > 366:
        errors["grace_days"] = ["宽限天数不能超过 366 天"]
    if rule.active_from and rule.active_until and rule.active_until < rule.active_from:
        errors["active_until"] = ["失效日期不能早于生效日期"]
    for field, allowed in (("post_kinds", PostKind.values), ("unit_kinds", UnitKind.values),
                           ("functions", UnitFunction.values)):
        bad = [v for v in getattr(rule, field) or [] if v not in allowed]
        if bad:
            errors[field] = [f"不是有效的选项：{'、'.join(map(str, bad))}"]
    if rule.holder_kind and rule.holder_kind not in PostKind.values:
        errors["holder_kind"] = [f"承担岗位“{rule.holder_kind}”不是有效的岗位类别"]
    if rule.condition and rule.condition not in CONDITIONS:
        errors["condition"] = [f"适用条件应为 {'、'.join(CONDITIONS)} 之一"]
    if rule.scope in (SubjectScope.BAOBAO, SubjectScope.SCHOOLS) and not rule.post_kinds:
        errors["post_kinds"] = ["包保/逐校检查规则必须指定负责的岗位类别"]
    if not errors:
        try:
            # a post inspecting every school of the bureau fills its slot per school, as a 包保 post does
            rule.credit = crediting.parse(rule.credit, rule.activity_kind, on_post=crediting._on_post(rule),
                                          baobao=rule.scope in (SubjectScope.BAOBAO, SubjectScope.SCHOOLS)).as_dict()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def save_rule(actor: Any, rule: ObligationRule | None, **data: Any) -> ObligationRule:
    creating = rule is None
    rule = rule or ObligationRule()
    if not creating:
        require_write(actor, rule.bureau)
    old_kind = rule.activity_kind
    if not creating and isinstance(data.get("credit"), dict):
        # A partial credit block (a PATCH, a form leaving a part blank) changes only what it names.
        data["credit"] = {**crediting.credit_of(rule).as_dict(), **data["credit"]}
    for key, value in data.items():
        setattr(rule, key, value)
    if not rule.bureau_id:
        raise ValidationError({"bureau": ["请选择教育局"]})
    if rule.bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": ["规则只能由教育局制定"]})
    require_write(actor, rule.bureau)
    if rule.due_rule == DueRule.END_OF_PERIOD:
        rule.due_day = None
    if not rule.code:
        rule.code = f"local.{timezone.now():%Y%m%d%H%M%S%f}"
    _check_rule(rule)
    if ObligationRule.objects.filter(bureau=rule.bureau, code=rule.code).exclude(pk=rule.pk).exists():
        raise ValidationError({"code": [f"规则编号“{rule.code}”已存在"]})
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        if not creating:
            tally.recount_rule_kind(rule.pk, old_kind, rule.activity_kind)
    return rule


def _subject(rule: Any) -> tuple[Any, ...]:
    """What a rule asks of whom: two rules with the same subject, kind and period ask for the same thing.

    Unit kinds a rule's post kinds can only sit in add nothing (局主要负责人 with or without "in a bureau")."""
    get = (lambda k: rule.get(k)) if isinstance(rule, dict) else (lambda k: getattr(rule, k, None))
    post_kinds = tuple(sorted(get("post_kinds") or []))
    unit_kinds = tuple(sorted(get("unit_kinds") or []))
    if post_kinds and unit_kinds:
        possible = set().union(*(POST_KIND_UNIT_KINDS.get(k, set()) for k in post_kinds))
        if possible <= set(unit_kinds):
            unit_kinds = ()
    return (get("activity_kind"), get("period"), post_kinds, unit_kinds, tuple(sorted(get("stages") or [])),
            get("boarding"), get("scope") or SubjectScope.OWN, tuple(sorted(get("functions") or [])),
            get("condition") or "", tuple(sorted(get("units") or [])),
            # the same thing is what fills it: a 党政联席会议 is not a 形势分析会 (crediting.py)
            tuple(sorted((get("credit") or {}).get("records") or [])))


def _covers(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Whether subject ``a`` asks everybody ``b`` asks (same activity, period and scope; each criterion of ``a``
    open or wider). Slots of a unit and slots of posts are never the same."""
    if a[0:2] != b[0:2] or a[6] != b[6] or a[10] != b[10] or bool(a[2]) != bool(b[2]):
        return False
    for i in (2, 3, 4, 7, 9):  # post kinds, unit kinds, stages, functions, units
        if a[i] and not (b[i] and set(b[i]) <= set(a[i])):
            return False
    return (a[5] is None or a[5] == b[5]) and (not a[8] or a[8] == b[8])


def _merge_into(kept: ObligationRule, dropped: ObligationRule) -> None:
    """One slot, every source: ``dropped`` is switched off (saying by which) and ``kept`` carries its source."""
    dropped.enabled = False
    dropped.note = f"{dropped.note}\n由 {kept.pack_code} {kept.clause_ref}（{kept.code}）取代".strip()
    dropped.save(update_fields=["enabled", "note", "updated_at"])
    also = [*kept.also_sources, dropped.own_source, *dropped.also_sources]
    kept.also_sources = list(dict.fromkeys(a for a in also if a and a != kept.own_source))
    kept.save(update_fields=["also_sources", "updated_at"])


def _stack(rule: ObligationRule, others: Iterable[ObligationRule]) -> None:
    """Another document's enabled rule asking the same subjects for the same thing per the same period gives way to
    ``rule``; where one asks a wider set than the other (s001's drill for every school, s002's for primary and
    secondary schools) at least as often and by the same deadline, the wider one keeps the slot. Either way one slot
    remains and it shows both sources."""
    mine = _subject(rule)
    for other in list(others):
        if other.pk == rule.pk or not other.enabled or other.pack_code == rule.pack_code or not rule.enabled:
            continue
        theirs = _subject(other)
        same_due = (other.due_rule, other.due_day) == (rule.due_rule, rule.due_day)
        if theirs == mine or same_due and rule.quota >= other.quota and _covers(mine, theirs):
            _merge_into(rule, other)
        elif same_due and other.quota >= rule.quota and _covers(theirs, mine):
            _merge_into(other, rule)


# Values a built-in rule had in an earlier release. A bureau's rule that still holds one never chose it (it is
# what the pack said then), so a reload gives it the pack's value of today; a value the bureau set itself is kept.
# Migration obligations 0011 applies the same table once on upgrade (a frozen copy).
FORMER_PACK_VALUES: dict[str, dict[str, list[list[str]]]] = {
    # 2026-12: the school's slot (every guard's rounds together), no longer one slot per guard
    "national.school.daily_keypoint_patrol": {"post_kinds": [["security_guard"]]},
}


def load_rules(actor: Any, bureau: Unit, packs: Iterable[str] | None = None, *,
               supersede: bool = True, units: list[int] | None = None) -> tuple[int, int]:
    """Load the built-in rules of the given packs for one bureau. Returns (created, updated).

    Running it again updates the rule text and source but keeps a bureau's own changes to the
    numbers (quota, period, due rule, grace, enabled, post kinds) — those are the bureau's to decide; a value that
    is only an earlier release's pack value (``FORMER_PACK_VALUES``) takes the pack's value of today.

    A seed pack repeats many national quotas. With ``supersede`` (the default) a pack's rule that asks the
    same subject for the same activity kind per the same period as an enabled rule of another pack switches
    that rule off (its note says by which), so the bureau runs the seed as written without asking twice.
    """
    from .packs import DEFAULT_PACKS, read_pack, repeats

    require_write(actor, bureau)
    if bureau.kind != UnitKind.BUREAU:
        raise ValidationError({"bureau": ["规则只能载入到教育局"]})
    created = updated = 0
    existing = {r.code: r for r in ObligationRule.objects.filter(bureau=bureau)}
    repeated: list[tuple[ObligationRule, str]] = []
    with transaction.atomic():
        for pack in packs or DEFAULT_PACKS:
            same = repeats(pack)
            for values in read_pack(pack):
                same_as = same.get(values["code"], "")
                if units is not None:
                    values["units"] = list(units)  # a school's own plan: its schools only
                rule = existing.get(values["code"])
                if rule is None:
                    rule = ObligationRule(bureau=bureau, **values)
                    _check_rule(rule)
                    rule.save()
                    existing[rule.code] = rule
                    created += 1
                else:
                    old_kind = rule.activity_kind
                    # What fills the rule is part of its text (the pack's crediting table), not a bureau number;
                    # so is whom it asks (functions, condition, holder, a school plan's schools).
                    for key in ("title", "pack_code", "clause_ref", "note", "activity_kind", "credit", "functions",
                                "condition", "holder_kind", "teaching_only",
                                *(("units",) if units is not None else ())):
                        setattr(rule, key, values[key])
                    for key, former in FORMER_PACK_VALUES.get(rule.code, {}).items():
                        if sorted(getattr(rule, key) or []) in [sorted(v) for v in former]:
                            setattr(rule, key, values[key])
                    _check_rule(rule)
                    rule.save()
                    tally.recount_rule_kind(rule.pk, old_kind, rule.activity_kind)
                    updated += 1
                if same_as:
                    repeated.append((rule, same_as))
                if supersede and rule.enabled:
                    _stack(rule, existing.values())
        for rule, code in repeated:
            # A document that says the same thing twice (s001 一(六) and 二(五)), or names it as an item of another
            # check (s003's 每日清扫 in the monthly 大检查): the pack loads the repeat switched off and the kept
            # rule's one slot shows both clauses. A bureau that switches the repeat on decides otherwise.
            kept = existing.get(code)
            if kept is not None and not rule.enabled and rule.own_source not in kept.also_sources:
                kept.also_sources = [*kept.also_sources, rule.own_source]
                kept.save(update_fields=["also_sources", "updated_at"])
    return created, updated


def save_heightened_period(actor: Any, period: HeightenedPeriod | None, **data: Any) -> HeightenedPeriod:
    creating = period is None
    period = period or HeightenedPeriod()
    if not creating:
        require_write(actor, period.bureau)
    for key, value in data.items():
        setattr(period, key, value)
    errors: dict[str, list[str]] = {}
    if period.starts_on and period.ends_on and period.ends_on < period.starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    if not period.factor or period.factor < 2 or period.factor > 10:
        errors["factor"] = ["倍数应为 2–10"]
    if errors:
        raise ValidationError(errors)
    require_write(actor, period.bureau)
    with transaction.atomic():
        period.full_clean()
        period.save()
        # The current and coming slots it overlaps take the raised quota now, not at the worker's next run.
        expand(period.bureau, timezone.localdate(), prune=False,
               rules=list(ObligationRule.objects.filter(bureau=period.bureau, heightened=True, enabled=True)))
    return period


# --- expansion ------------------------------------------------------------------------------


def bureau_units(bureau: Unit) -> Any:
    """Every unit a bureau's rules reach: itself, its departments, the schools it supervises and their
    departments, and the governments and member agencies in its region."""
    return Unit.objects.filter(is_active=True).filter(
        Q(path__startswith=bureau.path) | Q(supervising_unit=bureau) | Q(parent__supervising_unit=bureau)
        | Q(kind__in=[UnitKind.GOVERNMENT, UnitKind.MEMBER_AGENCY], region_path__startswith=bureau.region_path)
    )


def _unit_matches(rule: ObligationRule, unit: Unit, department: Unit | None = None) -> bool:
    """``department``: the post's own unit, whose functions count (a school department's post counts for its school
    in everything else)."""
    return ((not rule.unit_kinds or unit.kind in rule.unit_kinds)
            and (not rule.stages or unit.stage in rule.stages)
            and (rule.boarding is None or unit.boarding == rule.boarding)
            and (not rule.functions or bool(set(rule.functions) & set((department or unit).function_codes)))
            and (not rule.condition or condition_holds(rule.condition, school_of(unit))))


def _target_matches(rule: ObligationRule, target: Unit) -> bool:
    """A school a post inspects (包保 or every school of the bureau) fits the rule's stages, boarding, condition."""
    return ((not rule.stages or target.stage in rule.stages)
            and (rule.boarding is None or target.boarding == rule.boarding)
            and (not rule.condition or condition_holds(rule.condition, target)))


class BureauOrg:
    """The bureau's units, posts and 包保 assignments, loaded once per expansion."""

    def __init__(self, bureau: Unit, today: datetime.date, units: Iterable[int] | None = None) -> None:
        qs = bureau_units(bureau)
        self.units = {u.pk: u for u in qs}
        self.posts = list(Post.objects.filter(is_active=True, unit_id__in=self.units))
        self.assignments = list(
            Assignment.objects.filter(kind=AssignmentKind.BAOBAO, holder_post__isnull=False,
                                      target_unit_id__in=self.units, holder_post__is_active=True)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today + datetime.timedelta(days=400))
            .select_related("holder_post")
        )
        self.only = set(units) if units is not None else None

    def _owner(self, post: Post) -> Unit:
        # A school department's post counts for the school.
        unit = self.units[post.unit_id]
        if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent_id in self.units:
            return self.units[unit.parent_id]
        return unit

    def subjects(self, rule: ObligationRule) -> list[tuple[int, int | None, str]]:
        """(unit id, post id, subject key) for every subject of one rule."""
        out: list[tuple[int, int | None, str]] = []
        if rule.scope == SubjectScope.BAOBAO:
            for a in self.assignments:
                post = a.holder_post
                target = self.units.get(a.target_unit_id)
                holder_unit = self.units.get(post.unit_id) if post else None
                if post is None or target is None or holder_unit is None or post.kind not in rule.post_kinds:
                    continue
                if rule.unit_kinds and holder_unit.kind not in rule.unit_kinds:
                    continue
                if rule.functions and not set(rule.functions) & set(holder_unit.function_codes):
                    continue
                if not _target_matches(rule, target):
                    continue
                out.append((target.pk, post.pk, f"p{post.pk}u{target.pk}"))
        elif rule.scope == SubjectScope.SCHOOLS:
            # Every school the bureau supervises, by each post of the rule's kinds (and department functions).
            schools = [u for u in self.units.values() if u.kind == UnitKind.SCHOOL and _target_matches(rule, u)]
            for post in self.posts:
                holder_unit = self.units[post.unit_id]
                if post.kind not in rule.post_kinds or (rule.unit_kinds and holder_unit.kind not in rule.unit_kinds):
                    continue
                if rule.functions and not set(rule.functions) & set(holder_unit.function_codes):
                    continue
                out += [(school.pk, post.pk, f"p{post.pk}u{school.pk}") for school in schools]
        elif rule.scope == SubjectScope.CLASS or rule.post_kinds:
            kinds = rule.post_kinds or [PostKind.HOMEROOM_TEACHER]
            for post in self.posts:
                if post.kind in kinds and _unit_matches(rule, self._owner(post), self.units[post.unit_id]):
                    out.append((post.unit_id, post.pk, f"p{post.pk}"))
        else:
            for unit in self.units.values():
                if _unit_matches(rule, unit):
                    out.append((unit.pk, None, f"u{unit.pk}"))
        if rule.units:
            # A school's own plan: its own slots only (a school department's post counts for its school).
            allowed = set(rule.units)
            out = [s for s in out if s[0] in allowed or self.units[s[0]].parent_id in allowed]
        if self.only is not None:
            out = [s for s in out if s[0] in self.only]
        return out


def _factor(heightened: list[HeightenedPeriod], period: Period) -> int:
    return max([h.factor for h in heightened if h.starts_on <= period.end and h.ends_on >= period.start] or [1])


def occurrence_dates(rule: ObligationRule, period: Period, remind_days: int) -> dict[str, Any]:
    due = due_date(period, rule.due_rule, rule.due_day)
    deadline = due + datetime.timedelta(days=rule.grace_days or 0)
    # Daily slots are too many to remind one by one: the compliance figures show them.
    alert = None if rule.period == PeriodKind.DAY else max(period.start, due - datetime.timedelta(days=remind_days))
    return {"due_on": due, "deadline": deadline, "alert_on": alert}


_OCCURRENCE_COLUMNS = ("rule_id", "unit_id", "post_id", "subject_key", "period_key", "period_start", "period_end",
                       "due_on", "deadline", "quota", "alert_on", "slots")


class _Plan:
    """One rule's subjects and the periods to expand it for."""

    def __init__(self, rule: ObligationRule, subjects: list[tuple[int, int | None, str]],
                 periods: list[tuple[Any, ...]]) -> None:
        self.rule = rule
        self.subjects = subjects
        self.periods = periods  # (key, start, end, due, deadline, quota, alert, slots)


def _insert_generic(plans: list[_Plan], have: set[tuple[int, str, str]], deltas: tally.Deltas,
                    regions: dict[int, int]) -> int:
    """Insert missing slots one statement each (SQLite: in-process and serialised, so this is quick)."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value
    table = ops.quote_name(Occurrence._meta.db_table)
    columns = (*_OCCURRENCE_COLUMNS, "done_count", "met_slots", "day_mask", "alert_stage", "created_at", "updated_at")
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
           "ON CONFLICT DO NOTHING")
    created = 0
    with connection.cursor() as cursor:
        for plan in plans:
            rule = plan.rule
            for pkey, start, end, due, deadline, quota, alert, slots in plan.periods:
                for unit_id, post_id, key in plan.subjects:
                    if (rule.pk, key, pkey) in have:
                        continue
                    cursor.execute(sql, (rule.pk, unit_id, post_id, key, pkey, day(start), day(end), day(due),
                                         day(deadline), quota, day(alert) if alert else None, slots, 0, 0, 0, "",
                                         now, now))
                    if cursor.rowcount == 1:
                        created += 1
                        for k in tally.slot_keys(regions[unit_id], rule.activity_kind, start, deadline, slots):
                            deltas.add(k, "open")
    return created


def _insert_postgres(plans: list[_Plan], today: datetime.date, deltas: tally.Deltas,
                     regions: dict[int, int], stocked: set[int]) -> int:
    """Set-based on PostgreSQL: per rule, INSERT … SELECT of subjects × periods.

    Periods whose slots all exist already (one index scan per rule) are skipped, so a re-run writes nothing.
    Periods with none of their slots yet take a plain INSERT, and their tally counts come from the subjects'
    regions in Python; a plain INSERT is much cheaper than ON CONFLICT with RETURNING, and a year of history is
    almost all such periods. If a concurrent run got there first, the unique constraint refuses the plain INSERT
    (inside a savepoint) and those periods take the careful path: ON CONFLICT DO NOTHING, with a CTE over the rows
    actually inserted feeding the tally, so concurrent runs never count twice.
    """
    from django.db import IntegrityError

    from anxiao.org.models import Unit

    table = connection.ops.quote_name(Occurrence._meta.db_table)
    unit_table = connection.ops.quote_name(Unit._meta.db_table)
    tally_table = connection.ops.quote_name(ComplianceTally._meta.db_table)
    month_table = connection.ops.quote_name(ComplianceMonthTally._meta.db_table)  # the same counts by month
    columns = f"{', '.join(_OCCURRENCE_COLUMNS)}, done_count, met_slots, day_mask, alert_stage, created_at, updated_at"
    # The subjects go as three comma-separated strings: adapting Python lists element by element cost more than
    # the database's work for a county's year.
    source = """WITH s AS (SELECT * FROM unnest(string_to_array(%s, ',')::int[], string_to_array(%s, ',', '')::int[],
                                             string_to_array(%s, ',')) AS s(unit_id, post_id, key)),
                p AS (SELECT * FROM unnest(%s::text[], %s::date[], %s::date[], %s::date[], %s::date[], %s::int[],
                                           %s::date[], %s::int[])
                      AS p(pkey, pstart, pend, due, deadline, quota, alert, slots))"""
    select = """SELECT %s, s.unit_id, s.post_id, s.key, p.pkey, p.pstart, p.pend, p.due, p.deadline, p.quota, p.alert,
                       p.slots, 0, 0, 0, '', %s, %s FROM s CROSS JOIN p ORDER BY s.key, p.pkey"""
    now = timezone.now()
    created = 0
    with connection.cursor() as cursor:
        for plan in plans:
            if not plan.subjects or not plan.periods:
                continue
            rule = plan.rule
            keys = [k for _u, _p, k in plan.subjects]
            joined = ",".join(keys)
            have: dict[str, int] = {}
            if rule.pk in stocked:  # a rule with no slot at all has every period to make (see _rules_with_rows)
                cursor.execute(f"SELECT period_key, COUNT(*) FROM {table} WHERE rule_id = %s AND subject_key = "
                               "ANY(string_to_array(%s, ',')) AND period_key = ANY(%s) GROUP BY period_key",
                               [rule.pk, joined, [p[0] for p in plan.periods]])
                have = dict(cursor.fetchall())
            fresh = [p for p in plan.periods if not have.get(p[0])]
            careful = [p for p in plan.periods if 0 < have.get(p[0], 0) < len(keys)]
            subjects = [",".join(str(s[0]) for s in plan.subjects),
                        ",".join("" if s[1] is None else str(s[1]) for s in plan.subjects), joined]
            per_region: dict[int, int] = {}
            for unit_id, _post, _key in plan.subjects:
                per_region[regions[unit_id]] = per_region.get(regions[unit_id], 0) + 1

            def params(chunk: list[tuple[Any, ...]]) -> list[Any]:
                return [*subjects, *([p[i] for p in chunk] for i in range(8)), rule.pk, now, now]  # noqa: B023

            for i in range(0, len(fresh), 64):
                chunk = fresh[i:i + 64]
                try:
                    with transaction.atomic():
                        cursor.execute(f"{source} INSERT INTO {table} ({columns}) {select}", params(chunk))
                except IntegrityError:
                    careful.extend(chunk)  # a concurrent run made some of them meanwhile
                    continue
                created += cursor.rowcount
                for _key, start, _end, _due, deadline, _quota, _alert, slots in chunk:
                    for region_id, n in per_region.items():
                        for key in tally.slot_keys(region_id, rule.activity_kind, start, deadline, slots):
                            deltas.add(key, "open", n)
            for i in range(0, len(careful), 64):
                chunk = careful[i:i + 64]
                cursor.execute(
                    f"""{source},
                    ins AS (INSERT INTO {table} ({columns}) {select}
                            ON CONFLICT DO NOTHING RETURNING unit_id, period_start, deadline, slots),
                    agg AS (SELECT u.region_id, ins.period_start + g.i AS period_start,
                                   ins.deadline - (ins.slots - 1 - g.i) AS deadline, COUNT(*) AS n
                            FROM ins JOIN {unit_table} u ON u.id = ins.unit_id
                            CROSS JOIN LATERAL generate_series(0, ins.slots - 1) AS g(i)
                            GROUP BY 1, 2, 3),
                    up AS (INSERT INTO {tally_table} (region_id, activity_kind, period_start, deadline, total, done,
                                                       late)
                           SELECT region_id, %s, period_start, deadline, n, 0, 0 FROM agg
                           ON CONFLICT (region_id, activity_kind, period_start, deadline)
                           DO UPDATE SET total = {tally_table}.total + excluded.total),
                    upm AS (INSERT INTO {month_table} (region_id, activity_kind, month, deadline_month, total, done,
                                                       late)
                            SELECT region_id, %s, CAST(date_trunc('month', period_start) AS date),
                                   CAST(date_trunc('month', deadline) AS date), SUM(n), 0, 0 FROM agg
                            GROUP BY 1, 3, 4
                            ON CONFLICT (region_id, activity_kind, month, deadline_month)
                            DO UPDATE SET total = {month_table}.total + excluded.total)
                    SELECT COUNT(*) FROM ins""",
                    [*params(chunk), rule.activity_kind, rule.activity_kind])
                created += int(cursor.fetchone()[0])
    return created


def _prune_postgres(plans: list[_Plan], today: datetime.date, deltas: tally.Deltas,
                    kinds: dict[int, str]) -> None:
    """Remove current and coming slots that lost their subject or period, unless something counted for them."""
    from anxiao.org.models import Unit

    table = connection.ops.quote_name(Occurrence._meta.db_table)
    unit_table = connection.ops.quote_name(Unit._meta.db_table)
    counted = connection.ops.quote_name(ActivityOccurrence._meta.db_table)
    with connection.cursor() as cursor:
        for plan in plans:
            keys = [k for _u, _p, k in plan.subjects]
            pkeys = [p[0] for p in plan.periods if p[2] >= today]
            cursor.execute(
                f"""WITH gone AS (DELETE FROM {table} o WHERE o.rule_id = %s AND o.period_end >= %s
                        AND o.done_count = 0 AND NOT (o.subject_key = ANY(%s) AND o.period_key = ANY(%s))
                        AND NOT EXISTS (SELECT 1 FROM {counted} c WHERE c.occurrence_id = o.id)
                        RETURNING o.unit_id, o.period_start, o.deadline, o.slots)
                    SELECT u.region_id, gone.period_start, gone.deadline, gone.slots, COUNT(*)
                    FROM gone JOIN {unit_table} u ON u.id = gone.unit_id
                    GROUP BY u.region_id, gone.period_start, gone.deadline, gone.slots""",
                [plan.rule.pk, today, keys, pkeys])
            for region_id, start, deadline, slots, n in cursor.fetchall():
                for k in tally.slot_keys(region_id, kinds[plan.rule.pk], start, deadline, slots):
                    deltas.add(k, "open", -n)


def expand(bureau: Unit, today: datetime.date | None = None, *, ahead: int = 1, rules: Any = None,
           units: Iterable[int] | None = None, prune: bool = True, start: datetime.date | None = None) -> int:
    """Create the occurrences of the current period (and ``ahead`` following ones) of every enabled rule.

    With ``start``, also every period from the one containing ``start`` (a year of history at once).
    Idempotent: the unique constraint on (rule, subject, period) makes a second run create nothing. Slots of
    the current and coming periods that no longer have a subject (a post closed, a school moved, a rule
    switched off) are removed unless something already counted for them. The compliance tally follows every
    slot created or removed, in the same transaction. Returns the number of occurrences created.
    """
    today = today or timezone.localdate()
    conf = settings_for(bureau)
    terms = conf.terms if conf.pk else DEFAULT_TERMS
    org = BureauOrg(bureau, today, units)
    heightened = list(HeightenedPeriod.objects.filter(bureau=bureau))
    rule_qs = rules if rules is not None else ObligationRule.objects.filter(bureau=bureau)
    all_rules = list(rule_qs)
    first = min(start, today) if start else today
    plans: list[_Plan] = []
    quota_updates: list[tuple[int, str, int]] = []
    for rule in all_rules:
        if not rule.enabled:
            plans.append(_Plan(rule, [], []))
            continue
        periods: list[tuple[Any, ...]] = []
        daily = rule.period == PeriodKind.DAY
        stored = PeriodKind.MONTH if daily else rule.period  # a daily rule's month is one row (see Occurrence)
        period = period_containing(stored, first, terms)
        last = period_containing(stored, today, terms)
        for _i in range(ahead):
            last = next_period(last, terms)
        while period.start <= last.start:
            if rule.active_during(period.start, period.end):
                if daily:
                    start_day = max(period.start, rule.active_from or period.start)
                    end_day = min(period.end, rule.active_until or period.end)
                    # A month is one row; a rule asked on school days only has a row per run of school days
                    # (keyed by its first day), so no weekend, holiday or vacation day is ever a slot.
                    runs = (_school_day_runs(terms, start_day, end_day) if rule.teaching_only
                            else [Period(PeriodKind.DAY, start_day, end_day, period.key)])
                    for run in runs:
                        # The quota is per day; a heightened period's factor is applied day by day when counting.
                        dates = occurrence_dates(rule, Period(PeriodKind.DAY, run.end, run.end, run.key),
                                                 conf.remind_days)
                        periods.append((run.key, run.start, run.end, dates["due_on"], dates["deadline"],
                                        rule.quota, None, (run.end - run.start).days + 1))
                elif rule.teaching_only and not terms.school_days(period.start, period.end):
                    pass  # a week (or any period) without a school day asks nothing of a school-days rule
                else:
                    quota = rule.quota * (_factor(heightened, period) if rule.heightened else 1)
                    if rule.heightened and period.end >= today:
                        quota_updates.append((rule.pk, period.key, quota))
                    dates = occurrence_dates(rule, period, conf.remind_days)
                    # A slot already past its deadline when it is made (history, when a bureau starts with a year
                    # of it) is not chased: no reminder, no overdue notice, no escalation.
                    alert = dates["alert_on"] if dates["deadline"] >= today else None
                    periods.append((period.key, period.start, period.end, dates["due_on"], dates["deadline"], quota,
                                    alert, 1))
            period = next_period(period, terms)
        plans.append(_Plan(rule, org.subjects(rule), periods))
    regions = {u.pk: u.region_id for u in org.units.values()}
    kinds = {r.pk: r.activity_kind for r in all_rules}
    deltas = tally.Deltas()
    with transaction.atomic():
        stocked = _rules_with_rows([p.rule.pk for p in plans if p.subjects or prune])
        if prune and units is None:
            if connection.vendor == "postgresql":
                _prune_postgres([p for p in plans if p.rule.pk in stocked], today, deltas, kinds)
            else:
                _prune_generic(plans, today, deltas, kinds)
        if connection.vendor == "postgresql":
            created = _insert_postgres(plans, today, deltas, regions, stocked)
        else:
            have = set(Occurrence.objects.filter(rule__in=[r.pk for r in all_rules], period_end__gte=first)
                       .values_list("rule_id", "subject_key", "period_key"))
            created = _insert_generic(plans, have, deltas, regions)
        deltas.apply()
        # slots made by this run have the quota already: only rules that had slots before need checking
        _requota([u for u in quota_updates if u[0] in stocked])
    return created


def _rules_with_rows(rule_ids: list[int]) -> set[int]:
    """The rules (of ``rule_ids``) that have any slot at all, in one statement (PostgreSQL: an index probe per
    rule). A bureau's first expansion, a year of history, then skips two statements per rule (what exists of each
    period, what to prune): some 4,000 for a province (issue 18)."""
    if connection.vendor != "postgresql" or not rule_ids:
        return set(rule_ids)
    table = connection.ops.quote_name(Occurrence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT r FROM unnest(%s::int[]) AS r WHERE EXISTS (SELECT 1 FROM {table} WHERE rule_id = r)",
                       [rule_ids])
        return {row[0] for row in cursor.fetchall()}


def _school_day_runs(terms: TermCalendar, start: datetime.date, end: datetime.date) -> list[Period]:
    """The runs of consecutive school days in ``[start, end]``, each a Period keyed by its first day."""
    runs: list[Period] = []
    first = prev = None
    for day in terms.school_days(start, end):
        if prev is not None and (day - prev).days == 1:
            prev = day
            continue
        if first is not None and prev is not None:
            runs.append(Period(PeriodKind.DAY, first, prev, first.isoformat()))
        first = prev = day
    if first is not None and prev is not None:
        runs.append(Period(PeriodKind.DAY, first, prev, first.isoformat()))
    return runs


def _requota(updates: list[tuple[int, str, int]]) -> None:
    """A heightened period set (or changed) after expansion: the slots it overlaps take the new quota, those
    already met included, and are counted again (a slot met at the old quota is open again until the extra
    inspections are done; the tally follows)."""
    changed: list[int] = []
    for rule_id, key, quota in updates:
        ids = list(Occurrence.objects.filter(rule_id=rule_id, period_key=key).exclude(quota=quota)
                   .values_list("pk", flat=True))
        if ids:
            Occurrence.objects.filter(pk__in=ids).update(quota=quota)
            changed += ids
    if changed:
        recount(changed)


def _prune_generic(plans: list[_Plan], today: datetime.date, deltas: tally.Deltas, kinds: dict[int, str]) -> None:
    for plan in plans:
        keep = {(k, p[0]) for _u, _p, k in plan.subjects for p in plan.periods if p[2] >= today}
        candidates = (Occurrence.objects.filter(rule=plan.rule, period_end__gte=today, done_count=0,
                                                counted__isnull=True)
                      .values_list("pk", "subject_key", "period_key", "unit__region_id", "period_start", "deadline",
                                   "slots"))
        gone = [(pk, region, s, d, n) for pk, key, pkey, region, s, d, n in candidates if (key, pkey) not in keep]
        for i in range(0, len(gone), 500):
            Occurrence.objects.filter(pk__in=[g[0] for g in gone[i:i + 500]]).delete()
        for _pk, region, s, d, n in gone:
            for k in tally.slot_keys(region, kinds[plan.rule.pk], s, d, n):
                deltas.add(k, "open", -1)


def expand_all(today: datetime.date | None = None, *, start: datetime.date | None = None, jobs: int = 1) -> int:
    """Expand every bureau's rules (see :func:`expand`); with ``jobs`` > 1 on PostgreSQL, that many bureaus at
    once, each in its own connection and transaction (the work is in the database, and a province's year of
    history is millions of rows). Returns the number of occurrences created."""
    bureaus = list(Unit.objects.filter(kind=UnitKind.BUREAU, is_active=True, obligation_rules__isnull=False)
                   .distinct().order_by("pk"))
    if jobs <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return sum(expand(b, today, start=start) for b in bureaus)
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections

    def one(bureau: Unit) -> int:
        try:
            return _expand_retrying(bureau, today, start)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return sum(pool.map(one, bureaus))


def _expand_retrying(bureau: Unit, today: datetime.date | None, start: datetime.date | None, tries: int = 3) -> int:
    """Two bureaus whose units share a region add to the same tally rows; PostgreSQL may then pick one of two
    concurrent transactions as a deadlock victim. Expansion is idempotent, so that one simply runs again."""
    from django.db import OperationalError

    for attempt in range(tries):
        try:
            return expand(bureau, today, start=start)
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == tries - 1:
                raise
    return 0


# --- activities --------------------------------------------------------------------------------


def _may_record(actor: Any, unit: Unit, post: Post | None) -> bool:
    if write_scope(actor).covers_unit(unit):
        return True
    # A homeroom teacher or a 包保 leader records their own work without write rights over the unit.
    person_id = getattr(actor, "person_id", None)
    return bool(post is not None and person_id and post.holder_id == person_id)


def _check_post_for_unit(post: Post, unit: Unit) -> bool:
    if post.unit.path.startswith(unit.path) or unit.path.startswith(post.unit.path):
        return True
    if unit.parent_id and post.unit_id == unit.parent_id:
        return True
    if post.unit.kind in (UnitKind.BUREAU, UnitKind.BUREAU_DEPARTMENT):
        bureau = bureau_for(unit)
        return bureau is not None and post.unit.path.startswith(bureau.path)
    return Assignment.objects.filter(holder_post=post, target_unit=unit).exists()


def check_attachment_name(name: str) -> None:
    files_check_name(name, ALLOWED_ATTACHMENT_EXTENSIONS)


def record_activity(actor: Any, activity: Activity | None = None, *, files: Iterable[Any] = (),
                    today: datetime.date | None = None, **data: Any) -> Activity:
    """Record (or correct) what was done, and count it for every matching occurrence."""
    today = today or timezone.localdate()
    creating = activity is None
    activity = activity or Activity()
    if not creating:
        if activity.is_voided:
            raise ValidationError({"kind": ["已作废的记录不能修改"]})
        if not _may_record(actor, activity.unit, activity.responsible_post):
            raise PermissionDenied(NO_RIGHT)
    files = list(files)
    for key, value in data.items():
        setattr(activity, key, value)
    errors: dict[str, list[str]] = {}
    if activity.kind not in ActivityKind.values:
        errors["kind"] = ["工作类型不是有效的选项"]
    if activity.meeting_kind and activity.meeting_kind not in crediting.MeetingKind.values:
        errors["meeting_kind"] = ["会议类别不是有效的选项"]
    elif activity.meeting_kind and activity.kind != ActivityKind.MEETING:
        activity.meeting_kind = ""  # only a meeting has a meeting kind
    if activity.post_role not in crediting.Role.values:
        errors["post_role"] = [f"负责岗位的角色“{activity.post_role}”不是有效的选项"]
    if activity.record_kind and activity.record_kind not in crediting.RECORDS:
        errors["record_kind"] = [f"记录类型“{activity.record_kind}”不是有效的选项"]
    if activity.reports_on and activity.occurred_on and activity.reports_on > activity.occurred_on:
        errors["reports_on"] = ["所属周期不能晚于报送日期"]
    if not activity.unit_id:
        errors["unit"] = ["请选择单位"]
    if activity.occurred_on is None:
        errors["occurred_on"] = ["请填写日期"]
    elif activity.occurred_on > today:
        errors["occurred_on"] = ["日期不能晚于今天：未来的工作请完成后再记录"]
    elif activity.unit_id:
        window = settings_for(bureau_for(activity.unit)).backdate_days
        if (today - activity.occurred_on).days > window:
            errors["occurred_on"] = [f"只能补录最近 {window} 天内的工作（本记录日期为 {activity.occurred_on}）"]
    if (activity.responsible_post_id and activity.unit_id and activity.responsible_post is not None
            and not _check_post_for_unit(activity.responsible_post, activity.unit)
            and not (activity.by_unit is not None and _check_post_for_unit(activity.responsible_post, activity.by_unit))):
        errors["responsible_post"] = ["负责岗位不属于该单位，也不负责联系该单位"]
    checked = checked_attachments(files, ALLOWED_ATTACHMENT_EXTENSIONS, errors)
    if errors:
        raise ValidationError(errors)
    if not _may_record(actor, activity.unit, activity.responsible_post):
        raise PermissionDenied(NO_RIGHT)
    activity.backdated = activity.occurred_on < today
    if not activity.record_kind and "evidence" not in data:
        # A hand-typed entry proves what it carries: minutes or attendance, a supporting file.
        has_files = bool(files) or (activity.pk is not None and activity.attachments.exists())
        activity.evidence = crediting.manual_evidence(activity, has_files)
    if creating and actor is not None and getattr(actor, "is_authenticated", False):
        activity.recorded_by = actor
    with transaction.atomic():
        activity.full_clean(exclude=["recorded_by", "voided_by", "by_unit"])
        activity.save()
        for content in checked:
            ActivityAttachment.objects.create(activity=activity, file=content, name=content.name[:200],
                                              size=content.size)
        match_activity(activity)
    return activity


def tap_done(actor: Any, occ: Occurrence, today: datetime.date | None = None) -> Activity:
    """One tap ("今天已完成"): the recorder's word that the slot's work was done today. Only a rule whose evidence
    is ``self`` takes it; every other rule needs its record in its own app (crediting.py)."""
    today = today or timezone.localdate()
    if not _may_record(actor, occ.unit, occ.post):
        raise PermissionDenied(NO_RIGHT)
    credit = crediting.credit_of(occ.rule)
    if not credit.self_attestable:
        what = "；".join(crediting.describe(occ.rule)["records"].split("；")[:3])
        raise ValidationError({"occurrence": [
            f"“{occ.rule.title}”须有{crediting.Evidence(credit.evidence).label}（{what}），不能一键完成；"
            "请在相应模块登记实际开展的工作"]})
    return record_activity(actor, kind=occ.rule.activity_kind, unit=occ.unit, responsible_post=occ.post,
                           occurred_on=occ.open_day(today), title=occ.rule.title, evidence=crediting.Evidence.SELF,
                           today=today)


def add_attachment(actor: Any, activity: Activity, upload: Any) -> ActivityAttachment:
    if not _may_record(actor, activity.unit, activity.responsible_post):
        raise PermissionDenied(NO_RIGHT)
    check_attachment_name(getattr(upload, "name", ""))
    content = checked_content(upload)
    with transaction.atomic():
        attachment = ActivityAttachment.objects.create(activity=activity, file=content, name=content.name[:200],
                                                       size=content.size)
        if not activity.record_kind and activity.evidence == crediting.Evidence.SELF:
            set_evidence(activity, crediting.manual_evidence(activity, True))
    return attachment


def set_evidence(activity: Activity, evidence: str) -> Activity:
    """A record's evidence changed (a drill closed with its evaluation, a file attached): it fills what it now
    proves. Only the apps that write records call this."""
    if evidence not in crediting.Evidence.values:
        raise ValidationError({"evidence": ["证据等级不是有效的选项"]})
    with transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(evidence=evidence, updated_at=timezone.now())
        activity.evidence = evidence
        match_activity(activity)
    return activity


def matching_occurrences(activity: Activity) -> Any:
    """The slots the record fills (crediting.py decides)."""
    return crediting.slots_for(activity)


def match_activity(activity: Activity) -> list[Occurrence]:
    rules = crediting.candidate_rules(activity)
    by_bureau: dict[int, list[ObligationRule]] = {}
    for rule in rules:
        if rule.enabled:
            by_bureau.setdefault(rule.bureau_id, []).append(rule)
    day = crediting.period_day(activity)
    for bureau_id, bureau_rules in by_bureau.items():
        # The slot may not exist yet (a backdated record before the worker expanded that period).
        unit_ids = {i for i in (activity.unit_id, activity.unit.parent_id, activity.by_unit_id) if i is not None}
        if activity.responsible_post_id and activity.responsible_post is not None:
            unit_ids.add(activity.responsible_post.unit_id)
        bureau = Unit.objects.get(pk=bureau_id)
        expand(bureau, day, ahead=0, units=unit_ids, prune=False, rules=bureau_rules)
    old = set(ActivityOccurrence.objects.filter(activity=activity).values_list("occurrence_id", flat=True))
    found = [] if activity.is_voided else list(crediting.slots_for(activity, rules))
    new = {o.pk for o in found}
    ActivityOccurrence.objects.filter(activity=activity).exclude(occurrence_id__in=new).delete()
    ActivityOccurrence.objects.bulk_create(
        [ActivityOccurrence(activity=activity, occurrence_id=pk) for pk in new - old], ignore_conflicts=True)
    recount(old | new)
    return found


def recount(occurrence_ids: Iterable[int]) -> None:
    """Count the activities of each slot again, and move it between done/late/open in the tally."""
    deltas = tally.Deltas()
    heightened: dict[int, list[HeightenedPeriod]] = {}
    with transaction.atomic():
        rows = (Occurrence.objects.filter(pk__in=list(occurrence_ids)).select_related("rule")
                .annotate(region_id=F("unit__region_id")).order_by("pk").select_for_update(of=("self",)))
        for occ in rows:
            before = tally.slot_states(occ.day_mask, occ.slots, occ.completed_on, occ.deadline)
            dates = list(Activity.objects.filter(counted__occurrence=occ, voided_at__isnull=True)
                         .order_by("occurred_on").values_list("occurred_on", flat=True))
            occ.done_count = len(dates)
            counter = crediting.people_counter(occ.rule)
            if occ.is_daily:
                _count_days(occ, dates, heightened)
            elif counter is not None:
                _count_people_days(occ, counter)
            else:
                occ.completed_on = dates[occ.quota - 1] if len(dates) >= occ.quota else None
                occ.met_slots = occ.day_mask = 1 if occ.completed_on else 0
            if occ.completed_on or occ.is_daily:
                occ.alert_on = None  # daily slots are not reminded one by one: the compliance figures show them
            elif occ.alert_on is None and occ.alert_stage == "":
                occ.alert_on = occ.due_on
            occ.save(update_fields=["done_count", "completed_on", "met_slots", "day_mask", "alert_on", "updated_at"])
            after = tally.slot_states(occ.day_mask, occ.slots, occ.completed_on, occ.deadline)
            region_id: int = occ.region_id  # type: ignore[attr-defined]  # annotated above
            keys = tally.slot_keys(region_id, occ.rule.activity_kind, occ.period_start, occ.deadline, occ.slots)
            for key, old, new in zip(keys, before, after, strict=True):
                deltas.move(key, old, new)
        deltas.apply()


def recount_people(unit: Unit, today: datetime.date | None = None) -> None:
    """The unit's people changed (``org.actions.PEOPLE_CHANGED``): count again the slots of this period that are
    owed by each of the school's people (crediting.people_counter), the school's and, for a department, its
    school's. Past periods keep what they were."""
    today = today or timezone.localdate()
    units = [unit.pk] + ([unit.parent_id] if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent_id else [])
    slots = (Occurrence.objects.filter(unit_id__in=units, post__isnull=True, slots=1, period_start__lte=today,
                                       period_end__gte=today).select_related("rule"))
    recount([o.pk for o in slots if crediting.people_counter(o.rule) is not None])


def _count_people_days(occ: Occurrence, counter: crediting.PeopleDays) -> None:
    """A quota of days per person (guard training): each person owed the slot needs ``quota`` days among its
    records; ``done_count`` is the person-days that count (a person's days beyond the quota do not make up for
    another's), met when everyone has their days, on the day the last of them reached the quota."""
    ids = list(Activity.objects.filter(counted__occurrence=occ, voided_at__isnull=True).values_list("pk", flat=True))
    days = counter.days_per_person(occ.unit, ids, occ.period_start, occ.period_end)
    occ.done_count = sum(min(len(d), occ.quota) for d in days.values())
    met = bool(days) and all(len(d) >= occ.quota for d in days.values())
    occ.completed_on = max(sorted(d)[occ.quota - 1] for d in days.values()) if met else None
    occ.met_slots = occ.day_mask = 1 if met else 0


def _count_days(occ: Occurrence, dates: list[datetime.date], heightened: dict[int, list[HeightenedPeriod]]) -> None:
    """A daily rule's month: a day is met when that day's activities reach its quota (the rule's quota, times a
    heightened period's factor on the days it covers when the rule says so)."""
    rule = occ.rule
    if rule.heightened and rule.bureau_id not in heightened:
        heightened[rule.bureau_id] = list(HeightenedPeriod.objects.filter(bureau_id=rule.bureau_id))
    periods = heightened.get(rule.bureau_id, []) if rule.heightened else []
    per_day: dict[datetime.date, int] = {}
    for d in dates:
        per_day[d] = per_day.get(d, 0) + 1
    mask = 0
    for i in range(occ.slots):
        day = occ.period_start + datetime.timedelta(days=i)
        need = occ.quota * (_factor(periods, Period(PeriodKind.DAY, day, day, "")) if periods else 1)
        if per_day.get(day, 0) >= need:
            mask |= 1 << i
    occ.day_mask = mask
    occ.met_slots = bin(mask).count("1")
    occ.completed_on = max(per_day) if occ.met_slots >= occ.slots else None


def void_activity(actor: Any, activity: Activity, reason: str) -> Activity:
    if not write_scope(actor).covers_unit(activity.unit):
        raise PermissionDenied(NO_RIGHT)
    with transaction.atomic():
        activity.void(actor, reason)
        match_activity(activity)
    return activity


def terms_for(unit: Unit) -> TermCalendar:
    conf = settings_for(bureau_for(unit))
    return conf.terms if conf.pk else DEFAULT_TERMS
