"""The demo bureau adopts the seed-000 pack (its own 一岗双责 document) and the national defaults."""

from __future__ import annotations

from anxiao.core.demo import DemoContext

from .actions import adopt
from .models import DutyTemplate

DEMO_PACKS = ("s000", "national")


def build(ctx: DemoContext) -> None:
    bureau = ctx.data.get("bureau")
    if bureau is None:
        return
    policies = [adopt(None, bureau, code) for code in DEMO_PACKS]
    duties = DutyTemplate.objects.filter(duty_list__policy__in=policies).count()
    ctx.data["policies"] = policies
    ctx.say(f"制度：{bureau.name}采用规则包 {'、'.join(DEMO_PACKS)}，共 {duties} 项职责模板。")
