"""Chiefs objects added to the shared test world (built here, not in core/testing.py)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from anxiao.core.choices import PostKind, RegionLevel, UnitKind
from anxiao.org.models import Person, Post, Region, Unit

from ..models import AgencyTask, ChiefMeeting, GateDuty, MeetingKind, MemberAgency, TaskSource, TaskStatus


def chiefs_world(w: Any) -> SimpleNamespace:
    """County A is also a district: its government, a town government, the police and a liaison;
    county B has its own government and police. Cached on the world."""
    if hasattr(w, "chiefs"):
        return w.chiefs
    c = SimpleNamespace()
    from anxiao.policies.actions import adopt

    # Bureau A runs the 总校(园)长制 (seed 004): the chiefs' and agencies' lists come from its adopted copy.
    c.policy = adopt(None, w.bureau_a, "s004", confirm=True)
    c.gov_a = Unit.objects.create(name="甲县人民政府", kind=UnitKind.GOVERNMENT, region=w.county_a)
    c.town_gov = Unit.objects.create(name="甲镇人民政府", kind=UnitKind.GOVERNMENT, region=w.town_a)
    c.village = Region.objects.create(name="甲村", level=RegionLevel.VILLAGE, parent=w.town_a)
    c.gov_b = Unit.objects.create(name="乙县人民政府", kind=UnitKind.GOVERNMENT, region=w.county_b)
    c.police = Unit.objects.create(name="甲县公安局", kind=UnitKind.MEMBER_AGENCY, region=w.county_a, parent=c.gov_a)
    c.police_b = Unit.objects.create(name="乙县公安局", kind=UnitKind.MEMBER_AGENCY, region=w.county_b,
                                     parent=c.gov_b)
    c.agency = MemberAgency.objects.create(unit=c.police, district=c.gov_a, duty_list="s004.agency.police")
    MemberAgency.objects.create(unit=c.police_b, district=c.gov_b, duty_list="s004.agency.police")
    c.district_chief = _post(c.gov_a, PostKind.CHIEF_DISTRICT, "县长（区级安全总校长）", "甲县长")
    c.town_chief = _post(c.town_gov, PostKind.CHIEF_TOWN, "镇长（镇级安全总校长）", "甲镇长")
    c.liaison = _post(c.police, PostKind.AGENCY_LIAISON, "联络员", "甲警官")
    c.member = _post(c.police, PostKind.AGENCY_MEMBER, "副局长", "甲副局长")
    today = timezone.localdate()
    c.meeting = ChiefMeeting.objects.create(government=c.gov_a, kind=MeetingKind.PLENARY, held_on=today,
                                            title="甲县总校长全体成员单位会议", chair=c.district_chief,
                                            decisions="整治新华中学门口交通")
    c.task = task(c, w.a1, "新华中学门口交通整治")
    c.task_b = AgencyTask.objects.create(government=c.gov_b, agency=c.police_b, school=w.b1, title="乙镇小学门口摊贩",
                                         deadline=today + datetime.timedelta(days=7), source=TaskSource.HAZARD,
                                         hazard_kind="stalls")
    # A slot every day of the week, all day long, held by a1's principal: check-ins work at any time.
    c.duties = {d: GateDuty.objects.create(school=w.a1, person=w.people["a1_principal"], weekday=d,
                                           starts_at=datetime.time(0, 0), ends_at=datetime.time(23, 59, 59),
                                           role="school")
                for d in range(7)}
    from anxiao.inspections.actions import gate_point

    c.gate = gate_point(None, w.a1)  # the gate's QR code: a gate sign-in needs its secret
    w.chiefs = c
    return c


def _post(unit: Unit, kind: str, title: str, name: str) -> Post:
    person = Person.objects.create(name=name, unit=unit)
    return Post.objects.create(unit=unit, kind=kind, title=title, holder=person)


def task(c: SimpleNamespace, school: Unit | None, title: str, status: str = TaskStatus.ASSIGNED) -> AgencyTask:
    return AgencyTask.objects.create(government=c.gov_a, agency=c.police, school=school, title=title,
                                     deadline=timezone.localdate() + datetime.timedelta(days=7),
                                     source=TaskSource.HAZARD, hazard_kind="traffic", status=status)


def user_for(post: Post, role: str, region: Region | None = None, unit: Unit | None = None,
             username: str = "", password: str = "x") -> Any:
    from anxiao.accounts.models import Grant, User

    user = User.objects.create_user(username=username or f"u{post.pk}", password=password, person=post.holder)
    Grant.objects.create(user=user, role=role, region=region, unit=unit)
    return user
