"""Crediting: the one place that decides which slots a record fills (design.md, "Crediting" and "Evidence levels").

Every obligation rule carries a ``credit`` block (in the pack YAML, the rule form and the rule API):

- ``records``: the record kinds that count — an inspection of a kind (``inspection:half_monthly``), a drill
  (``drill:drill``), a meeting of a kind (``meeting:party_joint``), a lesson or training of the education app
  (``education:safety_lesson``), the monthly ledger (``ledger``), the quarterly summary (``quarterly_summary``),
  the annual drill plan (``drill_plan``), a signed responsibility letter of a kind (``letter:bureau_school``…,
  written by ``responsibility.actions.sign_letter`` for the issuing side: its unit and its head's post), a round of the key patrol points scanned by QR (``patrol_round``,
  written by ``inspections.actions.check_in``), a 总校(园)长 meeting (``chief_meeting``), or a hand-typed entry of the
  rule's own activity kind (``entry``);
- ``roles``: for a post's slot, the part its holder played (led, organised, attended, submitted);
- ``slot``: whose slot it fills — the duty-holder's post (``post``), the unit that did the work, e.g. the
  inspecting unit (``unit``), or the inspected unit only when it inspected itself (``self_inspection``);
- ``evidence``: ``self`` (a one-tap entry is enough), ``record`` (a complete record in its app) or
  ``record+approval`` (a complete record approved by the person who answers for it).

A record (an ``Activity``, written by its own app through ``actions.record_activity``) says what it is
(``record_kind``), the evidence it carries (``evidence``; ``pending`` until it is complete: a drill not yet
closed with its evaluation, an inspection with items unanswered), who did it in which role (``responsible_post``,
``post_role``), which unit carried it out when that is not the unit it concerns (``by_unit``: the inspecting
unit), and the day of the period it reports on (``reports_on``: a ledger reports on its month however late it
is submitted). :func:`slots_for` turns that into the slots it fills, and nothing else does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Activity, ObligationRule


class Evidence(models.TextChoices):
    PENDING = "pending", _("记录未完成（不计入）")
    SELF = "self", _("本人确认")
    RECORD = "record", _("完整记录")
    APPROVED = "record+approval", _("完整记录并经审批")


RANK: dict[str, int] = {Evidence.PENDING: 0, Evidence.SELF: 1, Evidence.RECORD: 2, Evidence.APPROVED: 3}
RULE_EVIDENCE = (Evidence.SELF, Evidence.RECORD, Evidence.APPROVED)


class Role(models.TextChoices):
    LED = "led", _("带队/主持")
    ORGANISED = "organised", _("组织")
    ATTENDED = "attended", _("参加")
    SUBMITTED = "submitted", _("报送")


class Slot(models.TextChoices):
    POST = "post", _("责任人本人的岗位（带队/主持者）")
    UNIT = "unit", _("开展工作的单位（检查时为检查单位）")
    SELF_INSPECTION = "self_inspection", _("受检单位本身（仅限本单位自查）")


class MeetingKind(models.TextChoices):
    PARTY_JOINT = "party_joint", _("党政联席会议")
    SITUATION = "situation_analysis", _("安全（稳定）形势分析会议")
    SAFETY_WORK = "safety_work", _("安全工作会议")
    PARTY_BRANCH = "party_branch", _("党总支（支部）会议")
    BUSINESS = "business_safety", _("分管业务安全工作会议")
    OTHER = "other", _("其他会议")


# Every record kind a rule may name, with what it takes to be complete.
RECORDS: dict[str, str] = {
    "inspection:daily_patrol": "日常巡查记录（检查项全部填写）",
    "inspection:half_monthly": "半月集中排查（检查项全部填写）",
    "inspection:monthly_leadership": "月度领导带队检查（检查项全部填写）",
    "inspection:special": "专项检查（检查项全部填写）",
    "inspection:bureau_supervision": "上级督查（检查项全部填写）",
    "inspection:cross": "交叉互检（检查项全部填写）",
    "inspection:unannounced": "明察暗访（检查项全部填写）",
    "inspection:expert": "专家检查（检查项全部填写）",
    "patrol_round": "重点部位巡查一轮（当天每个在用的重点部位都已现场扫码打卡；同一点每个打卡间隔只记一次）",
    "drill:drill": "应急疏散演练（已结束、有评定结果和班主任签到）",
    "drill:guard_drill": "保安应急演练（已结束、有评定结果）",
    "drill:bus_drill": "校车演练（已结束、有评定结果）",
    "drill_plan": "年度演练计划（校长批准）",
    **{f"meeting:{k}": f"{label}（有纪要或参会人员）" for k, label in MeetingKind.choices},
    "chief_meeting": "总校(园)长会议（有纪要或参会人员）",
    "education:safety_lesson": "安全教育课记录",
    "education:parent_meeting": "家长会安全教育记录",
    "education:lecture": "安全知识讲座记录",
    "education:staff_training": "教职工安全培训记录（含签到）",
    "education:guard_training": "保安脱产培训记录",
    "education:legal_education": "法治安全教育记录",
    "education:safety_day_education": "安全日主题教育记录",
    "letter:bureau_school": "教育局—学校（校长）安全责任书（乙方本人签订）",
    "letter:school_department": "学校—处室负责人安全责任书（乙方本人签订）",
    "letter:school_staff": "学校—班主任/教职工安全责任书（乙方本人签订）",
    "letter:school_bus": "学校—校车服务提供者安全责任书（乙方签订）",
    "ledger": "隐患排查整治台账月报（校长审核报送）",
    "quarterly_summary": "季度隐患排查治理总结（校长审核报送）",
    "rectification_list": "整改问题清单（逐项有责任人和时限，附党总支/支部会议记录，报局安全办备案）",
    "entry": "手工登记的同类工作（本人确认；附证明材料即为完整记录）",
}


@dataclass(frozen=True)
class Credit:
    records: tuple[str, ...]
    roles: tuple[str, ...]
    slot: str
    evidence: str

    def as_dict(self) -> dict[str, Any]:
        return {"records": list(self.records), "roles": list(self.roles), "slot": self.slot,
                "evidence": self.evidence}

    @property
    def self_attestable(self) -> bool:
        return self.evidence == Evidence.SELF and "entry" in self.records


_INSPECTION_DEFAULTS = {
    # activity kind -> record kinds of a unit's own inspection
    "patrol": ("inspection:daily_patrol",),
    "inspection": ("inspection:half_monthly", "inspection:special"),
    "leadership_inspection": ("inspection:monthly_leadership",),
    "supervision_visit": ("inspection:bureau_supervision", "inspection:unannounced", "inspection:expert"),
}
# A post's inspection of schools it leads or looks after (包保) is the bureau's, not the school's own.
_LED_INSPECTIONS = ("inspection:bureau_supervision", "inspection:unannounced", "inspection:special",
                    "inspection:expert")
_KIND_RECORDS = {
    "drill": ("drill:drill",), "guard_drill": ("drill:guard_drill",), "bus_drill": ("drill:bus_drill",),
    "plan": ("drill_plan",), "meeting": ("meeting:safety_work", "meeting:situation_analysis"),
    "chief_meeting": ("chief_meeting",),
    "letter_signing": ("letter:bureau_school", "letter:school_department", "letter:school_staff",
                       "letter:school_bus"),
    **{k: (f"education:{k}",) for k in ("safety_lesson", "parent_meeting", "lecture", "staff_training",
                                         "guard_training", "legal_education", "safety_day_education")},
}


@dataclass(frozen=True)
class PeopleDays:
    """A quota counted in people × days (seed 002 四(五): every guard at least 3 days of training a term): the app
    that keeps the attendance says how many days each person owed the slot had among the slot's records."""

    unit_label: str
    days_per_person: Any  # (unit, activity ids, start, end) -> {person key: days}; every person owed, 0 included
    names: Any = None  # (person keys) -> {person key: name}: who still owes, on the slot's page


# activity kind -> how its slots count; registered by the app holding the people (education: guard_training).
PEOPLE_DAYS: dict[str, PeopleDays] = {}
# record kind -> who was present at each record and who is owed it: what a rule with ``roles: [attended]`` counts
# (each person present fills their own place in the unit's slot; registered by the app keeping the sign-in sheet,
# education: staff_training).
ATTENDANCE: dict[str, PeopleDays] = {}


def people_days(activity_kind: str) -> PeopleDays | None:
    return PEOPLE_DAYS.get(activity_kind)


def people_counter(rule: ObligationRule) -> PeopleDays | None:
    """How a rule's slot counts people, if it does: by attendance when the rule credits those who attended (its
    figure is people present / people owed), by people × days for the kinds that count so (guard training);
    ``None`` for a slot that counts records."""
    credit = credit_of(rule)
    if Role.ATTENDED in credit.roles and credit.slot == Slot.UNIT:
        for record in credit.records:
            if record in ATTENDANCE:
                return ATTENDANCE[record]
    return PEOPLE_DAYS.get(rule.activity_kind)


def default_credit(activity_kind: str, *, on_post: bool = False, baobao: bool = False) -> Credit:
    """What a rule without its own ``credit`` block asks for: the app record of its activity kind where one
    exists, else a hand-typed entry."""
    if activity_kind in _INSPECTION_DEFAULTS:
        if on_post or baobao:
            return Credit(_LED_INSPECTIONS if activity_kind != "patrol" else _INSPECTION_DEFAULTS["patrol"],
                          (Role.LED, Role.ORGANISED), Slot.POST, Evidence.RECORD)
        return Credit(_INSPECTION_DEFAULTS[activity_kind], (), Slot.SELF_INSPECTION, Evidence.RECORD)
    if activity_kind == "report_submission":
        return Credit(("ledger",), (Role.SUBMITTED,), Slot.UNIT, Evidence.APPROVED)
    if activity_kind in _KIND_RECORDS:
        evidence = Evidence.APPROVED if activity_kind == "plan" else Evidence.RECORD
        roles = (Role.LED, Role.ORGANISED) if activity_kind in ("meeting", "chief_meeting", "letter_signing") else ()
        return Credit(_KIND_RECORDS[activity_kind], roles if on_post else (), Slot.POST if on_post else Slot.UNIT,
                      evidence)
    return Credit(("entry",), (), Slot.POST if on_post else Slot.UNIT, Evidence.SELF)


def _on_post(rule: Any) -> bool:
    return bool(rule.post_kinds) or rule.scope in ("class", "baobao", "schools")


def parse(data: Any, activity_kind: str, *, on_post: bool = False, baobao: bool = False,
          field: str = "credit") -> Credit:
    """A ``credit`` block (from YAML, the form or the API) checked and completed with the kind's defaults.
    Raises ValidationError naming the field, in Chinese."""
    base = default_credit(activity_kind, on_post=on_post, baobao=baobao)
    if data in (None, "", {}):
        return base
    if not isinstance(data, dict):
        raise ValidationError({field: ["计入规则应为对象（records、roles、slot、evidence）"]})
    errors: list[str] = []
    unknown = sorted(set(data) - {"records", "roles", "slot", "evidence"})
    if unknown:
        errors.append(f"计入规则中有未知的项：{'、'.join(unknown)}（可用：records、roles、slot、evidence）")
    records = data.get("records", list(base.records))
    if isinstance(records, str):
        records = [r.strip() for r in records.replace("，", ",").split(",") if r.strip()]
    if not isinstance(records, list | tuple) or not records:
        errors.append("计入规则须至少列出一种计入的记录（records）")
        records = []
    bad = [str(r) for r in records if r not in RECORDS]
    if bad:
        errors.append(f"计入的记录“{'、'.join(bad)}”不是有效的记录类型（可用：{'、'.join(RECORDS)}）")
    roles = data.get("roles", list(base.roles))
    if isinstance(roles, str):
        roles = [r.strip() for r in roles.replace("，", ",").split(",") if r.strip()]
    if not isinstance(roles, list | tuple):
        errors.append("计入规则的角色（roles）应为列表")
        roles = []
    bad = [str(r) for r in roles if r not in Role.values]
    if bad:
        errors.append(f"角色“{'、'.join(bad)}”不是有效的选项（可用：{'、'.join(Role.values)}）")
    slot = data.get("slot", base.slot)
    if slot not in Slot.values:
        errors.append(f"计入对象“{slot}”不是有效的选项（可用：{'、'.join(Slot.values)}）")
    elif slot == Slot.POST and not on_post:
        errors.append("计入对象为“责任人本人的岗位”的规则须指定岗位类别")
    if Role.ATTENDED in roles and (slot != Slot.UNIT or not any(r in ATTENDANCE for r in records)):
        errors.append("角色“参加”只用于计入单位的规则，且计入的记录须有签到（可用："
                      f"{'、'.join(ATTENDANCE) or '无'}）：每名应参加人员签到出席即计入本人")
    evidence = data.get("evidence", base.evidence)
    if evidence not in RULE_EVIDENCE:
        errors.append(f"证据要求“{evidence}”不是有效的选项（可用：{'、'.join(RULE_EVIDENCE)}）")
    if evidence == Evidence.SELF and records and "entry" not in records:
        errors.append("证据要求为“本人确认”时，计入的记录须包含手工登记（entry）")
    if errors:
        raise ValidationError({field: errors})
    return Credit(tuple(records), tuple(roles), str(slot), str(evidence))


def credit_of(rule: ObligationRule) -> Credit:
    """The rule's crediting, its stored block completed with the defaults of its kind."""
    cached = getattr(rule, "_credit", None)
    if cached is not None and cached[0] == rule.credit:
        return cached[1]
    try:
        credit = parse(rule.credit, rule.activity_kind, on_post=_on_post(rule), baobao=rule.scope == "baobao")
    except ValidationError:
        credit = default_credit(rule.activity_kind, on_post=_on_post(rule), baobao=rule.scope == "baobao")
    rule._credit = (rule.credit, credit)  # type: ignore[attr-defined]
    return credit


def self_attestable(rule: ObligationRule) -> bool:
    """Whether one tap ("今天已完成") may meet the rule."""
    return credit_of(rule).self_attestable


# --- records ------------------------------------------------------------------------------------------


def record_of(activity: Activity) -> str:
    """What a record is, in the terms rules name: its app's record kind, a hand-typed meeting of a kind, or an
    entry."""
    if activity.record_kind:
        return activity.record_kind
    if activity.kind == "meeting" and activity.meeting_kind:
        return f"meeting:{activity.meeting_kind}"
    return "entry"


def manual_evidence(activity: Activity, has_files: bool) -> str:
    """The evidence a hand-typed entry carries: a meeting with its minutes or attendance, or an entry with a
    supporting file, is a record; anything else is the recorder's word."""
    if activity.kind == "meeting" and activity.meeting_kind:
        attended = bool((activity.participants or "").strip() or activity.participant_count)
        return Evidence.RECORD if (activity.notes or "").strip() or attended else Evidence.SELF
    return Evidence.RECORD if has_files else Evidence.SELF


def accepts(credit: Credit, rule: ObligationRule, activity: Activity) -> bool:
    """Whether the record is of a kind the rule names, with the evidence it asks for (whose slot is
    :func:`slots_for`'s business)."""
    record = record_of(activity)
    if record == "entry" and activity.kind != rule.activity_kind:
        return False
    return record in credit.records and RANK.get(activity.evidence, 0) >= RANK[credit.evidence]


def period_day(activity: Activity) -> datetime.date:
    """The day whose period the record fills: a ledger reports on its month however late it comes."""
    return activity.reports_on or activity.occurred_on


def _own_units(unit: Any) -> list[int]:
    from anxiao.core.choices import UnitKind

    return [unit.pk] + ([unit.parent_id] if unit.kind == UnitKind.SCHOOL_DEPARTMENT and unit.parent_id else [])


def candidate_rules(activity: Activity) -> list[ObligationRule]:
    """The rules that may take this record: those of the bureaus over the unit it concerns and the unit that
    did it, accepting its record kind and evidence."""
    from .actions import bureau_for
    from .models import ObligationRule

    if activity.is_voided:
        return []
    doers = [u for u in (activity.unit, activity.by_unit if activity.by_unit_id else None) if u is not None]
    bureaus = {b.pk for b in map(bureau_for, doers) if b is not None}
    if activity.responsible_post_id and activity.responsible_post is not None:
        owner = bureau_for(activity.responsible_post.unit)
        if owner is not None:
            bureaus.add(owner.pk)
    out = []
    for rule in ObligationRule.objects.filter(bureau_id__in=bureaus):
        if accepts(credit_of(rule), rule, activity):
            out.append(rule)
    return out


def slot_q(activity: Activity, rules: list[ObligationRule]) -> Q:
    """The slots of ``rules`` this record fills: its post's (in a role the rule accepts; a 包保 slot only for the
    school it concerns), the unit's that did the work, the inspected unit's only when it inspected itself."""
    unit = activity.unit
    units = _own_units(unit)
    post = activity.responsible_post if activity.responsible_post_id else None
    outside_post = post is not None and not (post.unit.path.startswith(unit.path) or post.unit_id in units)
    if activity.by_unit_id and activity.by_unit_id not in units:
        doer = _own_units(activity.by_unit) if activity.by_unit is not None else []
        self_done = False
    else:
        # A 包保 leader's own entry at a school is not the school's own work.
        doer = [] if outside_post else units
        self_done = not outside_post
    q = Q(pk__in=[])
    by_slot: dict[str, list[int]] = {Slot.UNIT: [], Slot.SELF_INSPECTION: []}
    on_post: list[int] = []
    on_baobao: list[int] = []
    for rule in rules:
        credit = credit_of(rule)
        if credit.slot == Slot.POST:
            if post is not None and (not credit.roles or activity.post_role in credit.roles):
                (on_baobao if rule.scope == "baobao" else on_post).append(rule.pk)
        else:
            by_slot[credit.slot].append(rule.pk)
    if by_slot[Slot.UNIT] and doer:
        q |= Q(rule_id__in=by_slot[Slot.UNIT], post__isnull=True, unit_id__in=doer)
    if by_slot[Slot.SELF_INSPECTION] and self_done:
        q |= Q(rule_id__in=by_slot[Slot.SELF_INSPECTION], post__isnull=True, unit_id__in=units)
    if on_post and post is not None:
        q |= Q(rule_id__in=on_post, post=post)
    if on_baobao and post is not None:
        q |= Q(rule_id__in=on_baobao, post=post, unit_id__in=units)
    return q


def slots_for(activity: Activity, rules: list[ObligationRule] | None = None) -> Any:
    """The occurrences this record fills."""
    from .models import Occurrence

    rules = candidate_rules(activity) if rules is None else rules
    if not rules:
        return Occurrence.objects.none()
    day = period_day(activity)
    return Occurrence.objects.filter(slot_q(activity, rules), period_start__lte=day, period_end__gte=day)


def people_owing(occ: Any) -> list[str] | None:
    """The names of the people who still owe a slot that counts people (:func:`people_counter`), for its page;
    ``None`` for a slot that counts records."""
    from .models import Activity

    counter = people_counter(occ.rule) if occ.slots == 1 else None
    if counter is None or counter.names is None:
        return None
    ids = list(Activity.objects.filter(counted__occurrence=occ, voided_at__isnull=True).values_list("pk", flat=True))
    days = counter.days_per_person(occ.unit, ids, occ.period_start, occ.period_end)
    short = [key for key, d in days.items() if len(d) < occ.quota]
    names = counter.names(short)
    return sorted(names.get(key, str(key)) for key in short)


def credited_by(user: Any, source_ref: str) -> list[Activity]:
    """The records an app's record wrote (by ``source_ref``, e.g. "inspection:12"), with the slots each filled,
    as the user may see them: what the record's page shows under 计入的应办事项."""
    from .models import Activity, Occurrence

    visible = Occurrence.objects.visible_to(user).select_related("rule", "post").order_by("period_start", "rule_id")
    return list(Activity.objects.visible_to(user).filter(source_ref=source_ref).order_by("occurred_on", "pk")
                .prefetch_related(models.Prefetch("occurrences", queryset=visible)))


# --- what users read -----------------------------------------------------------------------------------


def describe(rule: ObligationRule) -> dict[str, str]:
    """The rule's crediting in words: what counts, by whom, whose slot, what evidence."""
    credit = credit_of(rule)
    records = "；".join(RECORDS.get(r, r) if r != "entry" else
                       f"手工登记的“{rule.get_activity_kind_display()}”" for r in credit.records)
    roles = "、".join(str(Role(r).label) for r in credit.roles) or "不限"
    slot = str(Slot(credit.slot).label)
    attended = credit.slot == Slot.UNIT and Role.ATTENDED in credit.roles
    if attended:
        slot = "单位的应办事项，按人计：每名应参加人员签到出席计入本人（已参加人数/应参加人数）"
    return {"records": records, "roles": roles if credit.slot == Slot.POST or attended else "—",
            "slot": slot, "evidence": str(Evidence(credit.evidence).label),
            "one_tap": "可以" if credit.self_attestable else "不可以"}


def markdown() -> str:
    """docs/crediting.md: the crediting table of every built-in rule (a test keeps the file equal to this)."""
    from .models import ObligationRule
    from .packs import available_packs, read_pack

    lines = [
        "# Crediting: what fills each built-in rule",
        "",
        "Generated from the `credit:` blocks of `anxiao/policies/packs/*.yaml` by",
        "`anxiao obligations crediting-doc > docs/crediting.md`; `anxiao/obligations/tests/test_crediting.py`",
        "fails when this file and the packs disagree. The same table is shown on each rule's page (周期性工作规则).",
        "",
        "How it works (`anxiao/obligations/crediting.py`, the one place that decides):",
        "",
        "- A record is written by its own app (an inspection when completed, a drill when closed with its",
        "  evaluation, a meeting, a ledger when the principal submits it…) and fills exactly the slots whose rule",
        "  names its record kind, with at least the evidence the rule asks for, in the slot the rule says:",
        "  the duty-holder's own post (in the role the rule names), the unit that did the work, or the inspected",
        "  unit only when it inspected itself (a 交叉互检 or a bureau inspection is not the school's own).",
        "- Evidence: `self` — one tap (今天已完成) is enough; `record` — a complete record in its app (or a hand-typed",
        "  entry with minutes/attendance for a meeting, a supporting file otherwise); `record+approval` — a complete",
        "  record approved by the person who answers for it. One tap is offered only for `self` rules, and the",
        "  API's `POST /api/v1/occurrences/{id}/done` answers 422 for the others.",
        "- A record fills the period it reports on (a ledger: its month), late if after that period's deadline.",
        "- A heightened period (重点敏感时期) raises the quota of every slot of a `heightened` rule it overlaps,",
        "  slots already met included: they are counted again.",
        "- Patrols: a check-in is a scan of a patrol point's QR code at the point (its secret), one per point per",
        "  interval (`inspections.actions.check_in`). When every active key point (重点部位) of the school has been",
        "  scanned once more that day, the patrol app writes one `patrol_round` record; the guards' \"重点部位每日巡查",
        "  不少于5次\" is the school's daily slot (all its guards together, `holder_kind: security_guard`) and needs",
        "  five rounds. One tap, a hand-typed entry or scanning one point five times fills nothing. No built-in rule",
        "  asks for gate duty (门卫24小时值守 is a yes/no of the school's staffing record, not a quota).",
        "- Letters: a responsibility letter signed by party B in their own account",
        "  (`responsibility.actions.sign_letter`) is a `letter:<kind>` record of the issuing side: it fills the",
        "  school's \"每年层层签订\" slot when the school's own department heads, teachers or staff sign, and the",
        "  局长's \"与学校签订\" slot (as party A, role led) when a principal signs the bureau's letter. A letter",
        "  of last year signed in January fills last year's slot, late.",
        "- Letters are a decision confirmed by test (`test_only_party_b_signing_fills_party_a_s_slot…`): only party",
        "  B's own signature makes the record (party A cannot sign the letter it issued), it fills party A's slot and",
        "  no slot of party B's posts. Signing a letter is B's act, but \"每年与学校签订\" is A's duty: A has done it when",
        "  B has signed what A issued, as a 61号令 sign-off is the checker's work once the checked party signs.",
        "- Attendance (`roles: [attended]`, 参加): a rule that asks something of each person is the unit's slot",
        "  counted in people: owed are the school's active people (its own and its departments'), met is each of",
        "  them present on the sign-in sheet of a record of the kind the rule names in the period; the slot is done",
        "  on the day the last person owed was trained, and its figure reads `已参加/应参加 人`. Built in:",
        "  `national.school.annual_fire_training` (61号令 第三十六条: 重点单位对每名员工至少每年进行一次消防培训),",
        "  credited by a staff training (`education:staff_training`, its 签到). Why a per-unit slot and not one slot",
        "  per employee: the duty-holder in the text is the unit (重点单位 trains its staff), the seeds give",
        "  schools, not people, the training duty (s000 五.5 \"进行…消防安全…的教育培训\"), a school's register need",
        "  not give every employee a post (slots belong to units or posts, not people), and one row per school-year",
        "  keeps the tally and the figures one definition. The per-person view is the sheet: the slot's page lists",
        "  the records that filled it and the training's page the slots it credited. Marking a person absent or",
        "  present on a sheet (`education.actions.set_attendance`, audited), voiding the training, or a person",
        "  joining or leaving the school (`org.actions.PEOPLE_CHANGED` → `obligations.actions.recount_people`, this",
        "  period's slots only) counts the slot again. `national.school.term_staff_training` and",
        "  `s002.school.term_staff_training` (no `attended` role) still count trainings held. Drills keep the unit's",
        "  slot: their 班主任签到 is evidence of the drill, and no built-in rule asks a drill of each person.",
        "",
        "Record kinds:",
        "",
        "| record | what it takes |",
        "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in RECORDS.items()],
        "",
    ]
    for pack in available_packs():
        entries = read_pack(pack)
        if not entries:
            continue
        lines += [f"## {pack}", "", "| rule | 计入的记录 | 角色 | 计入谁 | 证据 | 一键完成 |", "|---|---|---|---|---|---|"]
        for values in entries:
            rule = ObligationRule(**values)
            d = describe(rule)
            lines.append(f"| `{rule.code}` {rule.title} | {d['records']} | {d['roles']} | {d['slot']} | "
                         f"{d['evidence']} | {d['one_tap']} |")
        lines.append("")
    return "\n".join(lines)
