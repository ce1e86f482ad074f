"""Coverage (落实情况): who has no list, who has not acknowledged, which schools lack 包保/督学, letters signed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from anxiao.core.choices import PostKind, UnitKind
from anxiao.org.models import Assignment, AssignmentKind, Post, Unit

from .actions import posts_of_bureau
from .models import Acknowledgement, Letter, LetterStatus, ResponsibilityList

# An issued letter still unsigned after this many days counts as overdue in the coverage view.
OVERDUE_DAYS = 14
LEADER_KINDS = (PostKind.BUREAU_PRINCIPAL, PostKind.BUREAU_SAFETY_LEADER, PostKind.BUREAU_LEADER)


def posts_of(unit: Unit) -> Any:
    if unit.kind == UnitKind.BUREAU:
        return posts_of_bureau(unit)
    return Post.objects.filter(unit__path__startswith=unit.path, is_active=True).select_related("unit", "holder")


def schools_of(unit: Unit) -> Any:
    if unit.kind == UnitKind.BUREAU:
        return Unit.objects.filter(supervising_unit=unit, kind=UnitKind.SCHOOL, is_active=True)
    return Unit.objects.filter(pk=unit.pk, kind=UnitKind.SCHOOL)


def _current_assignment(kind: str, post_q: Q) -> Any:
    today = timezone.localdate()
    return Assignment.objects.filter(
        post_q, kind=kind, target_unit=OuterRef("pk"), started_on__lte=today,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


DRILLS = {
    "no_list": "没有责任清单的岗位",
    "unacknowledged": "责任清单未确认知悉",
    "no_leader": "没有包保领导的学校",
    "no_department": "没有包保股室的学校",
    "no_supervisor": "没有责任督学的学校",
    "unsigned": "已下发未签订的责任书",
}


def coverage(unit: Unit, year: int) -> dict[str, Any]:
    posts = posts_of(unit)
    has_list = ResponsibilityList.objects.filter(post=OuterRef("pk"), is_current=True)
    acked = Acknowledgement.objects.filter(responsibility_list__post=OuterRef("pk"),
                                           responsibility_list__is_current=True, person=OuterRef("holder"))
    posts = posts.annotate(has_list=Exists(has_list), acked=Exists(acked))
    schools = schools_of(unit).annotate(
        has_leader=Exists(_current_assignment(AssignmentKind.BAOBAO, Q(holder_post__kind__in=LEADER_KINDS))),
        has_department=Exists(_current_assignment(
            AssignmentKind.BAOBAO, Q(holder_post__kind=PostKind.BUREAU_DEPT_HEAD)
            | Q(holder_post__isnull=True, holder_unit__kind=UnitKind.BUREAU_DEPARTMENT))),
        has_supervisor=Exists(_current_assignment(AssignmentKind.SUPERVISION, Q())),
    )
    letters = Letter.objects.filter(year=year).filter(Q(issuer_unit__path__startswith=unit.path)
                                                      | Q(signatory_unit__path__startswith=unit.path)
                                                      | Q(signatory_unit__supervising_unit=unit))
    letter_counts = {row["status"]: row["n"] for row in letters.values("status").annotate(n=Count("id"))}
    items = {
        "no_list": posts.filter(has_list=False),
        "unacknowledged": posts.filter(has_list=True, acked=False, holder__isnull=False),
        "no_leader": schools.filter(has_leader=False),
        "no_department": schools.filter(has_department=False),
        "no_supervisor": schools.filter(has_supervisor=False),
        "unsigned": letters.filter(status=LetterStatus.ISSUED).select_related("issuer_unit", "signatory_unit",
                                                                               "signatory_person"),
    }
    counts = {key: qs.count() for key, qs in items.items()}
    per_school = []
    if unit.kind == UnitKind.BUREAU:
        for school in schools.order_by("name"):
            sp = posts_of(school).annotate(has_list=Exists(has_list), acked=Exists(acked))
            sl = letters.filter(signatory_unit__path__startswith=school.path)
            per_school.append({
                "school": school, "posts": sp.count(), "no_list": sp.filter(has_list=False).count(),
                "unacknowledged": sp.filter(has_list=True, acked=False, holder__isnull=False).count(),
                "letters": sl.filter(status__in=(LetterStatus.ISSUED, LetterStatus.SIGNED)).count(),
                "signed": sl.filter(status=LetterStatus.SIGNED).count(),
                "gaps": [label for key, label in (("has_leader", "包保领导"), ("has_department", "包保股室"),
                                                   ("has_supervisor", "责任督学")) if not getattr(school, key)],
            })
    return {
        "unit": unit, "year": year, "posts": posts.count(), "schools": schools.count(), "counts": counts,
        "letters": {"issued": letter_counts.get(LetterStatus.ISSUED, 0) + letter_counts.get(LetterStatus.SIGNED, 0),
                    "signed": letter_counts.get(LetterStatus.SIGNED, 0),
                    "unsigned": letter_counts.get(LetterStatus.ISSUED, 0),
                    "draft": letter_counts.get(LetterStatus.DRAFT, 0),
                    "overdue": letters.filter(status=LetterStatus.ISSUED, issued_at__lt=timezone.now()
                                              - datetime.timedelta(days=OVERDUE_DAYS)).count()},
        "items": items, "per_school": per_school,
    }
