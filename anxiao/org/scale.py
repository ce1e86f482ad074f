"""Province-scale data set for benchmarks: bulk inserts with ids and tree paths computed up front."""

from __future__ import annotations

from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from anxiao.core.choices import PostKind, RegionLevel, Stage, UnitKind
from anxiao.core.demo import DemoContext
from anxiao.core.text import pinyin_key

from .models import Person, Post, Region, Unit

STAGES = [Stage.PRIMARY] * 5 + [Stage.KINDERGARTEN] * 3 + [Stage.JUNIOR] * 2 + [Stage.SENIOR, Stage.NINE_YEAR]
BATCH = 5000


class _Ids:
    def __init__(self, model: Any) -> None:
        self.next = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def _flush(model: Any, rows: list[Any]) -> None:
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()


def build_province(ctx: DemoContext) -> None:
    n = ctx.scale
    rid, uid, pid, postid = _Ids(Region), _Ids(Unit), _Ids(Person), _Ids(Post)
    regions: list[Region] = []
    units: list[Unit] = []
    people: list[Person] = []
    posts: list[Post] = []
    pinyin_cache: dict[str, str] = {}

    def py(name: str) -> str:
        if name not in pinyin_cache:
            pinyin_cache[name] = pinyin_key(name)
        return pinyin_cache[name]

    def region(name: str, level: str, parent: Region | None) -> Region:
        r = Region(id=rid.take(), name=name, level=level, parent=parent, pinyin=py(name))
        r.path = (parent.path if parent else "/") + f"{r.id}/"
        regions.append(r)
        return r

    def unit(name: str, kind: str, reg: Region, parent: Unit | None = None, **kw: Any) -> Unit:
        u = Unit(id=uid.take(), name=name, kind=kind, region=reg, parent=parent, region_path=reg.path,
                 pinyin=py(name), **kw)
        u.path = (parent.path if parent else "/") + f"{u.id}/"
        units.append(u)
        return u

    def staffed(u: Unit, kind: str, title: str) -> None:
        p = Person(id=pid.take(), name=ctx.person_name() if len(ctx._used_names) < 30000 else f"职工{pid.next}",
                   unit=u, mobile=None)
        p.pinyin = py(p.name)
        people.append(p)
        posts.append(Post(id=postid.take(), unit=u, kind=kind, title=title, holder_id=p.id))

    counties_per_city = 10
    schools_per_county = 200
    n_counties = max(1, -(-n // schools_per_county))
    n_cities = max(1, -(-n_counties // counties_per_city))
    with transaction.atomic():
        province = region("基准省", RegionLevel.PROVINCE, None)
        made = 0
        for c in range(n_cities):
            city = region(f"基准{c + 1}市", RegionLevel.CITY, province)
            for k in range(counties_per_city):
                if made >= n:
                    break
                county = region(f"基准{c + 1}市{k + 1}县", RegionLevel.COUNTY, city)
                towns = [region(f"{county.name}{t + 1}镇", RegionLevel.TOWN, county) for t in range(8)]
                bureau = unit(f"{county.name}教育局", UnitKind.BUREAU, county)
                office = unit("基础教育与安全保卫股", UnitKind.BUREAU_DEPARTMENT, county, parent=bureau)
                staffed(bureau, PostKind.BUREAU_PRINCIPAL, "局长")
                staffed(bureau, PostKind.BUREAU_SAFETY_LEADER, "分管安全副局长")
                staffed(office, PostKind.BUREAU_DEPT_HEAD, "股长")
                for s in range(min(schools_per_county, n - made)):
                    stage = STAGES[s % len(STAGES)]
                    school = unit(f"{county.name}第{s + 1}学校", UnitKind.SCHOOL, towns[s % 8], stage=stage,
                                  boarding=s % 5 == 0, supervising_unit=bureau)
                    staffed(school, PostKind.PRINCIPAL, "校长")
                    staffed(school, PostKind.SAFETY_DEPUTY, "分管安全副校长")
                    staffed(school, PostKind.SAFETY_OFFICER, "安全员")
                    staffed(school, PostKind.HOMEROOM_TEACHER, "班主任")
                    made += 1
                    if len(people) >= BATCH:
                        _flush(Region, regions)
                        _flush(Unit, units)
                        _flush(Person, people)
                        _flush(Post, posts)
        for model, rows in ((Region, regions), (Unit, units), (Person, people), (Post, posts)):
            _flush(model, rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Region, Unit, Person, Post]):
                cursor.execute(sql)
    ctx.data["scale_schools"] = made
    ctx.say(f"组织机构：{made} 所学校，{n_counties} 个县，{Person.objects.count()} 人。")
