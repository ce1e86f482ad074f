from __future__ import annotations

import sys
from unittest import mock

import pytest

from anxiao.obligations import actions, tally
from anxiao.obligations.models import ObligationRule, Occurrence, Status


@pytest.mark.django_db
def test_the_demo_history_has_daily_months_and_a_tally_equal_to_the_live_figures(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.education import demo as education_demo
    from anxiao.obligations import demo
    from anxiao.org import demo as org_demo
    from anxiao.policies import demo as policies_demo

    # given the org demo county with its adopted packs, its year of obligations and the lessons written in bulk by
    # the education demo
    ctx = run_parts(DemoContext(), org_demo, policies_demo, demo, education_demo)
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
    from anxiao.policies import demo as policies_demo
    from anxiao.policies.models import Policy

    # given the demo bureau adopting its packs and building its year of obligations, watching who loads rules
    loaded_by: list[str] = []
    real = actions.load_rules

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        loaded_by.append(sys._getframe(1).f_code.co_name)
        return real(*args, **kwargs)

    with mock.patch.object(actions, "load_rules", spy):
        run_parts(DemoContext(), org_demo, policies_demo, demo)
    # then its rules were loaded only by confirming each pack's mapping, as a bureau does on the mapping screen
    # (no shortcut), and every pack it adopted is confirmed
    assert loaded_by and set(loaded_by) == {"_confirm"}, loaded_by
    adopted = Policy.objects.filter(bureau__isnull=False)
    assert adopted.exists() and not adopted.filter(mapping_confirmed_at__isnull=True).exists()
    assert set(ObligationRule.objects.values_list("pack_code", flat=True)) <= set(adopted.values_list("code", flat=True))
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
