from __future__ import annotations

import pytest

from anxiao.obligations import tally
from anxiao.obligations.models import Occurrence, Status


@pytest.mark.django_db
def test_the_demo_history_has_daily_months_and_a_tally_equal_to_the_live_figures(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.education import demo as education_demo
    from anxiao.obligations import demo
    from anxiao.org import demo as org_demo

    # given the org demo county, its year of obligations and the lessons written in bulk by the education demo
    ctx = run_parts(DemoContext(), org_demo, demo, education_demo)
    # then each daily rule has this month as one row per school, with some days met and some missed
    months = Occurrence.objects.filter(rule__period="day", period_start__lte=ctx.today, period_end__gte=ctx.today)
    assert months.exists() and not months.filter(slots=1).exists()
    counts = tally.slot_counts(months, ("rule__period",), ctx.today)[("day",)]
    if ctx.today.day > 1:
        assert counts[Status.DONE] > 0 and counts[Status.MISSED] > 0
    # and the compliance tally equals the figures counted from the occurrences
    assert tally.tally_counts(ctx.today) == tally.live_counts(Occurrence.objects.all(), ctx.today)


@pytest.mark.django_db
def test_the_demo_history_is_credited_as_live_use_would_credit_it(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.obligations import crediting, demo
    from anxiao.obligations.models import ActivityOccurrence
    from anxiao.org import demo as org_demo

    run_parts(DemoContext(), org_demo, demo)
    # every slot a demo record fills is one the crediting rules give it (a sample of the links, one per rule)
    seen: set[int] = set()
    links = ActivityOccurrence.objects.select_related("activity__unit", "activity__responsible_post__unit",
                                                      "occurrence__rule").order_by("pk")
    for link in links.iterator():
        rule = link.occurrence.rule
        if rule.pk in seen:
            continue
        seen.add(rule.pk)
        assert link.occurrence_id in set(crediting.slots_for(link.activity).values_list("pk", flat=True)), rule.code
    assert len(seen) > 20
