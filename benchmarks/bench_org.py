"""Organisation and access at province scale: scoped lists a bureau and a principal open every day."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from anxiao.core.choices import Role
from anxiao.org.models import Region, Unit

from .common import bench_user, measure


def run(report: Callable[[str], None]) -> None:
    county = Region.objects.filter(level="county", name__startswith="基准").order_by("id")[5]
    province = Region.objects.get(level="province", name="基准省")
    school = Unit.objects.filter(kind="school", region_path__startswith=county.path).first()
    assert school is not None
    bureau = bench_user("bench_bureau", Role.BUREAU_ADMIN, county)
    provincial = bench_user("bench_province", Role.BUREAU_VIEWER, province)
    principal = bench_user("bench_principal", Role.SCHOOL_ADMIN, unit=school)
    for label, user, url in [
        ("county unit list page (bureau admin, 200 schools)", bureau, "/org/units/?kind=school"),
        ("province unit list page (all schools, paginated)", provincial, "/org/units/?kind=school"),
        ("unit list page with pinyin search (province)", provincial, "/org/units/?q=jz"),
        ("principal's unit list page", principal, "/org/units/"),
        ("API units list, county, limit 50", bureau, "/api/v1/units?kind=school&limit=50"),
    ]:
        client = Client()
        client.force_login(user)

        def call(client: Client = client, url: str = url) -> None:
            assert client.get(url).status_code == 200

        measure(label, call, report)
    measure("count visible schools (province viewer)",
            lambda: Unit.objects.visible_to(provincial).filter(kind="school").count(), report)
