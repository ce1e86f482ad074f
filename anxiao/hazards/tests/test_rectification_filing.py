"""The rectification-list filing page (seed 002 五(二), issue 17 follow-up): the bureau sees which schools still owe
the filing — by the one definition of "owes" the compliance figures use (the filing slot is not met and its period
has started: due or missed) — not only who filed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anxiao.hazards.tests.matrix import filed_list
from anxiao.obligations import actions as obligations
from anxiao.obligations.figures import owing
from anxiao.obligations.models import Occurrence, Status

pytestmark = pytest.mark.django_db

CODE = "s002.school.rectification_list_filing"


def _filing_rules(world):  # type: ignore[no-untyped-def]
    obligations.load_rules(None, world.bureau_a, ["s002"])
    today = timezone.localdate()
    obligations.expand(world.bureau_a, today)
    return Occurrence.objects.filter(rule__code=CODE, period_start__lte=today, period_end__gte=today)


def test_the_page_lists_the_schools_that_still_owe_the_filing_and_drops_one_once_it_files(as_user, world):
    slots = _filing_rules(world)
    owed = {o.unit.name for o in slots}
    assert world.a1.name in owed and world.a2.name in owed
    client = as_user("bureau_admin")
    page = client.get("/hazards/rectification-list/").content.decode()
    owing_part = page.split('id="owing"')[1].split("</section>")[0]
    assert world.a1.name in owing_part and world.a2.name in owing_part
    assert world.b1.name not in page  # another bureau's school is not in scope
    # when a1 files its list, a1 no longer owes and a2 still does
    filed_list(world)
    page = client.get("/hazards/rectification-list/").content.decode()
    owing_part = page.split('id="owing"')[1].split("</section>")[0]
    assert world.a1.name not in owing_part and world.a2.name in owing_part
    # and the figure is the compliance one: a1's slot is done, a2's due
    today = timezone.localdate()
    assert {o.unit_id for o in owing(Occurrence.objects.visible_to(world.users["bureau_admin"]), "rectification_list",
                                     today)} == {o.unit_id for o in slots if o.unit_id != world.a1.pk}
    assert slots.get(unit=world.a1).status_on(today) in (Status.DONE, Status.LATE)
