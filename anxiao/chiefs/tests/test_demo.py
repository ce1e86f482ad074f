from __future__ import annotations

import time

import pytest

from anxiao.chiefs.models import AgencyTask, GateDuty, MemberAgency, TaskStatus
from anxiao.chiefs.summary import monthly_by_month, plenary_by_year
from anxiao.core.choices import PostKind
from anxiao.core.context import audit_suppressed
from anxiao.core.demo import DemoContext
from anxiao.org.models import Post

pytestmark = pytest.mark.django_db


def test_it_builds_the_demo_district_fast():
    from anxiao.chiefs import demo as chiefs_demo
    from anxiao.org import demo as org_demo

    # given the demo county's organisation
    ctx = DemoContext()
    with audit_suppressed():
        org_demo.build(ctx)
        started = time.monotonic()
        # when the chiefs demo runs
        chiefs_demo.build(ctx)
        elapsed = time.monotonic() - started
    # then there are three levels of chiefs, 16 agencies each with a member and a liaison, tasks in every state,
    # gate duty at every school and one missing monthly meeting in 东岭镇
    assert Post.objects.filter(kind=PostKind.CHIEF_DISTRICT).count() == 1
    assert Post.objects.filter(kind=PostKind.CHIEF_TOWN).count() == 8
    assert Post.objects.filter(kind=PostKind.CHIEF_VILLAGE).count() == 16
    assert MemberAgency.objects.count() == 16
    assert Post.objects.filter(kind=PostKind.AGENCY_LIAISON).count() == 16
    assert set(AgencyTask.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert AgencyTask.objects.filter(escalated_at__isnull=False).exists()
    assert GateDuty.objects.values("school").distinct().count() == len(ctx.data["schools"])
    towns = ctx.data["chiefs"]["town_govs"]
    missing = {gov.name for gov in towns.values()
               if any(r.state == "missing" for r in monthly_by_month(gov, today=ctx.today))}
    assert missing == {"东岭镇人民政府"}
    assert plenary_by_year(ctx.data["chiefs"]["government"], years=2, today=ctx.today)[0].state == "done"
    assert {u for _p, u, _s in ctx.logins} >= {"zongxiaozhang", "lianluoyuan"}
    assert elapsed < 30, f"chiefs demo took {elapsed:.1f}s"
