"""Recurring obligations (周期性工作): rules, the expected slots they expand into, and what was done (履职记录)."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxiao.core.access import NOTHING, Scope, ScopedQuerySet, ancestor_ids, units_in_scope
from anxiao.core.models import AnxiaoModel, VoidableModel
from anxiao.core.periods import TermCalendar

from .crediting import Evidence, MeetingKind, Role


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("会议")
    PATROL = "patrol", _("日常巡查")
    INSPECTION = "inspection", _("检查/排查")
    LEADERSHIP_INSPECTION = "leadership_inspection", _("领导带队检查")
    SUPERVISION_VISIT = "supervision_visit", _("督查/调研督导")
    DRILL = "drill", _("应急演练")
    GUARD_DRILL = "guard_drill", _("保安应急演练")
    BUS_DRILL = "bus_drill", _("校车演练")
    SAFETY_LESSON = "safety_lesson", _("安全教育课")
    STAFF_TRAINING = "staff_training", _("教职工安全培训")
    GUARD_TRAINING = "guard_training", _("保安脱产培训")
    LECTURE = "lecture", _("安全知识讲座")
    PARENT_MEETING = "parent_meeting", _("家长会安全教育")
    LEGAL_EDUCATION = "legal_education", _("法治安全教育")
    SAFETY_DAY_EDUCATION = "safety_day_education", _("安全日主题教育")
    REPORT_SUBMISSION = "report_submission", _("报表报送")
    PLAN = "plan", _("计划/方案制定")
    LETTER_SIGNING = "letter_signing", _("责任书签订")
    FIRE_CHECK = "fire_check", _("防火检查")
    FIRE_PATROL = "fire_patrol", _("防火巡查")
    BULLYING_SURVEY = "bullying_survey", _("欺凌专项调查")
    BACKGROUND_CHECK = "background_check", _("违法犯罪记录查询")
    HEALTH_CHECK = "health_check", _("体检")
    FACILITY_TEST = "facility_test", _("设施检测")
    CHIEF_MEETING = "chief_meeting", _("总校长制会议")
    SAFETY_TIP = "safety_tip", _("每日安全小提示")
    OTHER = "other", _("其他")


class PeriodKind(models.TextChoices):
    DAY = "day", _("每日")
    WEEK = "week", _("每周")
    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    TERM = "term", _("每学期")
    HALF_YEAR = "half_year", _("每半年")
    YEAR = "year", _("每年")


class DueRule(models.TextChoices):
    END_OF_PERIOD = "end_of_period", _("周期末")
    DAY_OF_MONTH = "day_of_month", _("当月某日前")
    DAY_IN_LAST_MONTH_OF_QUARTER = "day_in_last_month_of_quarter", _("季末月某日前")


class SubjectScope(models.TextChoices):
    OWN = "own", _("本单位/本岗位")
    BAOBAO = "baobao", _("包保学校")
    CLASS = "class", _("每个班级")
    SCHOOLS = "schools", _("每所所属学校")


class Status(models.TextChoices):
    UPCOMING = "upcoming", _("未开始")
    DUE = "due", _("待完成")
    DONE = "done", _("已完成")
    LATE = "late", _("逾期完成")
    MISSED = "missed", _("未完成")


class ObligationSettings(AnxiaoModel):
    """One bureau's calendar: term dates, how far back an activity may be recorded, when to remind."""

    bureau = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="obligation_settings",
                                  verbose_name=_("教育局"))
    spring_term_month = models.PositiveSmallIntegerField(_("春季学期开始月"), default=2)
    spring_term_day = models.PositiveSmallIntegerField(_("春季学期开始日"), default=1)
    autumn_term_month = models.PositiveSmallIntegerField(_("秋季学期开始月"), default=9)
    autumn_term_day = models.PositiveSmallIntegerField(_("秋季学期开始日"), default=1)
    # Teaching ends (the vacation follows until the next term starts): rules asked on school days only skip it.
    spring_term_end_month = models.PositiveSmallIntegerField(_("春季学期结束月"), default=7)
    spring_term_end_day = models.PositiveSmallIntegerField(_("春季学期结束日"), default=10)
    autumn_term_end_month = models.PositiveSmallIntegerField(_("秋季学期结束月"), default=1)
    autumn_term_end_day = models.PositiveSmallIntegerField(_("秋季学期结束日"), default=20)
    holidays = models.JSONField(_("节假日"), default=list, blank=True,
                                help_text=_("不上课的日期（YYYY-MM-DD），如春节、清明、端午、中秋及调休放假；元旦、劳动节、国庆节按法定日期自动计入"))
    workdays = models.JSONField(_("调休上课日"), default=list, blank=True, help_text=_("周末上课的日期（YYYY-MM-DD）"))
    backdate_days = models.PositiveSmallIntegerField(_("允许补录天数"), default=30)
    remind_days = models.PositiveSmallIntegerField(_("提前提醒天数"), default=3)

    scope_unit_fields = ("bureau",)

    class Meta:
        verbose_name = _("周期性工作设置")
        verbose_name_plural = _("周期性工作设置")

    def __str__(self) -> str:
        return f"{self.bureau} 周期性工作设置"

    @property
    def terms(self) -> TermCalendar:
        return TermCalendar((self.spring_term_month, self.spring_term_day),
                            (self.autumn_term_month, self.autumn_term_day),
                            (self.spring_term_end_month, self.spring_term_end_day),
                            (self.autumn_term_end_month, self.autumn_term_end_day),
                            frozenset(_dates(self.holidays)), frozenset(_dates(self.workdays)))


def _dates(values: Any) -> list[datetime.date]:
    out = []
    for v in values or []:
        try:
            out.append(v if isinstance(v, datetime.date) else datetime.date.fromisoformat(str(v)))
        except ValueError:
            continue  # refused on save (actions._check_settings); never stops the expansion
    return out


def _bureaus_over(scope: Scope) -> Q:
    """Rules of the bureaus that supervise a unit in scope: a school sees what its bureau asks of it."""
    ids: set[int] = set()
    for path in scope.unit_paths:
        ids.update(ancestor_ids(path))
    if not ids:
        return NOTHING
    from anxiao.org.models import Unit

    bureaus = {b for b in Unit.objects.filter(pk__in=ids).values_list("supervising_unit_id", flat=True) if b}
    return Q(bureau_id__in=bureaus) if bureaus else NOTHING


class ObligationRule(AnxiaoModel):
    """周期性工作规则: who must do which activity at least N times per period, by when, and why."""

    bureau = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="obligation_rules",
                               verbose_name=_("教育局"))
    code = models.CharField(_("规则编号"), max_length=100)
    title = models.CharField(_("名称"), max_length=200)
    activity_kind = models.CharField(_("工作类型"), max_length=30, choices=ActivityKind.choices)
    post_kinds = models.JSONField(_("岗位类别"), default=list, blank=True)
    unit_kinds = models.JSONField(_("单位类型"), default=list, blank=True)
    stages = models.JSONField(_("学段"), default=list, blank=True)
    boarding = models.BooleanField(_("寄宿制"), null=True, blank=True, help_text=_("空表示不限"))
    # What the subject's department does (UnitFunction codes), e.g. only the 学校安全处's head: s001 五(六).
    functions = models.JSONField(_("股室职能"), default=list, blank=True)
    condition = models.CharField(_("适用条件"), max_length=20, blank=True,
                                 help_text=_("school_bus 使用校车、boarding 寄宿制、private 民办"))
    # A school's own plan (seed 003) applies to the schools that adopted it only; empty: every unit of the bureau.
    units = models.JSONField(_("仅适用单位"), default=list, blank=True)
    # The post kind that carries out a unit's slot (法治副校长 for the legal education every school is owed); a
    # unit without such a post is a gap to show, not a slot that disappears.
    holder_kind = models.CharField(_("承担岗位"), max_length=30, blank=True)
    # Other documents asking the same thing of the same subject per the same period: one slot, every source shown.
    also_sources = models.JSONField(_("同见"), default=list, blank=True)
    scope = models.CharField(_("对象范围"), max_length=10, choices=SubjectScope.choices, default=SubjectScope.OWN)
    quota = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    period = models.CharField(_("周期"), max_length=12, choices=PeriodKind.choices)
    due_rule = models.CharField(_("截止规则"), max_length=30, choices=DueRule.choices, default=DueRule.END_OF_PERIOD)
    due_day = models.PositiveSmallIntegerField(_("截止日"), null=True, blank=True)
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=0)
    pack_code = models.CharField(_("规则包"), max_length=20, blank=True)
    clause_ref = models.CharField(_("条款"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    active_from = models.DateField(_("生效日期"), null=True, blank=True)
    active_until = models.DateField(_("失效日期"), null=True, blank=True)
    heightened = models.BooleanField(_("敏感时期加密"), default=False)
    # Asked on school days only (教学周/上课日 of the bureau's calendar): a daily rule skips weekends, holidays and
    # vacations, a weekly one the weeks without a school day (seed 002 四(三) weekly lessons, seed 003 daily tip).
    teaching_only = models.BooleanField(_("仅上课日"), default=False)
    enabled = models.BooleanField(_("启用"), default=True)
    # What fills the rule: record kinds, the duty-holder's role, whose slot, evidence (crediting.py); empty means
    # the defaults of its activity kind.
    credit = models.JSONField(_("计入规则"), default=dict, blank=True)

    scope_unit_fields = ("bureau",)

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        q = scope.unit_q("bureau__")
        return q if write else q | _bureaus_over(scope)

    class Meta:
        ordering = ["bureau_id", "period", "code"]
        verbose_name = _("周期性工作规则")
        verbose_name_plural = _("周期性工作规则")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "code"], name="obligation_rule_code_once"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="obligation_rule_quota_positive",
                                   violation_error_message=_("每周期至少次数必须大于 0")),
        ]

    def __str__(self) -> str:
        return self.title

    def active_during(self, start: datetime.date, end: datetime.date) -> bool:
        return (self.active_from is None or self.active_from <= end) and (
            self.active_until is None or self.active_until >= start)

    @property
    def own_source(self) -> str:
        return " ".join(p for p in (self.pack_code, self.clause_ref) if p)

    @property
    def source(self) -> str:
        """Where the rule comes from, with every other document that asks the same (stacked packs)."""
        also = [s for s in self.also_sources or [] if s and s != self.own_source]
        return "；".join([self.own_source, *also]) if also else self.own_source


def holder_gaps(bureau: Any) -> list[tuple[ObligationRule, list[Any]]]:
    """(rule, units) for each enabled rule naming a holder post kind: the units owed its slots that have no active
    post of that kind."""
    from anxiao.org.models import Post

    from .actions import bureau_units

    out = []
    for rule in ObligationRule.objects.filter(bureau=bureau, enabled=True).exclude(holder_kind=""):
        from .actions import _unit_matches

        units = [u for u in bureau_units(bureau) if _unit_matches(rule, u)
                 and (not rule.units or u.pk in rule.units)]
        have = set(Post.objects.filter(is_active=True, kind=rule.holder_kind, unit__in=units)
                   .values_list("unit_id", flat=True))
        missing = [u for u in units if u.pk not in have]
        if missing:
            out.append((rule, missing))
    return out


class HeightenedPeriod(AnxiaoModel):
    """重点敏感时期: the quota of rules marked ``heightened`` is multiplied while it lasts."""

    bureau = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="heightened_periods",
                               verbose_name=_("教育局"))
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    factor = models.PositiveSmallIntegerField(_("倍数"), default=2)

    scope_unit_fields = ("bureau",)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("重点敏感时期")
        verbose_name_plural = _("重点敏感时期")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="heightened_period_dates",
                                   violation_error_message=_("结束日期不能早于开始日期")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on}–{self.ends_on}）"


def slot_dates(start: datetime.date, slots: int, deadline: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(day, its deadline) of each slot of a row: slot i starts ``start + i`` and ends ``deadline - (slots - 1 - i)``
    (the SQL in ``tally`` writes the same arithmetic)."""
    one = datetime.timedelta(days=1)
    return [(start + i * one, deadline - (slots - 1 - i) * one) for i in range(slots)]


def slot_days(start: datetime.date, slots: int, mask: int, deadline: datetime.date,
              completed_on: datetime.date | None, today: datetime.date) -> list[tuple[datetime.date, datetime.date, str]]:
    """(day, its deadline, status) of each slot of a row: met (on time or late, judged on the row), or open and
    missed, due or upcoming."""
    met = Status.LATE if completed_on is not None and completed_on > deadline else Status.DONE
    out = []
    for i, (day, day_deadline) in enumerate(slot_dates(start, slots, deadline)):
        if mask >> i & 1:
            status = met
        elif day_deadline < today:
            status = Status.MISSED
        elif day > today:
            status = Status.UPCOMING
        else:
            status = Status.DUE
        out.append((day, day_deadline, str(status)))
    return out


class OccurrenceQuerySet(ScopedQuerySet["Occurrence"]):
    def with_status(self, status: str, today: datetime.date | None = None) -> OccurrenceQuerySet:
        return self.filter(status_q(status, today or timezone.localdate()))


# An occurrence holds ``slots`` expected daily slots in a row: one for every rule but the daily ones, whose month
# is one row (a slot per day, ``day_mask`` bit i = day i met). Met means every slot met.
MET = Q(met_slots__gte=F("slots"))


def status_q(status: str, today: datetime.date) -> Q:
    """Status of the whole row (for a daily rule's month: done when every day is met, missed once its last day
    is past; the per-day figures come from :func:`slot_counts`)."""
    met = MET
    if status == Status.DONE:
        return met & Q(completed_on__lte=F("deadline"))
    if status == Status.LATE:
        return met & Q(completed_on__gt=F("deadline"))
    if status == Status.MISSED:
        return ~met & Q(deadline__lt=today)
    if status == Status.UPCOMING:
        return ~met & Q(period_start__gt=today)
    if status == Status.DUE:
        return ~met & Q(period_start__lte=today, deadline__gte=today)
    raise ValueError(status)


def posts_holding_elsewhere(units: Any) -> list[int]:
    """The posts of ``units`` that hold slots of a unit outside ``units`` (``Occurrence.scope_q``): a slot's unit
    is its post's own unit except for the rules whose posts inspect schools, 包保 (an assignment's holder post, for
    its target school) and every school of the bureau (the rule's post kinds); only those posts' slots are looked
    at, by the post index. Usually none: a county's department heads inspect the county's own schools. Two or
    three small queries."""
    from anxiao.org.models import Assignment, Post

    kinds = {kind for kinds in ObligationRule.objects.filter(scope__in=[SubjectScope.BAOBAO, SubjectScope.SCHOOLS])
             .values_list("post_kinds", flat=True) for kind in kinds or []}
    holders = Assignment.objects.filter(holder_post__isnull=False).values("holder_post_id")
    # the candidates as a list (a few per county): given as a subquery PostgreSQL walked the whole post index
    inspecting = list(Post.objects.filter(unit__in=units).filter(Q(kind__in=kinds) | Q(pk__in=holders))
                      .order_by().values_list("id", flat=True))
    if not inspecting:
        return []
    return sorted(set(Occurrence.objects.filter(post__in=inspecting).exclude(unit__in=units).order_by()
                      .values_list("post_id", flat=True).distinct()))


class Occurrence(AnxiaoModel):
    """One expected slot: a rule, a subject (a unit; or a post; or a 包保 holder post × target school), a period.

    A daily rule's slots are stored a month to a row (``slots`` days from ``period_start`` to ``period_end``,
    each met when its bit in ``day_mask`` is set): a province year is about 40 million daily slots, which
    PostgreSQL cannot write one row each within the expansion target. Day i's own deadline is
    ``deadline - (slots - 1 - i)``. Every other rule has ``slots`` = 1.
    """

    # No single-column indexes on the three keys: the unique constraint and the two composite indexes below
    # lead with them, and every index costs time when a year of slots (40 million at province scale) is made.
    # Nor database foreign-key constraints: their per-row triggers were a third of the time of a year's
    # expansion (benchmarks/bench_obligations.py). Only the expansion writes these ids, taken from the rows
    # themselves in the same transaction; rules, units and posts are never deleted (switched off, closed or
    # voided instead), and Django still applies CASCADE and PROTECT.
    rule = models.ForeignKey(ObligationRule, on_delete=models.CASCADE, related_name="occurrences",
                             verbose_name=_("规则"), db_index=False, db_constraint=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="occurrences",
                             verbose_name=_("单位"), db_index=False, db_constraint=False)
    post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="occurrences",
                             verbose_name=_("责任岗位"), db_index=False, db_constraint=False)
    # "u<unit>" or "p<post>" or "p<post>u<unit>": unique with rule and period, so expansion is idempotent.
    subject_key = models.CharField(max_length=40)
    period_key = models.CharField(_("周期"), max_length=12)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    due_on = models.DateField(_("截止日期"))
    deadline = models.DateField(_("最后期限"), db_index=True)  # due_on + grace
    quota = models.PositiveSmallIntegerField(_("应完成次数"), default=1)
    done_count = models.PositiveSmallIntegerField(_("已完成次数"), default=0)
    slots = models.PositiveSmallIntegerField(_("应办天数"), default=1)
    met_slots = models.PositiveSmallIntegerField(_("已完成天数"), default=0)
    day_mask = models.BigIntegerField(default=0)  # bit i: slot i met (for a one-slot row: bit 0 = met)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    # Next day the worker must look at this slot (reminder, overdue notice, escalation); None when nothing is left.
    alert_on = models.DateField(null=True, blank=True)
    alert_stage = models.CharField(max_length=12, blank=True)  # "", "reminded", "overdue", "escalated"

    scope_unit_fields = ("unit", "post__unit")
    audited = False  # generated in bulk; the activities that satisfy it are audited

    @classmethod
    def scope_q(cls, scope: Scope, write: bool = False) -> Q:
        """Same rows as ``scope_unit_fields`` (the unit, or the post's unit, in scope), written so PostgreSQL reads
        them by the unit index: ``unit_id IN (ids)``, and ``OR post_id IN (ids)`` only for the posts in scope that
        hold slots of a unit outside it (:func:`posts_holding_elsewhere`, usually none: an OR makes PostgreSQL's
        capped count scan the table). Every other slot's
        unit is its post's own unit, which the unit branch covers. Joins on the path prefixes made PostgreSQL scan
        every occurrence (a county's roll-up by unit took 2.6 s over 6.4 M slots; benchmarks/bench_obligations.py);
        an OR over every post of the scope (8,000 ids at 2,000 schools) cost more to send and plan than to run and
        made the capped count scan the table (issue 18)."""
        if scope.everything:
            return Q()
        units = units_in_scope(scope)
        held = posts_holding_elsewhere(units)
        return Q(unit__in=units) | Q(post__in=held) if held else Q(unit__in=units)

    objects: ClassVar[Any] = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "rule_id"]
        verbose_name = _("应办事项")
        verbose_name_plural = _("应办事项")
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_key", "period_key"], name="occurrence_once"),
        ]
        indexes = [
            models.Index(fields=["unit", "period_start"]),
            # The daily months (slots > 1) a window's edge or today cuts, counted day by day (tally.slot_counts):
            # a twelfth of a unit's rows, not its whole year of one-slot rows.
            models.Index(fields=["unit", "period_start"], name="occurrence_daily_months", condition=Q(slots__gt=1)),
            models.Index(fields=["post", "deadline"], name="occurrence_post_deadline", condition=Q(post__isnull=False)),
            models.Index(fields=["alert_on"], name="occurrence_alert_on", condition=Q(alert_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title} · {self.period_key}"

    @property
    def is_met(self) -> bool:
        return self.met_slots >= self.slots

    @property
    def is_daily(self) -> bool:
        """A daily rule's month (also when the rule has since changed its period: the row keeps its days)."""
        return self.slots > 1 or self.rule.period == PeriodKind.DAY

    def slot_days(self, today: datetime.date | None = None) -> list[tuple[datetime.date, datetime.date, str]]:
        """(day, its deadline, status) of every slot in the row."""
        return slot_days(self.period_start, self.slots, self.day_mask, self.deadline, self.completed_on,
                         today or timezone.localdate())

    def slot_states(self, today: datetime.date | None = None) -> list[tuple[datetime.date, str]]:
        """(day, status) of every slot in the row."""
        return [(day, status) for day, _deadline, status in self.slot_days(today)]

    def day_met(self, day: datetime.date) -> bool:
        i = (day - self.period_start).days
        return 0 <= i < self.slots and bool(self.day_mask >> i & 1)

    def open_day(self, today: datetime.date | None = None) -> datetime.date:
        """The day a one-tap record should count for: today if it is in the row and not met yet, else the latest
        unmet day before it (a daily rule's month); the period's last day up to today for the others."""
        today = today or timezone.localdate()
        if self.slots > 1:
            day = min(today, self.period_end)
            while day >= self.period_start:
                if not self.day_met(day):
                    return day
                day -= datetime.timedelta(days=1)
        return today if self.period_start <= today <= self.period_end else min(self.period_end, today)

    @property
    def progress(self) -> str:
        from .crediting import people_counter

        counter = people_counter(self.rule) if self.slots == 1 else None
        if counter is not None:
            owed = len(counter.days_per_person(self.unit, [], self.period_start, self.period_end))
            return f"{self.done_count}/{self.quota * owed} {counter.unit_label}"
        if self.slots > 1:
            per_day = f"，每日 {self.quota} 次" if self.quota > 1 else ""
            return f"{self.met_slots}/{self.slots} 天{per_day}"
        return f"{self.done_count}/{self.quota}"

    @property
    def tap_due(self) -> bool:
        """Whether "done today" applies: the slot is due, and for a daily rule's month today is not met yet."""
        from .crediting import self_attestable

        today = timezone.localdate()
        if not self_attestable(self.rule):
            return False  # only a self-attestable rule takes one tap (crediting.py)
        return self.status_on(today) == Status.DUE and (self.slots == 1 or (
            self.period_start <= today <= self.period_end and not self.day_met(today)))

    def status_on(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.is_met:
            return Status.LATE if self.completed_on and self.completed_on > self.deadline else Status.DONE
        if today > self.deadline:
            return Status.MISSED
        if today < self.period_start:
            return Status.UPCOMING
        return Status.DUE

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


ALLOWED_ATTACHMENT_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "heic", "pdf", "doc", "docx", "xls", "xlsx",
                                 "ppt", "pptx", "txt", "mp4")


class Activity(VoidableModel):
    """履职记录: what somebody actually did."""

    kind = models.CharField(_("工作类型"), max_length=30, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("日期"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="activities", verbose_name=_("单位"))
    responsible_post = models.ForeignKey("org.Post", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="activities", verbose_name=_("负责岗位"))
    title = models.CharField(_("主题"), max_length=200, blank=True)
    participants = models.TextField(_("参加人员"), blank=True)
    participant_count = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    notes = models.TextField(_("记录/纪要"), blank=True)
    backdated = models.BooleanField(_("补录"), default=False)
    # What the record is and what it proves (crediting.py decides which slots it fills from these).
    record_kind = models.CharField(_("记录类型"), max_length=40, blank=True,
                                   help_text=_("由各业务模块写入，如 inspection:half_monthly、drill:drill、ledger；空为手工登记"))
    meeting_kind = models.CharField(_("会议类别"), max_length=20, blank=True, choices=MeetingKind.choices)
    evidence = models.CharField(_("证据"), max_length=16, choices=Evidence.choices, default=Evidence.SELF)
    post_role = models.CharField(_("负责岗位的角色"), max_length=12, choices=Role.choices, default=Role.ORGANISED)
    by_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("开展单位"), help_text=_("由其他单位开展时（如上级督查、交叉互检的检查单位）"))
    reports_on = models.DateField(_("所属周期日期"), null=True, blank=True,
                                  help_text=_("报送的报表所属月份/季度中的一天；迟报仍计入该周期（逾期）"))
    source_ref = models.CharField(_("来源记录"), max_length=40, blank=True)  # "inspection:12", "drill:3"…
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("录入人"))
    occurrences: models.ManyToManyField[Occurrence, ActivityOccurrence] = models.ManyToManyField(
        Occurrence, through="ActivityOccurrence", related_name="activities", verbose_name=_("计入的应办事项"))

    scope_unit_fields = ("unit",)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        indexes = [models.Index(fields=["unit", "kind", "occurred_on"]),
                   models.Index(fields=["source_ref"], name="activity_source_ref", condition=~Q(source_ref=""))]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.title}".strip()

    @property
    def late_for_period(self) -> bool:
        """A record submitted after the deadline of the period it reports on (shown as 逾期)."""
        return any(o.completed_on and o.completed_on > o.deadline for o in self.occurrences.all())


class ActivityOccurrence(models.Model):
    """Which quota an activity counted for."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="counted")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="counted")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "occurrence"], name="activity_occurrence_once")]


def _upload_to(instance: Any, filename: str) -> str:
    return f"activities/{instance.activity_id}/{filename}"


class ActivityAttachment(AnxiaoModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments",
                                 verbose_name=_("履职记录"))
    file = models.FileField(_("附件"), upload_to=_upload_to)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)

    scope_unit_fields = ("activity__unit",)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class ComplianceTally(models.Model):
    """Occurrence counts per region × activity kind × period, kept by the actions that change occurrences.

    The region roll-ups read this instead of scanning the occurrences (about 40 million a year at province
    scale). ``total`` counts every slot, ``done`` the ones met by their deadline, ``late`` the ones met after
    it; the rest are open, and whether an open slot is missed, due or upcoming follows from ``deadline`` and
    ``period_start`` on the day the figures are read — so nothing here goes stale as the days pass.
    ``actions.rebuild_tally`` recomputes it from the occurrences (after a unit moves to another region).
    """

    # A cache the actions keep and ``rebuild`` recomputes: no FK constraint and no index of its own for the region
    # (the unique key leads with it), as a province's year of history writes some 1.5 million rows here.
    region = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    activity_kind = models.CharField(max_length=30)
    period_start = models.DateField()
    deadline = models.DateField()
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "activity_kind", "period_start", "deadline"],
                                               name="compliance_tally_once")]
        # deadline: the per-day rows a wide roll-up still reads beside the month roll-up are the ones starting or
        # due this month (tally.region_counts), found by the two indexes
        indexes = [models.Index(fields=["period_start"]), models.Index(fields=["deadline"], name="compliance_tally_deadline")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.activity_kind} {self.period_start}–{self.deadline}"


class ComplianceMonthTally(models.Model):
    """The compliance tally at month grain: ``ComplianceTally``'s counts summed per region × activity kind × the
    month the slots start in × the month of their deadline, written in the same statement batch as the per-day
    rows (``tally.Deltas``, ``tally.rebuild`` and the expansion's careful path) so the two never disagree
    (``tally.month_drift`` is empty; the tests and ``anxiao figures check`` hold it).

    The wide roll-ups (a city's or a province's year: 1.24 M per-day rows at 20,000 schools) read whole months
    from here. An open slot's status on the day of reading follows from the two months alone unless today falls
    in one of them: before today's month the deadline has passed (missed), after it the slot has not started
    (upcoming), and a slot that started before today's month and is due after it is due. Only those rows, and a
    window's partial edge months, are read from the per-day tally (``tally.region_counts``).
    """

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    activity_kind = models.CharField(max_length=30)
    month = models.DateField()  # first day of the month the slots start in
    deadline_month = models.DateField()  # first day of the month of their deadline
    total = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "activity_kind", "month", "deadline_month"],
                                               name="compliance_month_tally_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.activity_kind} {self.month:%Y-%m}→{self.deadline_month:%Y-%m}"
