"""The demo county 临溪县 as a district of seed 004: three-level chiefs, the 16 member agencies, a year of
meetings (one month missing in 东岭镇), tasks in every state, and gate duty at every school.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from anxiao.core.choices import PostKind, RegionLevel, Role, UnitKind
from anxiao.core.demo import DemoContext
from anxiao.org.models import Person, Post, PostTenure, Region, Unit

from . import actions
from .duties import AGENCIES
from .models import DutyRole, GateDuty, MeetingKind, MemberAgency

MISSING_TOWN = "东岭镇"  # its monthly meeting three months ago was never held: the chief's page shows it


def _person(ctx: DemoContext, unit: Unit) -> Person:
    return Person.objects.create(name=ctx.person_name(), unit=unit, mobile=ctx.mobile(),
                                 gender=ctx.rng.choice([Person.Gender.MALE, Person.Gender.FEMALE]))


def _post(ctx: DemoContext, unit: Unit, kind: str, title: str) -> Post:
    holder = _person(ctx, unit)
    post = Post.objects.create(unit=unit, kind=kind, title=title, holder=holder)
    PostTenure.objects.create(post=post, person=holder, started_on=ctx.today.replace(year=ctx.today.year - 2, day=1))
    return post


def _governments(ctx: DemoContext, county: Region, towns: list[Region]) -> dict[str, Any]:
    gov = Unit.objects.create(name=f"{county.name}人民政府", short_name="县政府", kind=UnitKind.GOVERNMENT, region=county)
    district_chief = _post(ctx, gov, PostKind.CHIEF_DISTRICT, "县长（县级安全总校长）")
    town_govs: dict[int, Unit] = {}
    town_chiefs: dict[int, Post] = {}
    village_chiefs: list[Post] = []
    for town in towns:
        street = town.name.endswith("街道")
        unit = Unit.objects.create(name=f"{town.name}{'办事处' if street else '人民政府'}", kind=UnitKind.GOVERNMENT,
                                   region=town)
        town_govs[town.pk] = unit
        town_chiefs[town.pk] = _post(ctx, unit, PostKind.CHIEF_TOWN,
                                     f"{'街道办主任' if street else '镇长'}（镇级安全总校长）")
        for village in town.children.filter(level=RegionLevel.VILLAGE).order_by("code")[:2]:
            community = village.name.endswith("社区")
            committee = Unit.objects.create(name=f"{village.name}{'居民委员会' if community else '村民委员会'}",
                                            kind=UnitKind.GOVERNMENT, region=village)
            village_chiefs.append(_post(ctx, committee, PostKind.CHIEF_VILLAGE,
                                        f"{'居委会' if community else '村委会'}主任（村级安全总校长）"))
    return {"government": gov, "district_chief": district_chief, "town_govs": town_govs,
            "town_chiefs": town_chiefs, "village_chiefs": village_chiefs}


def _agencies(ctx: DemoContext, county: Region, gov: Unit) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    prefix = county.name.replace("县", "")
    for order, (key, name, short) in enumerate(AGENCIES, start=1):
        full = name.replace("区", "县", 1) if name.startswith("区") else (
            f"{prefix}{name}" if name in ("公安分局", "交警大队", "生态环境局", "消防救援大队") else name)
        full = full.replace("（成员单位）", "")
        unit = Unit.objects.create(name=full, short_name=short, kind=UnitKind.MEMBER_AGENCY, region=county,
                                   parent=gov)
        agency = MemberAgency.objects.create(unit=unit, district=gov, duty_list=key, order=order)
        member = _post(ctx, unit, PostKind.AGENCY_MEMBER, "分管负责同志（成员）")
        liaison = _post(ctx, unit, PostKind.AGENCY_LIAISON, "业务股室负责人（联络员）")
        out[key.rsplit(".", 1)[-1]] = {"unit": unit, "agency": agency, "member": member, "liaison": liaison}
    return out


def _months_back(today: datetime.date, n: int) -> list[datetime.date]:
    """The 10th of each of the last n months, oldest first (this month only if the 10th has passed)."""
    days = []
    y, m = today.year, today.month
    for _ in range(n):
        day = datetime.date(y, m, 10)
        if day <= today:
            days.append(day)
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(days))


def _meetings(ctx: DemoContext, g: dict[str, Any], agencies: dict[str, dict[str, Any]],
              towns: list[Region]) -> dict[str, Any]:
    all_units = [a["unit"] for a in agencies.values()]
    plenaries = []
    for year in (ctx.today.year - 1, ctx.today.year):
        day = datetime.date(year, 3, 6)
        if day > ctx.today:
            continue
        plenaries.append(actions.save_meeting(
            None, None, government=g["government"], kind=MeetingKind.PLENARY, held_on=day, chair=g["district_chief"],
            title=f"{year}年全县中小学幼儿园安全总校(园)长全体成员单位会议", agencies=all_units,
            minutes="通报上年度校园安全工作情况，部署本年度重点任务。",
            decisions="开展校园周边交通秩序专项整治\n排查学校周边危险水域并设置警示标志\n清理学校周边200米内网吧和无证摊贩",
        ))
    topic_day = ctx.today - datetime.timedelta(days=40)
    topic = actions.save_meeting(
        None, None, government=g["government"], kind=MeetingKind.TOPIC, held_on=topic_day, chair=g["district_chief"],
        title="防溺水专题会议", agencies=[agencies[k]["unit"] for k in ("police", "emergency", "towns", "villages")],
        minutes="研究汛期学生防溺水工作。", decisions="镇村对辖区坑塘水库设置警示牌和防护栏",
    )
    y, m = divmod(ctx.today.year * 12 + ctx.today.month - 1 - 3, 12)
    missing = datetime.date(y, m + 1, 10)  # three months ago: always a past, complete month
    for town in towns:
        gov = g["town_govs"][town.pk]
        for day in _months_back(ctx.today, 12):
            if town.name == MISSING_TOWN and day == missing:
                continue
            actions.save_meeting(None, None, government=gov, kind=MeetingKind.TOWN_MONTHLY, held_on=day,
                                 chair=g["town_chiefs"][town.pk], title=f"{town.name}{day.month}月校园安全例会",
                                 agencies=[agencies["police"]["unit"]],
                                 minutes="研究辖区学校安全突出问题，通报上月交办事项办理情况。")
    return {"plenaries": plenaries, "topic": topic}


def _tasks(ctx: DemoContext, g: dict[str, Any], agencies: dict[str, dict[str, Any]], schools: list[Unit],
           meetings: dict[str, Any]) -> None:
    today = ctx.today
    by_town: dict[int, list[Unit]] = {}
    for s in schools:
        by_town.setdefault(s.region_id, []).append(s)
    plenary = meetings["plenaries"][-1] if meetings["plenaries"] else None
    # (town index, agency, source, hazard kind, title, state, created days ago, deadline days from creation)
    plan = [
        (1, "traffic_police", "hazard", "traffic", "校门口上下学时段交通拥堵，需设置临时停车接送区", "assigned", 2, 14),
        (1, "police", "hazard", "stalls", "校门口无证摊贩聚集，影响学生出入", "accepted", 6, 14),
        (1, "market_regulation", "hazard", "internet_cafe", "学校周边200米内有网吧接纳未成年人", "done", 12, 20),
        (1, "police", "school_request", "", "学校请求在放学时段增派警力护学", "verified", 40, 15),
        (1, "transport", "hazard", "traffic", "学校路口缺少减速带和人行横道标线", "returned", 25, 20),
        (1, "emergency", "hazard", "pond", "茶山村水库边缺少警示牌", "overdue", 30, 10),
        (0, "emergency", "hazard", "pond", "学校附近废弃鱼塘无护栏", "verified", 60, 20),
        (2, "police", "meeting", "", "开展校园周边交通秩序专项整治", "accepted", 10, 30),
        (3, "market_regulation", "hazard", "stalls", "学校周边流动摊贩售卖三无食品", "done", 15, 20),
        (4, "traffic_police", "hazard", "traffic", "学校门口货车通行，需限时禁行", "overdue", 35, 14),
        (5, "culture_sports_tourism", "hazard", "internet_cafe", "学校周边黑网吧", "assigned", 1, 21),
        (7, "politics_law", "school_request", "", "涉校矛盾纠纷化解（家长多次到校聚集）", "accepted", 8, 15),
    ]
    towns = list(g["town_govs"].items())
    tz = timezone.get_current_timezone()
    now = timezone.now()

    def on(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz), now)

    def acting(post: Any) -> Any:
        # the person who takes the step (the town's chief, the agency's liaison), recorded by name
        return SimpleNamespace(person_id=post.holder_id, person=post.holder, is_authenticated=False, pk=None)

    for i, (town_i, agency_key, source, hazard, title, state, ago, days) in enumerate(plan):
        region_id, gov = towns[town_i]
        in_town: list[Unit | None] = list(by_town.get(region_id, [])) or [None]
        school = in_town[i % len(in_town)]
        created_on = today - datetime.timedelta(days=ago)
        chief, liaison = acting(g["town_chiefs"][region_id]), acting(agencies[agency_key]["liaison"])
        # each step on its own day of the task's history: signed for the next day, done about two thirds of the
        # way, checked a day or two later (never after now)
        accepted_on = created_on + datetime.timedelta(days=1)
        done_on = created_on + datetime.timedelta(days=max(2, ago * 2 // 3))
        checked_on = min(done_on + datetime.timedelta(days=1 + i % 2), today)
        task = actions.create_task(
            chief, government=gov, agency=agencies[agency_key]["unit"], school=school, source=source,
            hazard_kind=hazard, meeting=plenary if source == "meeting" else None, title=title,
            description=f"{school.name if school else ''}{title}。请于期限内办结并上传佐证材料。",
            deadline=created_on + datetime.timedelta(days=days), today=created_on, at=on(created_on, 9, 10 + i),
        )
        if state in ("accepted", "done", "verified", "returned"):
            actions.accept_task(liaison, task, at=on(accepted_on, 10, 5 + i))
        if state in ("done", "verified", "returned"):
            actions.close_task(liaison, task, evidence="已会同属地派出所、镇村现场处置，问题已整改。",
                               note="现场照片和处置记录已存档。", at=on(done_on, 16, 20 + i))
        if state == "verified":
            actions.verify_task(chief, task, note="总校(园)长制办公室现场核验，整改到位。", at=on(checked_on, 15, 10 + i))
        if state == "returned":
            actions.return_task(chief, task, note="减速带已设，人行横道标线尚未施划，请继续整改。",
                                at=on(checked_on, 15, 10 + i))
    _tasks_from_hazards(g)
    actions.escalate_overdue(today)


def _tasks_from_hazards(g: dict[str, Any]) -> None:
    """Two hazards that schools reported upward (the hazards demo runs before this one) become agency tasks."""
    try:
        from anxiao.hazards.models import OPEN_STATUSES, Hazard
    except ImportError:  # pragma: no cover - the hazards app is optional
        return
    police = MemberAgency.objects.select_related("unit").filter(duty_list="s004.agency.police").first()
    if police is None:
        return
    hazards = (Hazard.objects.filter(reported_up_at__isnull=False, status__in=OPEN_STATUSES, voided_at__isnull=True,
                                     upward_reason="outside_campus", unit__kind=UnitKind.SCHOOL)
               .select_related("unit__region").order_by("reported_up_at")[:2])
    for hazard in hazards:
        gov = g["town_govs"].get(hazard.unit.region_id)
        if gov is None:
            continue
        actions.create_task(None, government=gov, agency=police.unit, hazard=hazard, hazard_kind="other",
                            title=f"协调处置{hazard.unit.name}{hazard.location}周边隐患",
                            description=hazard.upward_note or hazard.description,
                            deadline=timezone.localdate() + datetime.timedelta(days=15))


def _gate_duty(ctx: DemoContext, g: dict[str, Any], police: Unit, schools: list[Unit]) -> None:
    officers: dict[int, Person] = {}
    village_staff: dict[int, Person] = {}
    committees = Unit.objects.filter(kind=UnitKind.GOVERNMENT, region__level=RegionLevel.VILLAGE).select_related("region")
    for committee in committees:
        village_staff.setdefault(committee.region.parent_id or 0, _person(ctx, committee))
    duties = []
    for school in schools:
        officer = officers.get(school.region_id) or officers.setdefault(school.region_id, _person(ctx, police))
        helper = village_staff.get(school.region_id) or officer
        for weekday in range(5):
            duties.append(GateDuty(school=school, person=officer, role=DutyRole.POLICE, weekday=weekday,
                                   starts_at=datetime.time(7, 20), ends_at=datetime.time(8, 0), place="校门口"))
            duties.append(GateDuty(school=school, person=helper,
                                   role=DutyRole.VILLAGE if helper is not officer else DutyRole.POLICE,
                                   weekday=weekday, starts_at=datetime.time(16, 30), ends_at=datetime.time(17, 10),
                                   place="校门口"))
    GateDuty.objects.bulk_create(duties)
    # Each school's gate QR (the proof of presence of a gate sign-in), as chiefs.actions.save_duty makes it.
    from anxiao.inspections.models import PatrolPoint

    gated = set(PatrolPoint.objects.filter(unit__in=schools, gate=True).values_list("unit_id", flat=True))
    PatrolPoint.objects.bulk_create([PatrolPoint(unit=school, name="校门", location="校门口", key_area=False,
                                                 daily_minimum=0, gate=True) for school in schools
                                     if school.pk not in gated])
    # Two weeks of check-ins, most slots covered; a few schools are often missed. Each is the rostered person's scan
    # of the school's gate QR, through the sign-in action (its slot, its code, its interval), as on the phone.
    from anxiao.chiefs.actions import check_in

    codes = dict(PatrolPoint.objects.filter(unit__in=schools, gate=True, is_active=True).order_by("-pk")
                 .values_list("unit_id", "secret"))
    start = ctx.today - datetime.timedelta(days=ctx.today.weekday() + 7)
    now = timezone.now()
    for duty in GateDuty.objects.filter(school__in=schools).order_by("school_id", "weekday", "starts_at", "pk"):
        for week in (0, 7):
            day = start + datetime.timedelta(days=week + duty.weekday)
            at = timezone.make_aware(datetime.datetime.combine(day, duty.starts_at) + datetime.timedelta(minutes=5))
            if at > now:
                continue
            if ctx.rng.random() < (0.55 if duty.school_id % 7 == 3 else 0.92):
                check_in(SimpleNamespace(person_id=duty.person_id), duty, now=at, code=codes[duty.school_id])


def build(ctx: DemoContext) -> None:
    from anxiao.org.demo import account

    county, towns = ctx.data["county"], ctx.data["towns"]
    schools = [s["school"] for s in ctx.data["schools"]]
    g = _governments(ctx, county, towns)
    agencies = _agencies(ctx, county, g["government"])
    meetings = _meetings(ctx, g, agencies, towns)
    _tasks(ctx, g, agencies, schools, meetings)
    _gate_duty(ctx, g, agencies["police"]["unit"], schools)
    town = towns[1]  # 东岭镇: a missed monthly meeting, hazards reported upward and tasks in every state
    account(ctx, "zongxiaozhang", "镇级安全总校长（镇长）", f"{town.name}全部学校（查看，可交办、核验任务）",
             g["town_chiefs"][town.pk].holder, Role.BUREAU_VIEWER, region=town)
    police = agencies["police"]
    account(ctx, "lianluoyuan", "成员单位联络员（公安）", f"{police['unit'].name}的任务（签收、办结）",
             police["liaison"].holder, Role.SCHOOL_MEMBER, unit=police["unit"])
    ctx.data["chiefs"] = {**g, "agencies": agencies}
    bureau = ctx.data.get("bureau")
    if bureau is not None and ctx.data.get("policies"):
        # The chiefs and member agencies exist now: their lists come from the bureau's adopted s004, like any post's.
        from anxiao.responsibility.actions import generate_lists

        generate_lists(None, bureau)
    ctx.say(f"总校(园)长制：{len(g['town_govs']) + len(g['village_chiefs']) + 1} 位三级总校(园)长，{len(agencies)} 个成员单位。")
