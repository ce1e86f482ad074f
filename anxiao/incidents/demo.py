"""Demo: the bureau's reporting rule, seven emergency teams in every school, and a year of incidents
(one reported late, one whose casualties changed in a follow-up, one still open)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.demo import DemoContext

from . import actions
from .models import EmergencyTeam, Incident, ReportingRule, TeamKind

TEAM_LEADERS = {
    TeamKind.COMMAND: "principal", TeamKind.SECURITY: "safety_deputy", TeamKind.ONSITE: "safety_deputy",
    TeamKind.RESCUE: "principal", TeamKind.COMMUNICATION: "principal", TeamKind.LOGISTICS: "safety_deputy",
    TeamKind.INVESTIGATION: "principal",
}

# (school index, days ago (None: in the assessed year, whose assessment the case vetoes), title, category,
#  subcategory, minutes to phone, minutes to written, figures, follow-up)
INCIDENTS: list[tuple[Any, ...]] = [
    (0, 300, "学生体育课扭伤", "accident", "accidental_injury", 12, 70, {"minor_injuries": 1}, None),
    (9, 210, "午餐后多名学生腹痛", "public_health", "food_poisoning", 20, 100, {"minor_injuries": 6},
     {"minor_injuries": 9, "content": "续报：又有 3 名学生就医，均为轻症"}),
    (14, 120, "放学途中学生交通事故", "accident", "traffic", 52, 180, {"serious_injuries": 1}, None),
    (22, 45, "校外人员滋扰学生", "social_security", "intrusion", 15, 95, {}, None),
    (17, None, "学生周末校外溺水", "accident", "drowning", 95, 260, {"deaths": 1}, None),
    (8, 0, "课间学生追逐摔伤", "accident", "accidental_injury", None, None, {"minor_injuries": 1}, None),
]


def _user(username: str) -> Any:
    from anxiao.accounts.models import User

    return User.objects.get(username=username)


def build(ctx: DemoContext) -> None:
    bureau = ctx.data["bureau"]
    ReportingRule.objects.create(bureau=bureau)
    teams = []
    for s in ctx.data["schools"]:
        for kind, who in TEAM_LEADERS.items():
            teams.append(EmergencyTeam(unit=s["school"], kind=kind, leader=s[who]))
    EmergencyTeam.objects.bulk_create(teams)
    admin = _user("anquanban")
    now = timezone.now()
    for index, days, title, category, sub, phone, written, figures, follow in INCIDENTS:
        if days is None:
            days = (ctx.today - ctx.in_assessed_year(0.3)).days
        school = ctx.data["schools"][index]["school"]
        learned = now - datetime.timedelta(days=days, minutes=40 if days == 0 else 0)
        if days:
            learned = learned.replace(hour=10 + index % 6, minute=15)
        incident = actions.record(admin, school, title=title, category=category, subcategory=sub,
                                  occurred_at=learned - datetime.timedelta(minutes=8), learned_at=learned,
                                  place=ctx.rng.choice(["操场", "教学楼走廊", "食堂", "校门口", "宿舍楼"]),
                                  initial_measures="立即送医，通知家长，保护现场", now=learned, **figures)
        incident.teams_activated.set(EmergencyTeam.objects.filter(unit=school, kind__in=["command", "rescue"]))
        if phone is not None:
            actions.report(admin, incident, kind="phone", made_at=learned + datetime.timedelta(minutes=phone), now=now)
        if written is not None:
            actions.report(admin, incident, kind="written", made_at=learned + datetime.timedelta(minutes=written),
                           content=f"{title}：简要经过、伤亡情况和已采取措施。", now=now)
        if follow:
            actions.report(admin, incident, kind="follow_up", made_at=learned + datetime.timedelta(hours=6),
                           now=now, **follow)
        if days >= 60:
            action = actions.add_action(admin, incident, description="开展专题安全教育并排查同类隐患",
                                        due_on=(learned + datetime.timedelta(days=14)).date())
            actions.complete_action(admin, action, "已完成专题教育和排查")
            actions.close(admin, incident)
    ctx.say(f"事故报告：{Incident.objects.count()} 起事件，{EmergencyTeam.objects.count()} 个应急小组。")
