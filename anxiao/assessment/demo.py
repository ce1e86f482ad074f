"""Demo: the annual school assessment of the year the demo's history covers (DemoContext.assessed_year),
published, scored on site, computed and ranked (one veto)."""

from __future__ import annotations

from decimal import Decimal

from anxiao.core.demo import DemoContext

from . import actions
from .models import Method


def build(ctx: DemoContext) -> None:
    from anxiao.accounts.models import User

    owner = User.objects.get(username="fenguan")
    assessor = User.objects.get(username="anquanban")
    year = ctx.assessed_year
    scheme = actions.create_scheme(owner, ctx.data["bureau"], year=year, name=f"{year}年度学校安全工作考核")
    actions.publish(owner, scheme)
    onsite = scheme.indicators.get(method=Method.ASSESSED)
    # seed 001 一(十四): the year's licence reviews of the private schools and the schools with a bus, all passed
    import datetime

    from .models import LicenceSubject

    for s in ctx.data["schools"]:
        for subject in LicenceSubject:
            if actions.applies(s["school"], subject):
                actions.review_licence(owner, s["school"], subject=subject, year=year, safety_standard_met=True,
                                       reviewed_on=datetime.date(year, 3, 15))
    for s in ctx.data["schools"]:
        value = Decimal(ctx.rng.randint(int(onsite.weight * 6), int(onsite.weight * 10))) / 10
        actions.score(assessor, onsite, s["school"], value, "现场查看台账、演练记录和门卫值守")
    results = actions.compute(owner, scheme)
    ctx.say(f"年度考核：{scheme.name}，{len(results)} 所学校，{sum(r.vetoed for r in results)} 所被一票否决。")
