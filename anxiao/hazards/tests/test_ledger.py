"""The ledger pages at any size: a fixed number of queries, the page in two small queries, the same rows
whatever way the scope is written; the pending-extension and 督办 pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anxiao.hazards import actions
from anxiao.hazards.models import Extension, ExtensionStatus, Hazard, Status, SupervisionOrder

pytestmark = pytest.mark.django_db


def many(world, n: int, unit=None):  # type: ignore[no-untyped-def]
    now = timezone.now()
    Hazard.objects.bulk_create([
        Hazard(unit=unit or (world.a1 if i % 2 else world.a2), location=f"部位{i}", category="XF", description="描述",
               found_at=now - datetime.timedelta(hours=i), status=[Status.REPORTED, Status.RECTIFYING, Status.CLOSED][i % 3],
               deadline=timezone.localdate() - datetime.timedelta(days=1) if i % 3 == 1 else None,
               responsible=world.people["a1_teacher"])
        for i in range(n)])


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/hazards/", "/hazards/?status=rectifying&page=2", "/hazards/?overdue=1",
                                 "/hazards/rollup/", "/api/v1/hazards/counts"])
def test_it_answers_the_ledger_and_the_summary_in_a_fixed_number_of_queries(world, as_user, url):
    # given a bureau user and a few hazards
    client = as_user("bureau_admin")
    many(world, 6)
    few = queries(client, url)
    # when there are many more hazards over more pages
    many(world, 240)
    # then the page costs exactly the same number of queries
    assert queries(client, url) == few


def test_it_pins_the_ledger_page_to_its_queries(world, as_user):
    # given a bureau user and hazards over several pages
    client = as_user("bureau_admin")
    many(world, 120)
    client.get("/hazards/")
    # then: session, user, grants, the scope's units, counts, the page's ids, its rows, the unit filter list, the
    # user's personas (the role menu), the navigation's unread notices and the user's person — eleven, with no
    # COUNT(*) of the ledger besides the counts
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/hazards/?page=2")
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 11, "\n".join(s[:150] for s in sqls)
    assert not [s for s in sqls if 'COUNT(*)' in s and "hazards_hazard" in s]
    assert response.context["page"].paginator.count == 120
    assert len(response.context["page"].object_list) == 50


def test_it_pages_in_found_order_with_the_same_rows_as_the_plain_scope(world, as_user):
    many(world, 120)
    client = as_user("bureau_admin")
    seen = []
    for n in (1, 2, 3):
        seen += [h.pk for h in client.get(f"/hazards/?page={n}").context["page"].object_list]
    expected = list(Hazard.objects.filter(unit__region_path__startswith=world.county_a.path)
                    .order_by("-found_at", "-id").values_list("pk", flat=True))
    assert seen == expected


def test_it_keeps_hazards_of_other_counties_out_of_the_ledger(world, as_user):
    many(world, 4)
    many(world, 3, unit=world.b1)
    assert Hazard.objects.visible_to(world.users["bureau_admin"]).count() == 4
    assert Hazard.objects.visible_to(world.users["outsider"]).count() == 3
    assert Hazard.objects.visible_to(world.users["school_member"]).filter(unit=world.a2).count() == 0
    response = as_user("bureau_admin").get("/hazards/")
    assert response.context["counts"]["total"] == 4


def _rectifying(world):  # type: ignore[no-untyped-def]
    admin = world.users["school_admin"]
    hazard = actions.report_hazard(admin, unit=world.a1, location="围墙", category="XS", description="围墙开裂")
    actions.transition(admin, hazard, "register")
    actions.transition(admin, hazard, "grade", grade="major")
    return actions.transition(admin, hazard, "start_rectification", measures="加固", responsible=world.people["a1_teacher"],
                              deadline=timezone.localdate() + datetime.timedelta(days=5), funds="3",
                              contingency_plan="预案", temporary_measures="隔离")


def test_it_lists_pending_extensions_for_the_level_above_to_decide(world, as_user):
    # given a school that asked for more time
    hazard = _rectifying(world)
    new = timezone.localdate() + datetime.timedelta(days=30)
    actions.transition(world.users["school_admin"], hazard, "request_extension", new_deadline=new, reason="材料采购")
    # then the school sees it waiting, without buttons
    school_page = as_user("school_admin").get("/hazards/extensions/")
    assert school_page.context["rows"][0][1] is False
    assert "待上级审批" in school_page.content.decode()
    # and the bureau sees it with approve/refuse and approves it from the list
    client = as_user("bureau_admin")
    page = client.get("/hazards/extensions/")
    assert [(e.hazard_id, can) for e, can in page.context["rows"]] == [(hazard.pk, True)]
    response = client.post(f"/hazards/{hazard.pk}/transition/", {"action": "approve_extension", "note": "同意",
                                                                 "next": "/hazards/extensions/"})
    assert response.status_code == 302 and response["Location"] == "/hazards/extensions/"
    hazard.refresh_from_db()
    assert hazard.deadline == new
    assert Extension.objects.get(hazard=hazard).status == ExtensionStatus.APPROVED
    assert client.get("/hazards/extensions/").context["rows"] == []
    assert len(client.get("/hazards/extensions/?status=approved").context["rows"]) == 1


def test_it_refuses_an_extension_from_the_list_only_with_a_reason(world, as_user):
    hazard = _rectifying(world)
    actions.transition(world.users["school_admin"], hazard, "request_extension",
                       new_deadline=timezone.localdate() + datetime.timedelta(days=30), reason="材料采购")
    client = as_user("bureau_admin")
    client.post(f"/hazards/{hazard.pk}/transition/", {"action": "refuse_extension", "next": "/hazards/extensions/"})
    assert Extension.objects.get(hazard=hazard).status == ExtensionStatus.PENDING
    # an outside address in "next" is ignored
    response = client.post(f"/hazards/{hazard.pk}/transition/", {"action": "refuse_extension", "note": "理由不充分",
                                                                 "next": "https://evil.example/"})
    assert response["Location"] == f"/hazards/{hazard.pk}/"
    assert Extension.objects.get(hazard=hazard).status == ExtensionStatus.REFUSED


def test_it_shows_supervision_orders_with_receipt_and_the_school_signs_there(world, as_user):
    # given a major hazard under 挂牌督办
    hazard = _rectifying(world)
    actions.transition(world.users["bureau_admin"], hazard, "supervise", kind="listed", document_number="临教督〔2026〕1号",
                       supervision_deadline=timezone.localdate() + datetime.timedelta(days=20))
    # then the bureau sees it not yet received, without a sign button
    bureau = as_user("bureau_admin")
    page = bureau.get("/hazards/supervision/?received=0")
    assert page.context["unreceived"] == 1
    assert "1 份督办单尚未签收" in page.content.decode()
    # when the school signs for it on the same page
    school = as_user("school_admin")
    rows = school.get("/hazards/supervision/").context["rows"]
    assert [can for _o, can in rows] == [True]
    school.post(f"/hazards/{hazard.pk}/transition/", {"action": "acknowledge_supervision",
                                                       "next": "/hazards/supervision/"})
    # then it is received, by whom, and the bureau's count of unreceived orders drops
    order = SupervisionOrder.objects.get(hazard=hazard)
    assert order.received_at is not None and order.received_by == world.users["school_admin"]
    assert as_user("bureau_admin").get("/hazards/supervision/?received=0").context["unreceived"] == 0
    assert as_user("outsider").get("/hazards/supervision/").context["rows"] == []


def test_it_counts_by_status_exactly_as_the_plain_filters_do(world):
    # given hazards in every combination the counts look at
    many(world, 30)
    today = timezone.localdate()
    Hazard.objects.filter(pk__in=Hazard.objects.order_by("id").values("pk")[:7]).update(grade="major")
    Hazard.objects.filter(pk__in=Hazard.objects.order_by("-id").values("pk")[:5]).update(under_supervision=True,
                                                                                       reported_up_at=timezone.now())
    from anxiao.hazards.figures import status_counts
    from anxiao.hazards.models import overdue_q

    counts = status_counts(Hazard.objects.all(), today)
    closed = (Status.CLOSED, Status.VOID)
    open_ = Hazard.objects.exclude(status__in=closed)
    assert counts["total"] == 30
    assert {s: counts[s] for s in Status.values} == {s: Hazard.objects.filter(status=s).count() for s in Status.values}
    assert counts["overdue"] == Hazard.objects.filter(overdue_q(today)).count() > 0
    assert counts["major_open"] == open_.filter(grade="major").count() > 0
    assert counts["open"] == open_.count() > 0
    assert counts["supervised"] == open_.filter(under_supervision=True).count() > 0  # 督办 of open hazards only
    assert counts["reported_up"] == open_.filter(reported_up_at__isnull=False).count() > 0


def test_the_roll_up_drills_down_by_region_a_page_at_a_time(world, as_user, monkeypatch):
    """Issue 18: a bureau's roll-up opens on its region's children, a town opens its schools, and no page holds
    more than ``core.paging.ROWS`` rows (the full table per school is the export)."""
    from anxiao.core import paging

    many(world, 6)
    client = as_user("bureau_admin")
    # when the county's bureau opens the roll-up
    response = client.get("/hazards/rollup/")
    # then it sees a row per town of its county, not a row per school
    assert response.context["by_region"] and response.context["focus"] == world.county_a
    rows = response.context["page"].object_list
    assert [r["region"] for r in rows] == [world.town_a] and rows[0]["total"] == 6
    # and the town's row opens its schools, a page at a time
    monkeypatch.setattr(paging, "ROWS", 1)
    response = client.get(f"/hazards/rollup/?region={world.town_a.pk}")
    assert not response.context["by_region"] and response.context["page"].paginator.count == 2
    assert len(response.context["page"].object_list) == 1


def test_a_large_scope_with_a_filter_counts_no_further_than_the_cap(world, as_user, monkeypatch):
    """Issue 18: a province's ledger with a filter (the tally cannot answer it) counted every matching hazard of two
    million; it counts up to ``core.paging.COUNT_CAP`` and says "more than", and every API list's count stops
    there too. Below the cap the counts are whole."""
    from anxiao.core import paging
    from anxiao.reports import dashboard

    # given more rectifying hazards than the cap, in a scope the rule calls large
    many(world, 30)
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city", "county"))
    client = as_user("bureau_admin")
    # when the ledger is filtered
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/hazards/?status=rectifying")
    # then it shows "5+" and the first page (a capped ledger is browsed as far as the cap), counting six rows
    assert response.context["capped"] and response.context["counts"]["total"] == 5
    assert "超过 5 条" in response.content.decode() and len(response.context["page"].object_list) == 5
    assert [q for q in ctx.captured_queries if "LIMIT 6" in q["sql"] and "COUNT(" in q["sql"]]
    # and the API list says 6 (more than 5) without counting every row
    assert client.get("/api/v1/hazards?status=rectifying&limit=2").json()["count"] == 6
    # while a filter that matches fewer than the cap shows every count, and a small scope is counted whole
    response = client.get(f"/hazards/?status=rectifying&unit={world.a1.pk}")
    assert not response.context["capped"] and response.context["counts"]["total"] == 5
    assert response.context["counts"]["rectifying"] == 5
    # and the list behind a card (one headline figure, nothing else) takes its total from the tally, exactly
    dashboard.refresh_tallies()
    response = client.get("/hazards/?overdue=1")
    assert response.context["tallied_at"] is not None and response.context["counts"]["total"] == 10
    assert client.get("/api/v1/hazards?overdue=true&limit=1").json()["count"] == 10
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city"))
    response = client.get("/hazards/?status=rectifying")
    assert not response.context["capped"] and response.context["counts"]["total"] == 10
    assert response.context["counts"]["rectifying"] == 10
