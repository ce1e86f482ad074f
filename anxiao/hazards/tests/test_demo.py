from __future__ import annotations

import pytest

from anxiao.hazards.models import Hazard, Status


@pytest.mark.django_db
def test_the_demo_county_has_hazards_in_every_state_some_overdue_and_some_under_supervision(db):
    from anxiao.core.demo import DemoContext, run_parts
    from anxiao.hazards import demo
    from anxiao.hazards.figures import status_counts
    from anxiao.inspections import demo as inspections_demo
    from anxiao.org import demo as org_demo

    # given the org demo county
    # when the inspections and hazards demos run on the org demo county
    ctx = run_parts(DemoContext(), org_demo, inspections_demo, demo)
    # then there are ~2,000 hazards in every state, some overdue, a few major ones under 督办
    counts = status_counts(Hazard.objects.all(), ctx.today)
    assert 1500 <= counts["total"] <= 2500
    assert all(counts[s] > 0 for s in Status.values)
    assert counts["overdue"] > 0 and counts["supervised"] >= 3 and counts["reported_up"] > 0
    # and each hazard's timeline ends in its state
    sample = Hazard.objects.filter(status=Status.CLOSED).first()
    assert sample is not None and sample.events.last().to_status == Status.CLOSED
    # and the demo's completed inspections obey the live rule: every required item answered (a sample)
    from anxiao.inspections.actions import progress
    from anxiao.inspections.models import Inspection

    done = list(Inspection.objects.filter(status="done").order_by("?")[:25])
    assert done and all(not progress(i).missing() for i in done)
    assert Hazard.objects.filter(item_result__outcome="fail", item_result__inspection__status="done").exists()
    # and a newcomer finds Party-branch meetings on the rectification list and lists filed with the bureau (seed 002
    # 五(二)), each filing naming its meeting and every open problem of its school with owner and deadline
    from anxiao.hazards.models import OPEN_STATUSES
    from anxiao.obligations.models import Activity

    meetings = Activity.objects.filter(kind="meeting", meeting_kind="party_branch")
    filings = list(Activity.objects.filter(record_kind="rectification_list"))
    assert meetings.count() == demo.PARTY_MEETINGS and len(filings) == demo.FILED
    for filed in filings:
        meeting = meetings.get(pk=int(filed.source_ref.split(":")[1]))
        assert meeting.unit_id == filed.unit_id and meeting.title in filed.notes
        open_now = Hazard.objects.filter(unit=filed.unit, status__in=OPEN_STATUSES, voided_at__isnull=True)
        assert open_now.exists() and all(h.number in filed.notes for h in open_now)
