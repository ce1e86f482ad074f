#!/usr/bin/env python3
"""Stand-alone sanity check for checklist_national.yaml (python3 stdlib + PyYAML).

Usage: python anxiao/inspections/data/check_checklist.py [path/to/checklist.yaml]
Exits non-zero (AssertionError) if the data disagrees with domain/rules.md §4.
"""
import sys
from collections import Counter
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("checklist_national.yaml")

EXPECTED_COUNTS = {
    "GL": 14, "XF": 18, "XS": 13, "SP": 11, "SY": 8, "JT": 12, "NS": 6,
    "AB": 13, "WL": 6, "ZB": 6, "SS": 8, "HD": 5, "XL": 9,
}
# 重大(G): 判定指南 direct items
MAJOR_VERIFIED = {f"XF-{n:02d}" for n in range(1, 11)}
# 重大(S): suggested major, basis still to be checked
MAJOR_UNVERIFIED = {
    "XS-01", "XS-02", "XS-04", "SP-01", "SY-03", "SY-04", "JT-01", "JT-02", "JT-03",
}
# The note under the §4 tables lists 7 conditional items. The XF-11 table row
# ("一般（人员密集场所整体封闭时升为重大）") is also conditional but is missing from
# that note — rules.md disagrees with itself here, and the table row wins.
MAJOR_IF = {"XS-05", "XS-11", "SP-06", "JT-04", "ZB-04", "ZB-06", "HD-03", "XF-11"}

GRADES = {"general", "major", "major_if"}
FREQUENCIES = {"day", "week", "half_month", "month", "term", "year", "event"}
STAGES = {  # docs/vocabulary.md "School stages"
    "kindergarten", "primary", "junior", "senior", "nine_year", "twelve_year",
    "vocational", "special",
}


def check(path):
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    assert data["code"] == "national", data["code"]
    assert isinstance(data["version"], int)

    cats = data["categories"]
    cat_codes = [c["code"] for c in cats]
    assert len(cats) == 13, len(cats)
    assert len(set(cat_codes)) == 13, "duplicate category codes"
    assert set(cat_codes) == set(EXPECTED_COUNTS), set(cat_codes) ^ set(EXPECTED_COUNTS)
    assert sorted(c["order"] for c in cats) == list(range(1, 14))

    items = data["items"]
    codes = [i["code"] for i in items]
    assert len(items) == 129, len(items)
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    assert not dupes, f"duplicate item codes: {dupes}"

    counts = Counter(i["category"] for i in items)
    assert dict(counts) == EXPECTED_COUNTS, dict(counts)

    for i in items:
        code = i["code"]
        assert code.split("-")[0] == i["category"], code
        assert i["text"] and i["source"], code
        assert i["grade"] in GRADES, (code, i["grade"])
        assert i["frequency"] in FREQUENCIES, (code, i["frequency"])
        assert isinstance(i["basis_verified"], bool), code
        if i["grade"] == "general":
            assert i["major_basis"] is None, code
            assert i["basis_verified"] is True, code
        else:
            assert i["major_basis"], code
        a = i["applies"]
        assert set(a) == {"stages_exclude", "boarding_only", "school_bus_only", "lab_only"}, code
        assert set(a["stages_exclude"]) <= STAGES, (code, a["stages_exclude"])
        for flag in ("boarding_only", "school_bus_only", "lab_only"):
            assert isinstance(a[flag], bool), (code, flag)

    major_v = {i["code"] for i in items if i["grade"] == "major" and i["basis_verified"]}
    major_u = {i["code"] for i in items if i["grade"] == "major" and not i["basis_verified"]}
    major_if = {i["code"] for i in items if i["grade"] == "major_if"}
    assert major_v == MAJOR_VERIFIED, major_v ^ MAJOR_VERIFIED
    assert major_u == MAJOR_UNVERIFIED, major_u ^ MAJOR_UNVERIFIED
    assert major_if == MAJOR_IF, major_if ^ MAJOR_IF

    # Applicability notes in rules.md §4: SY not for kindergartens; SS only for boarding schools.
    for i in items:
        if i["category"] == "SY":
            assert "kindergarten" in i["applies"]["stages_exclude"], i["code"]
        if i["category"] == "SS":
            assert i["applies"]["boarding_only"], i["code"]

    return counts, len(major_v), len(major_u), len(major_if)


if __name__ == "__main__":
    counts, n_v, n_u, n_if = check(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PATH)
    print("OK: 129 items, 13 categories:",
          ", ".join(f"{c} {counts[c]}" for c in EXPECTED_COUNTS))
    print(f"    major verified {n_v}, major unverified {n_u}, major_if {n_if}")
