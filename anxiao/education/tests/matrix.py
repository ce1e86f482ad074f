"""The education app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

# The homeroom teacher of a1 (school_member) records their own class's lesson and parent meeting.
TEACHER = {"school_member"}


def fixtures(w):  # type: ignore[no-untyped-def]
    """a1's class (the world's homeroom teacher), a guard, a legal vice-principal, and one record of a1."""
    if getattr(w, "education", None) is None:
        from anxiao.core.choices import PostKind
        from anxiao.education import actions
        from anxiao.org.models import Post
        from anxiao.staffing.models import Guard, SchoolProfile

        post = w.posts["a1_teacher"]
        post.class_name = "七年级（1）班"
        post.save()
        profile = SchoolProfile.objects.create(school=w.a1, students=600, staff=50)
        guard = Guard.objects.create(profile=profile, name="赵保安", company="平安保安公司",
                                     birth_date=datetime.date(1980, 5, 1))
        from anxiao.obligations.models import ObligationSettings

        # The latest safety day may be weeks ago: allow recording it.
        ObligationSettings.objects.create(bureau=w.bureau_a, backdate_days=366)
        legal = Post.objects.create(unit=w.a1, kind=PostKind.LEGAL_VICE_PRINCIPAL, title="法治副校长")
        rec = actions.record(None, kind="lecture", school=w.a1, occurred_on=timezone.localdate(), topic="防溺水讲座",
                             speaker_name="李警官", speaker_role="派出所民警")
        training = actions.record(None, kind="staff_training", school=w.a1, occurred_on=timezone.localdate(),
                                  topic="消防安全培训", attendance={w.people["a1_principal"].pk: False})
        w.education = {"post": post, "guard": guard, "legal": legal, "record": rec, "training": training}
    return w.education


def _url(name: str, *args):  # type: ignore[no-untyped-def]
    def make(w):  # type: ignore[no-untyped-def]
        f = fixtures(w)
        return reverse(f"education:{name}", args=[a(w, f) if callable(a) else a for a in args])
    return make


def _a1(w, f):  # type: ignore[no-untyped-def]
    return w.a1.pk


def _rec(w, f):  # type: ignore[no-untyped-def]
    return f["record"].pk


def _today(w) -> str:  # type: ignore[no-untyped-def]
    return timezone.localdate().isoformat()


def _api(path: str):  # type: ignore[no-untyped-def]
    return lambda w: (fixtures(w), f"/api/v1/education/{path}")[1]


CASES = [
    Case("education:rollup", _url("rollup"), markers={"a1": lambda w: "新华中学", "b1": lambda w: "乙镇小学"}),
    Case("education:mine", _url("mine"), ok=302),
    Case("education:school", _url("school", _a1), target="a1"),
    Case("education:calendar", _url("calendar", _a1), target="a1"),
    Case("education:record", _url("record", _a1, "safety_lesson"), target="a1", kind="write", also_allowed=TEACHER),
    Case("education:record_list", _url("record_list"), markers={"a1": lambda w: "防溺水讲座"}),
    Case("education:record_detail", _url("record_detail", _rec), target="a1"),
    Case("education:record_void", _url("record_void", _rec), target="a1", kind="write", method="post",
         data=lambda w: {"reason": "重复录入"}, ok=302),
    Case("education:record_attendance", _url("record_attendance", lambda w, f: f["training"].pk), target="a1", kind="write", method="post",
         data=lambda w: {"person": w.people["a1_principal"].pk, "present": "1"}, ok=302),
    Case("api:education_records_attendance",
         lambda w: f"/api/v1/education/records/{fixtures(w)['training'].pk}/attendance", target="a1", kind="write",
         method="post", api=True, data=lambda w: {"person_id": w.people["a1_principal"].pk, "present": True},
         write_scope_first=False),
    Case("api:education_records_list", _api("records"), api=True, markers={"a1": lambda w: "防溺水讲座"}),
    Case("api:education_records_get", lambda w: f"/api/v1/education/records/{fixtures(w)['record'].pk}", target="a1",
         api=True),
    Case("api:education_records_void", lambda w: f"/api/v1/education/records/{fixtures(w)['record'].pk}/void",
         target="a1", kind="write", method="post", api=True, data=lambda w: {"reason": "重复录入"},
         write_scope_first=False),
    Case("api:education_lessons_create", _api("lessons"), target="a1", kind="write", method="post", api=True, ok=201,
         hidden_status=422, also_allowed=TEACHER,
         data=lambda w: {"class_post_id": fixtures(w)["post"].pk, "occurred_on": _today(w), "module": "accidents",
                         "topic": "防溺水"}),
    Case("api:education_parent_meetings_create", _api("parent-meetings"), target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _today(w), "topic": "期中家长会",
                         "safety_content": "假期防溺水、交通安全"}),
    Case("api:education_lectures_create", _api("lectures"), target="a1", kind="write", method="post", api=True,
         ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _today(w), "topic": "消防讲座", "speaker_name": "王教官"}),
    Case("api:education_staff_trainings_create", _api("staff-trainings"), target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _today(w), "topic": "急救培训",
                         "attendance": [{"person_id": w.people["a1_principal"].pk, "present": True}]}),
    Case("api:education_guard_trainings_create", _api("guard-trainings"), target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _today(w), "days": 1, "topic": "技能培训",
                         "guard_ids": [fixtures(w)["guard"].pk]}),
    Case("api:education_legal_classes_create", _api("legal-classes"), target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _today(w), "topic": "预防校园欺凌",
                         "speaker_name": "陈法官", "speaker_role": "法院法官"}),
    Case("api:education_safety_days_create", _api("safety-day-records"), target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"school_id": w.a1.pk, "occurred_on": _nearest_day(), "topic": "节点主题教育",
                         "safety_day": _nearest_code()}),
    Case("api:education_coverage_list", _api("coverage"), api=True,
         markers={"a1": lambda w: "新华中学", "b1": lambda w: "乙镇小学"}),
    Case("api:education_coverage_get", lambda w: f"/api/v1/education/coverage/{w.a1.pk}", target="a1", api=True),
    Case("api:education_safety_days_list", _api("safety-days"), api=True),
    Case("api:education_safety_days_get", lambda w: f"/api/v1/education/safety-days/{w.a1.pk}", target="a1", api=True),
]


def _nearest():  # type: ignore[no-untyped-def]
    """The latest safety day up to today, and a date inside its window that is not in the future."""
    from anxiao.education import safedays

    today = timezone.localdate()
    past = [(d, on) for d, on in safedays.days_between(today.replace(year=today.year - 1), today)]
    day, on = past[-1]
    return day.code, min(on, today)


def _nearest_day() -> str:
    return _nearest()[1].isoformat()


def _nearest_code() -> str:
    return str(_nearest()[0])
