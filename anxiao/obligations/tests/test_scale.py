"""The compliance page at scale (issue 18): a bureau lands on the roll-up by region, read from the compliance
tally, and drills down a level at a time; a page shows at most ``core.paging.ROWS`` rows."""

from __future__ import annotations

import html

from anxiao.core import paging
from anxiao.obligations.tests.test_views import drills  # noqa: F401  (fixture)


def test_a_bureau_lands_on_the_region_roll_up_and_drills_down_to_the_schools(drills, as_user) -> None:  # noqa: F811
    w = drills
    client = as_user("bureau_admin")
    # when the county's bureau opens the compliance page with no dimension chosen
    response = client.get("/obligations/compliance/")
    # then it sees its county by town, counted from the tally, and no school row
    assert response.context["by"] == "region" and response.context["source"] == "tally"
    assert response.context["within"] == w.county_a
    assert [r["name"] for r in response.context["page"].object_list] == [w.town_a.name]
    body = response.content.decode()
    # and the town's row (the last level of regions) opens the town's schools
    assert f"?by=unit&region={w.town_a.pk}&" in body and w.a1.name not in body
    response = client.get(f"/obligations/compliance/?by=unit&region={w.town_a.pk}")
    assert response.context["narrowed"] == w.town_a
    assert {r["name"] for r in response.context["page"].object_list} == {w.a1.name, w.a2.name}


def test_a_school_lands_on_its_units(drills, as_user) -> None:  # noqa: F811
    response = as_user("school_admin").get("/obligations/compliance/")
    assert response.context["by"] == "unit"


def test_no_page_shows_more_rows_than_a_page_holds(drills, as_user, monkeypatch) -> None:  # noqa: F811
    w = drills
    monkeypatch.setattr(paging, "ROWS", 1)
    client = as_user("bureau_admin")
    # when the schools of the town are listed one row a page
    first = client.get(f"/obligations/compliance/?by=unit&region={w.town_a.pk}")
    second = client.get(f"/obligations/compliance/?by=unit&region={w.town_a.pk}&page=2")
    # then each page has one school and the pager links on with the filters kept
    rows = [first.context["page"].object_list[0]["name"], second.context["page"].object_list[0]["name"]]
    assert len(first.context["page"].object_list) == 1 and set(rows) == {w.a1.name, w.a2.name}
    assert f"?by=unit&region={w.town_a.pk}&page=2" in html.unescape(first.content.decode())


def test_a_subtree_that_matches_nothing_gives_empty_figures_not_a_server_error(drills, as_user) -> None:  # noqa: F811
    # found by the API fuzz test: an unknown subtree made the day-by-day SQL count raise EmptyResultSet
    client = as_user("bureau_admin")
    response = client.get("/api/v1/compliance?subtree=-887090701447&by=unit")
    assert response.status_code == 200
    assert (response.json()["done"], response.json()["rows"]) == (0, [])
    assert client.get("/obligations/compliance/?subtree=-887090701447&by=unit").status_code == 200


def test_a_large_scope_is_not_ranked_unit_by_unit_but_drills_down(drills, as_user, monkeypatch) -> None:  # noqa: F811
    """Issue 18: at a city or a province (``reports.dashboard.large_scope``) a ranking per unit, person or
    department counted every occurrence of the scope to show a page; it opens on the regions (from the tally)
    and a region small enough opens its units."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anxiao.reports import dashboard

    w = drills
    monkeypatch.setattr(dashboard, "TALLY_LEVELS", ("province", "city", "county"))  # the county counts as large
    client = as_user("bureau_admin")
    for by in ("unit", "person", "department"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/obligations/compliance/?by={by}")
        # then the page says why and shows the regions, read from the tally: no occurrence is counted
        assert response.context["by"] == "region" and response.context["too_wide"] == by
        assert response.context["source"] == "tally" and "不逐校排名" in response.content.decode()
        assert not [q for q in ctx.captured_queries if "obligations_occurrence" in q["sql"]]
        assert client.get(f"/api/v1/compliance?by={by}").json()["by"] == "region"
    # and a town of it opens its schools
    response = client.get(f"/obligations/compliance/?by=unit&region={w.town_a.pk}")
    assert response.context["by"] == "unit" and not response.context["too_wide"]
    assert {r["name"] for r in response.context["page"].object_list} == {w.a1.name, w.a2.name}
