"""The demo county 临溪县 (synthetic): bureau with the 13 departments of seed 000, leadership group,
8 towns, 44 schools of every stage, ~800 people with posts, 包保 assignments and persona accounts.
"""

from __future__ import annotations

from typing import Any

from anxiao.core.choices import PostKind, RegionLevel, Role, Stage, UnitKind
from anxiao.core.demo import DemoContext

from .models import (
    Assignment,
    AssignmentKind,
    Group,
    GroupMember,
    GroupRole,
    Person,
    Post,
    PostTenure,
    Region,
    Unit,
)

BUREAU_DEPARTMENTS = [  # seed 000 三.1–三.13
    "基础教育与安全保卫股", "办公室", "人事与师资管理股", "基建财务股", "职业教育与终身教育股", "教育督导室",
    "招生考试股", "机关党委", "教育卫生保健所", "教育装备中心", "教师发展中心", "教育工会", "纪检组",
]
TOWNS = [
    ("城关镇", ["城东社区", "城西社区"]), ("东岭镇", ["东岭村", "茶山村"]), ("西河镇", ["西河村", "柳湾村"]),
    ("南湖镇", ["南湖社区", "荷塘村"]), ("北山镇", ["北山村", "松林村"]), ("清水镇", ["清水村", "石桥村"]),
    ("白石镇", ["白石村", "青岗村"]), ("桃源街道", ["桃源社区", "杏林社区"]),
]
# (name, stage, boarding, town index, students)
COUNTY_SCHOOLS = [
    ("临溪县第一中学", Stage.SENIOR, True, 0, 2860), ("临溪县第二中学", Stage.SENIOR, True, 1, 1720),
    ("临溪县职业技术学校", Stage.VOCATIONAL, True, 7, 1350), ("临溪县特殊教育学校", Stage.SPECIAL, True, 0, 140),
    ("临溪县实验学校", Stage.NINE_YEAR, False, 7, 1980), ("临溪县外国语学校", Stage.TWELVE_YEAR, True, 7, 2400),
    ("临溪县实验幼儿园", Stage.KINDERGARTEN, False, 0, 420), ("新华中学", Stage.JUNIOR, False, 0, 1100),
]
SCHOOL_DEPARTMENTS = ["办公室", "教务处", "德育处", "总务处", "安保处"]
KINDERGARTEN_DEPARTMENTS = ["保教处", "后勤处"]


def _person(ctx: DemoContext, unit: Unit, gender: str | None = None) -> Person:
    return Person.objects.create(
        name=ctx.person_name(), unit=unit, mobile=ctx.mobile(),
        gender=gender or ctx.rng.choice([Person.Gender.MALE, Person.Gender.FEMALE]),
    )


def _post(ctx: DemoContext, unit: Unit, kind: str, title: str, holder: Person | None = None,
          class_name: str = "", vacant: bool = False) -> Post:
    if holder is None and not vacant:
        holder = _person(ctx, unit if unit.kind in (UnitKind.SCHOOL, UnitKind.BUREAU) else (unit.parent or unit))
    post = Post.objects.create(unit=unit, kind=kind, title=title, holder=holder, class_name=class_name)
    if holder is not None:
        start = ctx.today.replace(year=ctx.today.year - ctx.rng.randint(1, 6), month=ctx.rng.choice([2, 8, 9]), day=1)
        PostTenure.objects.create(post=post, person=holder, started_on=start)
    return post


def _regions() -> tuple[Region, Region, Region, list[Region]]:
    province = Region.objects.create(name="江南省", level=RegionLevel.PROVINCE, code="990000")
    city = Region.objects.create(name="青川市", level=RegionLevel.CITY, parent=province, code="990100")
    county = Region.objects.create(name="临溪县", level=RegionLevel.COUNTY, parent=city, code="990121")
    towns = []
    for i, (town_name, villages) in enumerate(TOWNS, start=1):
        town = Region.objects.create(name=town_name, level=RegionLevel.TOWN, parent=county, code=f"990121{i:03d}")
        for j, v in enumerate(villages, start=1):
            Region.objects.create(name=v, level=RegionLevel.VILLAGE, parent=town, code=f"990121{i:03d}{j:03d}")
        towns.append(town)
    return province, city, county, towns


def _bureau(ctx: DemoContext, county: Region) -> dict[str, Any]:
    bureau = Unit.objects.create(name="临溪县教育局", short_name="县教育局", kind=UnitKind.BUREAU, region=county,
                                 code="B990121", phone="0750-5550100")
    depts = {name: Unit.objects.create(name=name, kind=UnitKind.BUREAU_DEPARTMENT, region=county, parent=bureau,
                                       code=f"B990121-{i:02d}")
             for i, name in enumerate(BUREAU_DEPARTMENTS, start=1)}
    principal = _post(ctx, bureau, PostKind.BUREAU_PRINCIPAL, "局长")
    secretary = _post(ctx, bureau, PostKind.BUREAU_PRINCIPAL, "党组书记")
    safety_leader = _post(ctx, bureau, PostKind.BUREAU_SAFETY_LEADER, "分管安全副局长")
    leaders = [_post(ctx, bureau, PostKind.BUREAU_LEADER, t) for t in ("副局长", "副局长", "纪检组长")]
    heads: dict[str, Post] = {}
    staff: dict[str, list[Post]] = {}
    for name, dept in depts.items():
        heads[name] = _post(ctx, dept, PostKind.BUREAU_DEPT_HEAD, "股长" if name.endswith("股") else "负责人",
                            holder=_person(ctx, dept))
        staff[name] = [_post(ctx, dept, PostKind.BUREAU_DEPT_STAFF, "工作人员", holder=_person(ctx, dept))
                       for _ in range(2 if name == "基础教育与安全保卫股" else ctx.rng.randint(1, 2))]
    supervisors = [_post(ctx, depts["教育督导室"], PostKind.SUPERVISOR, "责任督学", holder=_person(ctx, depts["教育督导室"]))
                   for _ in range(4)]
    group = Group.objects.create(unit=bureau, name="临溪县教育局安全工作领导小组", office_unit=depts["基础教育与安全保卫股"],
                                 office_name="安全办", purpose="统筹全县教育系统安全工作；办公室设在基础教育与安全保卫股（seed 000 一）。")
    GroupMember.objects.create(group=group, post=principal, role=GroupRole.LEADER)
    for p in [secretary, safety_leader, *leaders, heads["基础教育与安全保卫股"]]:
        GroupMember.objects.create(group=group, post=p, role=GroupRole.DEPUTY)
    for name, p in heads.items():
        if name != "基础教育与安全保卫股":
            GroupMember.objects.create(group=group, post=p, role=GroupRole.MEMBER)
    GroupMember.objects.create(group=group, post=staff["基础教育与安全保卫股"][0], role=GroupRole.OFFICE_DIRECTOR)
    return {"bureau": bureau, "departments": depts, "principal": principal, "secretary": secretary,
            "safety_leader": safety_leader, "leaders": leaders, "dept_heads": heads, "dept_staff": staff,
            "supervisors": supervisors, "group": group}


def _school_list(towns: list[Region]) -> list[tuple[str, str, bool, Region, int]]:
    schools: list[tuple[str, str, bool, Region, int]] = [(n, s, b, towns[t], size) for n, s, b, t, size in COUNTY_SCHOOLS]
    for i, town in enumerate(towns):
        base = town.name.replace("街道", "").replace("镇", "")
        schools += [
            (f"{base}镇中心小学" if "街道" not in town.name else f"{base}中心小学", Stage.PRIMARY, False, town, 900 + 60 * i),
            (f"{base}第二小学", Stage.PRIMARY, i % 3 == 1, town, 420 + 35 * i),
            (f"{base}中学", Stage.JUNIOR, i % 2 == 1, town, 760 + 45 * i),
            (f"{base}中心幼儿园", Stage.KINDERGARTEN, False, town, 180 + 20 * i),
        ]
        if i in (0, 3, 5, 7):
            schools.append((f"{base}阳光幼儿园", Stage.KINDERGARTEN, False, town, 150 + 10 * i))
    return schools


def _school(ctx: DemoContext, bureau: Unit, name: str, stage: str, boarding: bool, town: Region, students: int,
            number: int) -> dict[str, Any]:
    kindergarten = stage == Stage.KINDERGARTEN
    school = Unit.objects.create(
        name=name, kind=UnitKind.SCHOOL, region=town, supervising_unit=bureau, stage=stage, boarding=boarding,
        code=f"S990121{number:03d}", campuses=2 if students > 2500 else 1,
        address=f"临溪县{town.name}{ctx.rng.choice(['学府路', '育才路', '文昌街', '建设路'])}{ctx.rng.randint(1, 99)}号",
        phone=f"0750-55{ctx.rng.randint(10000, 99999)}",
    )
    head = "园长" if kindergarten else "校长"
    posts: dict[str, Any] = {"school": school, "students": students}
    posts["principal"] = _post(ctx, school, PostKind.PRINCIPAL, head)
    if students >= 1000:
        posts["secretary"] = _post(ctx, school, PostKind.SCHOOL_PARTY_SECRETARY, "党总支书记")
    posts["safety_deputy"] = _post(ctx, school, PostKind.SAFETY_DEPUTY, f"分管安全副{head}")
    if students >= 600:
        _post(ctx, school, PostKind.DEPUTY_PRINCIPAL, f"副{head}")
    depts = {}
    for d in KINDERGARTEN_DEPARTMENTS if kindergarten else SCHOOL_DEPARTMENTS:
        depts[d] = Unit.objects.create(name=d, kind=UnitKind.SCHOOL_DEPARTMENT, region=town, parent=school)
        if students >= 500 or d in ("安保处", "后勤处"):
            _post(ctx, depts[d], PostKind.SCHOOL_DEPT_HEAD, "主任", holder=_person(ctx, school))
    security = depts.get("安保处") or depts.get("后勤处") or school
    posts["safety_officers"] = [
        _post(ctx, security, PostKind.SAFETY_OFFICER, "安全员", holder=_person(ctx, school))
        for _ in range(2 if students >= 1000 else 1)
    ]
    # Some schools are short of guards on purpose: the staffing rules should show it.
    guards_needed = 2 if students < 500 else 4 + 2 * max(0, -(-(students - 1000) // 500))
    guards = max(1, guards_needed - ctx.rng.choice([0, 0, 0, 1, 2]))
    posts["guards"] = [_post(ctx, school, PostKind.SECURITY_GUARD, "保安员", holder=_person(ctx, school, "m"))
                       for _ in range(min(guards, 6))]
    grade_names: dict[str, list[str]] = {
        Stage.PRIMARY: ["一年级", "三年级", "五年级"], Stage.JUNIOR: ["七年级", "八年级", "九年级"],
        Stage.SENIOR: ["高一", "高二", "高三"], Stage.VOCATIONAL: ["2024级", "2025级", "2026级"],
        Stage.SPECIAL: ["启智一班", "启智二班"], Stage.NINE_YEAR: ["三年级", "六年级", "八年级"],
        Stage.TWELVE_YEAR: ["四年级", "八年级", "高二"],
    }
    grades = ["小班", "中班", "大班"] if kindergarten else grade_names[stage]
    classes = min(6, max(2, students // 250))
    homerooms = []
    for i in range(classes):
        grade = grades[i % len(grades)]
        class_name = grade if kindergarten or stage == Stage.SPECIAL else f"{grade}（{i // len(grades) + 1}）班"
        if kindergarten:
            class_name = f"{grade}{'一二三'[i // len(grades) % 3]}班"
        # One class in a few schools has no homeroom teacher recorded: a vacant post.
        vacant = i == classes - 1 and number % 9 == 4
        homerooms.append(_post(ctx, school, PostKind.HOMEROOM_TEACHER, "班主任", class_name=class_name, vacant=vacant))
    posts["homerooms"] = homerooms
    posts["teachers"] = [_post(ctx, school, PostKind.TEACHER, "教师") for _ in range(ctx.rng.randint(1, 2))]
    if not kindergarten:
        posts["legal_vp"] = _post(ctx, school, PostKind.LEGAL_VICE_PRINCIPAL, "法治副校长（派出所民警）")
    posts["departments"] = depts
    return posts


def _assignments(ctx: DemoContext, b: dict[str, Any], schools: list[dict[str, Any]], county: Region) -> None:
    start = ctx.today.replace(month=1, day=1)
    leaders = [b["safety_leader"], *b["leaders"], b["secretary"]]
    heads = list(b["dept_heads"].values())
    for i, s in enumerate(schools):
        school = s["school"]
        # Two schools have no 包保 leader and three no 责任督学: the coverage views must show it.
        if i not in (17, 33):
            leader = leaders[i % len(leaders)]
            Assignment.objects.create(kind=AssignmentKind.BAOBAO, holder_post=leader, holder_unit=leader.unit,
                                      target_unit=school, started_on=start)
        head = heads[i % len(heads)]
        Assignment.objects.create(kind=AssignmentKind.BAOBAO, holder_post=head, holder_unit=head.unit,
                                  target_unit=school, started_on=start, note="股室包保")
        if i not in (5, 21, 40):
            sup = b["supervisors"][i % len(b["supervisors"])]
            Assignment.objects.create(kind=AssignmentKind.SUPERVISION, holder_post=sup, holder_unit=sup.unit,
                                      target_unit=school, started_on=start)
    for i, town in enumerate(county.children.order_by("code")):
        leader = leaders[i % len(leaders)]
        Assignment.objects.create(kind=AssignmentKind.GUADIAN, holder_post=leader, holder_unit=leader.unit,
                                  target_region=town, started_on=start, note="挂点联系镇街")


def account(ctx: DemoContext, username: str, persona: str, sees: str, person: Person | None, role: str,
             region: Region | None = None, unit: Unit | None = None) -> None:
    from anxiao.accounts import actions
    from anxiao.accounts.models import User

    user = User(username=username, person=person, first_name=persona, email=f"{username}@demo.anxiao.invalid",
                is_superuser=role == Role.SYSTEM_ADMIN, is_staff=role == Role.SYSTEM_ADMIN)
    user.set_password(ctx.password)
    user.save()
    actions.grant(None, user, role, region=region, unit=unit)  # the same grant rules as live use
    ctx.logins.append((persona, username, sees))


def _accounts(ctx: DemoContext, b: dict[str, Any], schools: list[dict[str, Any]], county: Region) -> None:
    main = next(s for s in schools if s["school"].name == "城关镇中心小学")
    kg = next(s for s in schools if s["school"].name == "城关中心幼儿园")
    account(ctx, "admin", "系统管理员", "全部数据", None, Role.SYSTEM_ADMIN)
    account(ctx, "anquanban", "教育局安全办工作人员", "临溪县全部学校（可管理）",
             b["dept_staff"]["基础教育与安全保卫股"][0].holder, Role.BUREAU_ADMIN, region=county)
    account(ctx, "juzhang", "教育局局长（主要负责人）", "临溪县全部学校（查看）", b["principal"].holder,
             Role.BUREAU_VIEWER, region=county)
    account(ctx, "fenguan", "分管安全副局长", "临溪县全部学校（可管理）", b["safety_leader"].holder,
             Role.BUREAU_ADMIN, region=county)
    account(ctx, "gushi", "股室负责人（教育卫生保健所）", "临溪县全部学校（查看）",
             b["dept_heads"]["教育卫生保健所"].holder, Role.BUREAU_VIEWER, region=county)
    account(ctx, "duxue", "责任督学", "临溪县全部学校（查看）", b["supervisors"][0].holder, Role.BUREAU_VIEWER,
             region=county)
    school = main["school"]
    account(ctx, "xiaozhang", "校长（第一责任人）", f"{school.name}（可管理）", main["principal"].holder,
             Role.SCHOOL_ADMIN, unit=school)
    account(ctx, "fuxiaozhang", "分管安全副校长（直接责任人）", f"{school.name}（可管理）",
             main["safety_deputy"].holder, Role.SCHOOL_ADMIN, unit=school)
    account(ctx, "anquanyuan", "学校安全员", f"{school.name}（可管理）", main["safety_officers"][0].holder,
             Role.SCHOOL_ADMIN, unit=school)
    account(ctx, "banzhuren", "班主任", f"{school.name}（本人事项）", main["homerooms"][0].holder,
             Role.SCHOOL_MEMBER, unit=school)
    account(ctx, "baoan", "保安员", f"{school.name}（本人事项）", main["guards"][0].holder, Role.SCHOOL_MEMBER,
             unit=school)
    account(ctx, "yuanzhang", "幼儿园园长", f"{kg['school'].name}（可管理）", kg["principal"].holder,
             Role.SCHOOL_ADMIN, unit=kg["school"])


def build(ctx: DemoContext) -> None:
    province, city, county, towns = _regions()
    b = _bureau(ctx, county)
    schools = [
        _school(ctx, b["bureau"], name, stage, boarding, town, students, number)
        for number, (name, stage, boarding, town, students) in enumerate(_school_list(towns), start=1)
    ]
    _assignments(ctx, b, schools, county)
    _accounts(ctx, b, schools, county)
    ctx.data.update({"province": province, "city": city, "county": county, "towns": towns, "bureau_parts": b,
                     "bureau": b["bureau"], "schools": schools})
    ctx.say(f"组织机构：{len(schools)} 所学校，{Person.objects.count()} 人，{Post.objects.count()} 个岗位。")


def build_scale(ctx: DemoContext) -> None:
    from .scale import build_province

    build_province(ctx)
