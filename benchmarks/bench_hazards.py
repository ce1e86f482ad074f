"""The hazard ledger at province scale (issue 5): 2 million hazards across 20,000 schools.

Targets: a county's ledger page (filtered, paginated) and the bureau's counts-by-status summary each under
150 ms with a fixed number of queries; creating a hazard from a failed inspection item under 50 ms.

The hazards are generated in the database (``INSERT … SELECT`` over ``generate_series``) when fewer than
``BENCH_HAZARDS`` (default 2,000,000) exist: a few minutes at most, and only once per database.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from anxiao.accounts.models import User
from anxiao.core.choices import Role
from anxiao.hazards.models import Hazard
from anxiao.org.models import Region, Unit

from .common import bench_user, measure

CHUNK = 250_000

# Status by weight, as in the demo county: most of three years' hazards are closed.
_GENERATE = """
INSERT INTO hazards_hazard (
    created_at, updated_at, void_reason, location, category, description, source, finder_name, found_at, grade,
    grade_basis, risk_colour, item_code, status, measures, responsible_department, funds_source, contingency_plan,
    temporary_measures, rejection_count, acceptance_note, upward_reason, upward_note, escalation_level,
    under_supervision, listed, void_request_reason, unit_id, deadline, rectified_at, accepted_at, closed_at,
    voided_at, reported_up_at)
SELECT now(), now(), CASE WHEN status = 'void' THEN '重复登记' ELSE '' END,
       (ARRAY['一号教学楼','食堂','操场','宿舍楼','实验楼','校门','配电房'])[1 + floor(r1 * 7)::int],
       cat, cat || ' 类检查项不符合要求（基准数据）',
       (ARRAY['inspection','inspection','patrol','patrol','staff_report','supervision','public'])[1 + floor(r2 * 7)::int],
       '基准', found,
       CASE WHEN r3 < 0.03 THEN 'major' ELSE 'general' END, '', '', cat || '-' || lpad((1 + floor(r2 * 12))::text, 2, '0'),
       status, CASE WHEN status IN ('reported','registered','graded') THEN '' ELSE '整改到位' END, '', '', '', '',
       0, CASE WHEN status IN ('accepted','closed') THEN '验收合格' ELSE '' END,
       CASE WHEN r4 < 0.005 AND status IN ('graded','rectifying') THEN 'funds' ELSE '' END, '',
       0, r3 < 0.003 AND status IN ('graded','rectifying'), r3 < 0.001 AND status IN ('graded','rectifying'), '',
       ids[1 + floor(r5 * array_length(ids, 1))::int],
       CASE WHEN status IN ('graded','rectifying','awaiting_acceptance') THEN current_date + (floor(r4 * 60) - 15)::int
            WHEN status IN ('accepted','closed') THEN (found + interval '15 days')::date END,
       CASE WHEN status IN ('awaiting_acceptance','accepted','closed') THEN found + interval '5 days' END,
       CASE WHEN status IN ('accepted','closed') THEN found + interval '6 days' END,
       CASE WHEN status = 'closed' THEN found + interval '6 days' END,
       CASE WHEN status = 'void' THEN found + interval '1 day' END,
       CASE WHEN r4 < 0.005 AND status IN ('graded','rectifying') THEN found + interval '3 days' END
FROM (
    SELECT r1, r2, r3, r4, r5, (ARRAY['GL','XF','XS','SP','SY','JT','NS','AB','WL','ZB','SS','HD','XL'])[1 + floor(r1 * 13)::int] AS cat,
           status,
           CASE WHEN status IN ('closed','void') THEN now() - r2 * interval '1095 days'
                ELSE now() - r2 * interval '120 days' END AS found
    FROM (
        SELECT r1, r2, r3, r4, r5,
               CASE WHEN s < 0.62 THEN 'closed' WHEN s < 0.66 THEN 'accepted' WHEN s < 0.72 THEN 'awaiting_acceptance'
                    WHEN s < 0.86 THEN 'rectifying' WHEN s < 0.90 THEN 'graded' WHEN s < 0.94 THEN 'registered'
                    WHEN s < 0.99 THEN 'reported' ELSE 'void' END AS status
        FROM (SELECT random() AS s, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
              FROM generate_series(1, %s)) AS r
    ) AS t
) AS h, (SELECT array_agg(id ORDER BY id) AS ids FROM org_unit WHERE kind = 'school') AS schools
"""


def ensure_hazards(wanted: int, report: Callable[[str], None]) -> None:
    have = Hazard.objects.count()
    if have >= wanted:
        report(f"hazards present: {have:,}")
        return
    started = time.perf_counter()
    left = wanted - have
    while left > 0:
        n = min(CHUNK, left)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_GENERATE, [n])
        left -= n
    with connection.cursor() as cursor:
        # Index-only scans need the visibility map; autovacuum sets it in production, here we do at once.
        cursor.execute("VACUUM ANALYZE hazards_hazard")
    report(f"generate {wanted - have:,} hazards across {Unit.objects.filter(kind='school').count():,} schools: "
           f"{time.perf_counter() - started:.1f} s")


def _page(client: Client, url: str) -> Callable[[], None]:
    def call() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def _fail_to_hazard(report: Callable[[str], None], bureau_user: User, school: Unit, repeat: int = 9) -> None:
    """A failed item becomes a hazard in one step, through the web action (POST) and the action itself."""
    from anxiao.inspections import actions as inspections
    from anxiao.inspections.models import Checklist

    if not Checklist.objects.filter(bureau__isnull=True).exists():
        inspections.load_checklist()
    inspection = inspections.start_inspection(bureau_user, unit=school, kind="bureau_supervision",
                                              inspecting_unit=school.supervising_unit, title="基准：失败项转隐患")
    codes = [i.code for i in inspections.applicable_items(inspection)][: 2 * repeat + 2]
    results = inspections.record_results(bureau_user, inspection, [
        {"item_code": c, "outcome": "fail", "note": "基准：不符合要求", "location": "一号教学楼"} for c in codes])
    client = Client()
    client.force_login(bureau_user)
    via_view, via_action = [], []
    for n, result in enumerate(results[1:2 * repeat + 1]):
        started = time.perf_counter()
        if n % 2 == 0:
            response = client.post(f"/inspections/results/{result.pk}/hazard/", {"location": "一号教学楼"})
            assert response.status_code == 302, response.status_code
            via_view.append((time.perf_counter() - started) * 1000)
        else:
            inspections.fail_to_hazard(bureau_user, result)
            via_action.append((time.perf_counter() - started) * 1000)
    for label, times in (("POST result → hazard (web, incl. redirect)", via_view),
                         ("fail_to_hazard action", via_action)):
        report(f"create a hazard from a failed item, {label}: median {statistics.median(times):.1f} ms "
               f"(min {min(times):.1f}, n={len(times)})")


def run(report: Callable[[str], None]) -> None:
    ensure_hazards(int(os.environ.get("BENCH_HAZARDS", "2000000")), report)
    counties = Region.objects.filter(level="county", name__startswith="基准").order_by("id")
    county = counties[min(5, counties.count() - 1)]
    province = Region.objects.get(level="province", name="基准省")
    bureau_user = bench_user("bench_bureau", Role.BUREAU_ADMIN, county)
    provincial = bench_user("bench_province", Role.BUREAU_VIEWER, province)
    in_county = Hazard.objects.visible_to(bureau_user).count()
    report(f"hazards in the measured county: {in_county:,}")
    month = timezone.localdate().strftime("%Y-%m")
    county_client, province_client = Client(), Client()
    county_client.force_login(bureau_user)
    province_client.force_login(provincial)
    for label, client, url, repeat in [
        ("county ledger page 1 (no filter)", county_client, "/hazards/", 11),
        ("county ledger, status=rectifying", county_client, "/hazards/?status=rectifying", 11),
        ("county ledger, overdue only", county_client, "/hazards/?overdue=1", 11),
        ("county ledger, major + fire category", county_client, "/hazards/?grade=major&category=XF", 11),
        ("county ledger, found this month", county_client, f"/hazards/?month={month}", 11),
        ("county ledger, page 40 (deep)", county_client, "/hazards/?page=40", 11),
        ("county summary: counts by status + per school (rollup page)", county_client, "/hazards/rollup/", 11),
        ("county API list, limit 50", county_client, "/api/v1/hazards?limit=50", 11),
        ("province ledger page 1 (2M hazards)", province_client, "/hazards/", 3),
        ("province counts by status (API, 2M hazards)", province_client, "/api/v1/hazards/counts", 3),
        ("province ledger, overdue only", province_client, "/hazards/?overdue=1", 3),
        ("province summary (rollup page)", province_client, "/hazards/rollup/", 3),
    ]:
        measure(label, _page(client, url), report, repeat=repeat)
    school = Unit.objects.filter(kind="school", region_path__startswith=county.path).order_by("id").first()
    assert school is not None and school.supervising_unit_id
    _fail_to_hazard(report, bureau_user, school)
