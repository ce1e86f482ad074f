"""One piece of work waiting for each persona of the test world, for the role-home tests (unit and browser).

Usernames: teacher (school_member), principal (school_admin), deputy, officer, office (bureau_admin), director
(bureau_viewer), chief, liaison."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anxiao.core.testing import PASSWORD

# persona → (section id, text that section shows for the work built below)
EXPECTED = {
    "school_member": ("#home-duties", ["确认知悉：新华中学 · 班主任的责任清单", "签订责任书：2026年"]),
    "school_admin": ("#home-approvals", ["审核报送：新华中学", "批准：新华中学", "检查报告待受检单位签名（1）",
                                         "签名：新华中学"]),
    "deputy": ("#home-hazard-work", ["验收：新华中学 教学楼二层"]),
    "officer": ("#home-hazard-work", ["整改：新华中学 配电房"]),
    "bureau_admin": ("#home-office", ["甲镇幼儿园", "未报", "逾期未整改（1）", "督办中（1）"]),
    "bureau_viewer": ("#home-county", ["甲县一览", "未销号隐患", "近 12 个月隐患发现与销号"]),
    "chief": ("#home-chief", ["核验：新华中学门口交通整治"]),
    "liaison": ("#home-agency", ["签收：新华中学上学时段护学", "待办结"]),
}
# Sections that belong to others: a persona must not see them.
OWN = {key: sid for key, (sid, _t) in EXPECTED.items()}


def build(w: Any) -> dict[str, Any]:
    """The work, and the users (by the keys of EXPECTED), each with PASSWORD."""
    from anxiao.accounts.models import Grant, User
    from anxiao.chiefs.models import TaskStatus
    from anxiao.chiefs.tests.fixtures import chiefs_world, task, user_for
    from anxiao.core.choices import PostKind, Role
    from anxiao.drills.tests.fixtures import plan
    from anxiao.hazards import actions as hazards
    from anxiao.org.models import Person, Post
    from anxiao.reports import actions as reports
    from anxiao.reports import figures
    from anxiao.responsibility.tests.fixtures import letters, lists

    users = dict(w.users)
    admin = w.users["school_admin"]
    # the teacher's duty list and letter
    lists(w)
    letters(w)
    # the principal's ledger to approve and drill plan
    reports.prepare(admin, w.a1, figures.due_month())
    plan(w)
    # a bureau supervision of the school, done, waiting for the school's representative to sign its report
    from anxiao.inspections import actions as inspections

    inspections.load_checklist()
    bureau = w.users["bureau_admin"]
    supervision = inspections.start_inspection(bureau, unit=w.a1, kind="bureau_supervision",
                                               inspecting_unit=w.bureau_a, categories=["XF"], title="秋季开学督查")
    todo = [i for s in inspections.progress(supervision).sections for i, r in s.rows if r is None]
    inspections.record_results(bureau, supervision, [{"item_code": i.code, "outcome": "pass"} for i in todo])
    inspections.complete_inspection(bureau, supervision)
    # the deputy (分管安全副校长, may write) and the safety officer (a member)
    deputy = Person.objects.create(name="甲副校长", unit=w.a1)
    Post.objects.create(unit=w.a1, kind=PostKind.SAFETY_DEPUTY, title="分管安全副校长", holder=deputy)
    users["deputy"] = User.objects.create_user(username="deputy", password=PASSWORD, person=deputy)
    Grant.objects.create(user=users["deputy"], role=Role.SCHOOL_ADMIN, unit=w.a1)
    users["officer"] = User.objects.create_user(username="officer", password=PASSWORD, person=w.people["a1_officer"])
    Grant.objects.create(user=users["officer"], role=Role.SCHOOL_MEMBER, unit=w.a1)
    today = timezone.localdate()

    def hazard(location: str, **rectification: Any) -> Any:
        h = hazards.report_hazard(admin, unit=w.a1, location=location, category="XF", description="灭火器过期",
                                  source="inspection")
        hazards.transition(admin, h, "register")
        hazards.transition(admin, h, "grade", grade=rectification.pop("grade", "general"))
        data = {"measures": "更换灭火器", "responsible": w.people["a1_officer"],
                "deadline": today + datetime.timedelta(days=7), **rectification}
        return hazards.transition(admin, h, "start_rectification", **data)

    hazard("配电房")  # the officer's to rectify
    waiting = hazard("教学楼二层", responsible=w.people["a1_principal"])
    hazards.transition(admin, waiting, "submit_for_acceptance", note="已更换")  # the deputy's to accept
    late = hazard("食堂后门", grade="major", funds="0", contingency_plan="停用后门", temporary_measures="设置警示隔离")
    hazards.transition(users["bureau_admin"], late, "supervise", document_number="甲教督〔2026〕1号",
                       supervision_deadline=(today + datetime.timedelta(days=5)).isoformat())
    type(late).objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=3))  # it ran late since
    # the chief's task to verify and the liaison's tasks to sign for and to finish
    c = chiefs_world(w)
    task(c, w.a1, "新华中学门口交通整治", status=TaskStatus.DONE)
    task(c, w.a1, "新华中学上学时段护学")
    users["chief"] = user_for(c.district_chief, Role.BUREAU_VIEWER, region=w.county_a, username="chief",
                              password=PASSWORD)
    users["liaison"] = user_for(c.liaison, Role.SCHOOL_MEMBER, unit=c.police, username="liaison", password=PASSWORD)
    return users
