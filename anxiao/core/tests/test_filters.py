"""Each record type's filters are declared once (core.filters.ListFilter) and bad filter input is handled one way:
a Chinese message naming the field and no rows on pages, a 422 naming the field in the API, never a 500."""

from __future__ import annotations

import pathlib
import re
from typing import Annotated

import pytest
from django.urls import reverse

from anxiao.core.filters import Bar, ListFilter

ROOT = pathlib.Path(__file__).resolve().parents[2]

# (list page url name, the filter it declares, an integer parameter of it, that parameter's label)
PAGES = [
    ("hazards:hazard_list", "anxiao.hazards.filters.HazardFilter", "unit", "单位"),
    ("hazards:hazard_rollup", "anxiao.hazards.filters.HazardFilter", "unit", "单位"),
    ("inspections:inspection_list", "anxiao.inspections.filters.InspectionFilter", "unit", "受检单位"),
    ("incidents:incident_list", "anxiao.incidents.filters.IncidentFilter", "unit", "单位"),
    ("drills:drill_list", "anxiao.drills.filters.DrillFilter", "school", "学校"),
    ("obligations:activity_list", "anxiao.obligations.filters.ActivityFilter", "unit", "单位"),
    ("chiefs:task_list", "anxiao.chiefs.filters.TaskFilter", "agency", "成员单位"),
    ("responsibility:letter_list", "anxiao.responsibility.filters.LetterFilter", "unit", "乙方单位"),
    ("org:person_list", "anxiao.org.filters.PersonFilter", "unit", "单位"),
    ("education:record_list", "anxiao.education.filters.RecordFilter", "school", "学校"),
]


def test_a_malformed_filter_is_one_field_error_and_selects_nothing(world):
    from anxiao.hazards.filters import HazardFilter
    from anxiao.hazards.models import Hazard

    f = HazardFilter.parse({"found_from": "2026-13-01", "status": "reported", "page": "2"})
    assert f.errors == {"found_from": "发现日期从：日期格式应为 YYYY-MM-DD"}
    assert f.status == "reported"
    assert f.apply(Hazard.objects.all()).query.is_empty()
    assert not HazardFilter.parse({"status": "reported"}).apply(Hazard.objects.all()).query.is_empty()
    assert HazardFilter.parse({"month": "2026-1"}).errors == {"month": "发现月份：格式不正确"}
    good = HazardFilter.parse({"month": "2026-11", "status": "", "q": "  "})
    assert good.errors == {} and good.month == "2026-11" and good.status is None and good.q is None
    assert good.described() == "发现月份：2026-11"


@pytest.mark.parametrize(("url_name", "declaration", "param", "label"), PAGES)
def test_every_list_page_answers_bad_filter_input_with_the_field_named(as_user, url_name, declaration, param, label):
    module, name = declaration.rsplit(".", 1)
    cls = getattr(__import__(module, fromlist=[name]), name)
    assert issubclass(cls, ListFilter) and cls.label(param) == label
    client = as_user("bureau_admin")
    response = client.get(reverse(url_name), {param: "abc"})
    assert response.status_code == 200
    assert f"{label}：应为整数" in response.content.decode()


def test_the_api_answers_bad_filter_input_with_a_422_naming_the_field(client, world):
    from anxiao.accounts.models import ApiToken

    _token, raw = ApiToken.issue(world.users["bureau_admin"])
    for url, param in [("/api/v1/hazards", "unit"), ("/api/v1/incidents", "unit"), ("/api/v1/drills", "school"),
                       ("/api/v1/letters", "unit"), ("/api/v1/people", "unit"), ("/api/v1/activities", "unit")]:
        response = client.get(url, {param: "abc"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 422, url
        assert response.json()["errors"] == [{"field": param, "message": "应为整数"}], url


def test_filters_are_declared_once_in_each_apps_filters_module():
    """No API module declares a list filter of its own, and no app keeps a private int/date parser for filters."""
    for api in (ROOT / "anxiao").glob("*/api.py"):
        text = api.read_text()
        # CoverageFilter (a week) and ComplianceFilter (a roll-up's dimensions) filter no list
        found = set(re.findall(r"class (\w+Filter)\(Schema\)", text)) - {"CoverageFilter", "ComplianceFilter",
                                                                        "LedgerFilter"}
        assert not found, f"{api}: {found} belong in the app's filters.py as a ListFilter"
    for module in (ROOT / "anxiao").glob("*/filters.py"):
        text = module.read_text()
        assert not re.search(r"^def _(int|date)\(", text, re.M), f"{module} parses filter values by hand"
        assert "(Schema)" not in text


class _Sample(ListFilter):
    unit: Annotated[int | None, Bar("单位", choices=lambda user: [(1, "一中"), (2, '<二中> & "三"')])] = None


def test_the_filter_bar_renders_a_select_s_options_in_one_piece():
    """A county's unit filter offers ~200 schools: its options are one escaped string made in Python (issue 18: the
    template loop over them was most of the fast county pages' own time), the same HTML the loop gave."""
    from django.template.loader import render_to_string

    bar = _Sample.parse({"unit": "2"}).bar(None)[0]
    assert bar["options_html"] == ('<option value="1">一中</option>'
                                   '<option value="2" selected>&lt;二中&gt; &amp; &quot;三&quot;</option>')
    html = render_to_string("core/_filter_bar.html", {"filter_bar": [bar]})
    assert bar["options_html"] in html and '<option value="">单位：全部</option>' in html
    template = (ROOT / "core/templates/core/_filter_bar.html").read_text()
    assert "in f.options %}" not in template  # no per-option template loop
