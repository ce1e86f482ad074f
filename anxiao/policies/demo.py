"""The demo bureau adopts the seed-000 pack (its own 一岗双责 document), the national defaults and the 总校(园)长制
(seed 004), each through the mapping as a bureau does."""

from __future__ import annotations

from anxiao.core.demo import DemoContext

from .actions import adopt, confirm_mapping
from .mapping import proposal
from .models import DutyTemplate

DEMO_PACKS = ("s000", "national", "s004")


def build(ctx: DemoContext) -> None:
    bureau = ctx.data.get("bureau")
    if bureau is None:
        return
    policies = []
    for code in DEMO_PACKS:
        # As a bureau does it: adopt, look at the proposed mapping, confirm it (lists are generated later, once
        # every post exists).
        policy = adopt(None, bureau, code)
        applies = {(m.duty_list.pk, c.unit.pk): c.proposed for m in proposal(policy) for c in m.candidates}
        policies.append(confirm_mapping(None, policy, applies, generate=False))
    duties = DutyTemplate.objects.filter(duty_list__policy__in=policies).count()
    ctx.data["policies"] = policies
    ctx.say(f"制度：{bureau.name}采用规则包 {'、'.join(DEMO_PACKS)}，共 {duties} 项职责模板。")
