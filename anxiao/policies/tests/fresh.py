"""A fresh bureau for adoption tests: departments named unlike any seed, a school of every stage with every
school post kind (some with a bus, boarding or private), a district government with chiefs, member agencies."""

from __future__ import annotations

from types import SimpleNamespace

from anxiao.core.choices import BusService, PostKind, RegionLevel, Stage, UnitKind
from anxiao.org.models import Assignment, Person, Post, Region, Unit

# Local names on purpose: matching must go by what a department does, not by the seed's wording.
BUREAU_DEPARTMENTS = {
    "安全稳定科": ["security"], "综合办": ["office"], "组织人事科": ["personnel"], "计划财务科": ["finance"],
    "基建办": ["construction"], "基础教育科": ["basic_education"], "学前教育办": ["preschool"],
    "职成教科": ["vocational"], "督导室": ["inspectorate"], "招考办": ["admissions"], "机关党支部": ["party"],
    "卫生所": ["health"], "电教站": ["equipment"], "教研室": ["teacher_development"], "工会": ["union"],
    "纪检室": ["discipline"], "后勤服务中心": ["logistics"],
}
SCHOOL_DEPARTMENTS = ["政教处", "教导处", "总务处", "保卫科", "校长办公室", "人事办", "信息中心"]
SCHOOL_POST_KINDS = [
    PostKind.PRINCIPAL, PostKind.SCHOOL_PARTY_SECRETARY, PostKind.SAFETY_DEPUTY, PostKind.DEPUTY_PRINCIPAL,
    PostKind.HOMEROOM_TEACHER, PostKind.TEACHER, PostKind.SAFETY_OFFICER, PostKind.SECURITY_GUARD,
    PostKind.LEGAL_VICE_PRINCIPAL, PostKind.CANTEEN_STAFF, PostKind.DORMITORY_STAFF,
]
AGENCIES = ["区委宣传部", "区委政法委", "公安分局", "交警大队", "区财政局", "生态环境分局", "区住建局", "区交通运输局",
            "区文旅体育局", "区卫健委", "区应急管理局", "区市场监督管理局", "消防救援大队"]


def _post(unit: Unit, kind: str, title: str) -> Post:
    person = Person.objects.create(name=f"{unit.name[:4]}{title}", unit=unit)
    return Post.objects.create(unit=unit, kind=kind, title=title, holder=person)


def fresh_bureau() -> SimpleNamespace:
    w = SimpleNamespace(posts=[], schools={})
    province = Region.objects.create(name="新省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(name="新市", level=RegionLevel.CITY, parent=province)
    county = Region.objects.create(name="新区", level=RegionLevel.COUNTY, parent=city)
    town = Region.objects.create(name="新镇", level=RegionLevel.TOWN, parent=county)
    village = Region.objects.create(name="新村", level=RegionLevel.VILLAGE, parent=town)
    w.bureau = Unit.objects.create(name="新区教育局", kind=UnitKind.BUREAU, region=county)
    for kind, title in [(PostKind.BUREAU_PRINCIPAL, "局长"), (PostKind.BUREAU_SAFETY_LEADER, "分管副局长"),
                        (PostKind.BUREAU_LEADER, "副局长"), (PostKind.SUPERVISOR, "责任督学")]:
        w.posts.append(_post(w.bureau, kind, title))
    w.departments = {}
    for name, functions in BUREAU_DEPARTMENTS.items():
        dept = Unit.objects.create(name=name, kind=UnitKind.BUREAU_DEPARTMENT, region=county, parent=w.bureau,
                                   functions=functions)
        w.departments[name] = dept
        w.posts += [_post(dept, PostKind.BUREAU_DEPT_HEAD, "科长"), _post(dept, PostKind.BUREAU_DEPT_STAFF, "科员")]
    for stage in Stage.values:
        school = Unit.objects.create(
            name=f"新镇{Stage(stage).label!s}", kind=UnitKind.SCHOOL, region=town, stage=stage, supervising_unit=w.bureau,
            boarding=stage in (Stage.JUNIOR, Stage.SENIOR), bus=BusService.HIRES if stage == Stage.PRIMARY else "",
            is_private=stage == Stage.VOCATIONAL,
        )
        w.schools[stage] = school
        depts = {name: Unit.objects.create(name=name, kind=UnitKind.SCHOOL_DEPARTMENT, region=town, parent=school)
                 for name in SCHOOL_DEPARTMENTS}
        for dept in depts.values():
            w.posts.append(_post(dept, PostKind.SCHOOL_DEPT_HEAD, "主任"))
        for kind in SCHOOL_POST_KINDS:
            if kind == PostKind.LEGAL_VICE_PRINCIPAL and stage == Stage.SPECIAL:
                continue  # a school without a legal vice-principal: a gap to show, not a school forgotten
            # the safety officers sit in the school's security department (保卫科), as in most schools
            where = depts["保卫科"] if kind == PostKind.SAFETY_OFFICER else school
            w.posts.append(_post(where, kind, str(PostKind(kind).label)))
    # 包保: the security department's head and a bureau leader each look after one school
    by_title = {(p.unit_id, p.kind): p for p in w.posts}
    security_head = by_title[(w.departments["安全稳定科"].pk, PostKind.BUREAU_DEPT_HEAD)]
    leader = by_title[(w.bureau.pk, PostKind.BUREAU_LEADER)]
    Assignment.objects.create(holder_unit=security_head.unit, holder_post=security_head, target_unit=w.schools[Stage.PRIMARY])
    Assignment.objects.create(holder_unit=w.bureau, holder_post=leader, target_unit=w.schools[Stage.JUNIOR])
    w.government = Unit.objects.create(name="新区人民政府", kind=UnitKind.GOVERNMENT, region=county)
    w.town_government = Unit.objects.create(name="新镇人民政府", kind=UnitKind.GOVERNMENT, region=town)
    w.village_committee = Unit.objects.create(name="新村村委会", kind=UnitKind.GOVERNMENT, region=village)
    w.posts += [_post(w.government, PostKind.CHIEF_DISTRICT, "区长"), _post(w.town_government, PostKind.CHIEF_TOWN, "镇长"),
                _post(w.village_committee, PostKind.CHIEF_VILLAGE, "村主任")]
    w.agencies = {}
    for name in AGENCIES:
        agency = Unit.objects.create(name=name, kind=UnitKind.MEMBER_AGENCY, region=county, parent=w.government)
        w.agencies[name] = agency
        w.posts += [_post(agency, PostKind.AGENCY_MEMBER, "分管负责同志"), _post(agency, PostKind.AGENCY_LIAISON, "联络员")]
    return w
