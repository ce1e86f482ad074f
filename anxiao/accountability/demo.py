"""Demo: a case opened from the late-reported traffic accident, with dossiers and two decisions, and a case
from the drowning in the assessed year (DemoContext.assessed_year) that vetoes that school's assessment."""

from __future__ import annotations

import datetime

from anxiao.core.demo import DemoContext
from anxiao.incidents.models import Incident

from . import actions
from .models import Finding, Measure


def build(ctx: DemoContext) -> None:
    from anxiao.accounts.models import User

    decider = User.objects.get(username="fenguan")
    traffic = Incident.objects.get(title="放学途中学生交通事故")
    school = next(s for s in ctx.data["schools"] if s["school"] == traffic.unit)
    case = actions.open_case(decider, traffic.unit, title="放学途中学生交通事故迟报问题", source_kind="incident",
                             source=traffic, year=traffic.learned_at.year,
                             description="电话报告超过 30 分钟时限，核查学校交通安全教育和放学管理履职情况。",
                             posts=[school["principal"], school["safety_deputy"]])
    decided = traffic.learned_at.date() + datetime.timedelta(days=20)
    actions.decide(decider, case, post=school["principal"], finding=Finding.DILIGENT, decided_on=decided,
                   reasoning="责任书已签订，按月召开安全会议，交通安全教育记录完整，事发后及时处置。")
    actions.decide(decider, case, post=school["safety_deputy"], finding=Finding.DERELICT, decided_on=decided,
                   measures=[Measure.CRITICISM], reasoning="未在 30 分钟内电话报告，放学路队管理检查记录缺失。",
                   document_number=f"临教安〔{decided.year}〕12号")
    drowning = Incident.objects.get(title="学生周末校外溺水")
    school = next(s for s in ctx.data["schools"] if s["school"] == drowning.unit)
    case = actions.open_case(decider, drowning.unit, title="学生校外溺水事故责任追究", source_kind="incident",
                             source=drowning, year=drowning.learned_at.year,
                             description="防溺水教育和家校告知落实情况核查；事故报告超时。", posts=[school["principal"]])
    decided = drowning.learned_at.date() + datetime.timedelta(days=30)
    actions.decide(decider, case, post=school["principal"], finding=Finding.DERELICT, decided_on=decided,
                   measures=[Measure.ADMONITION, Measure.VETO],
                   reasoning="防溺水专题教育未覆盖全部班级，事故报告迟报 65 分钟。", document_number=f"临教安〔{decided.year}〕31号")
