"""The staffing app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from anxiao.core.testing import Case


def profile(w):  # type: ignore[no-untyped-def]
    """School a1's main campus profile with one guard, made once per test world."""
    if not hasattr(w, "profile_a1"):
        from anxiao.staffing.models import Guard, SchoolProfile

        w.profile_a1 = SchoolProfile.objects.create(school=w.a1, students=1100, staff=90)
        w.guard_a1 = Guard.objects.create(profile=w.profile_a1, name="赵保安", company="平安保安公司",
                                          birth_date=datetime.date(1980, 5, 1))
    return w.profile_a1


def guard(w):  # type: ignore[no-untyped-def]
    profile(w)
    return w.guard_a1


def settings_a(w):  # type: ignore[no-untyped-def]
    if not hasattr(w, "staffing_settings_a"):
        from anxiao.staffing.models import StaffingSettings

        w.staffing_settings_a = StaffingSettings.objects.create(bureau=w.bureau_a)
    return w.staffing_settings_a


def _web(name: str, obj, target: str, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    return [
        Case(f"staffing:{name}_list", lambda w: (obj(w), reverse(f"staffing:{name}_list"))[1], **extra),
        Case(f"staffing:{name}_create", lambda w: reverse(f"staffing:{name}_create"), kind="write", **extra),
        Case(f"staffing:{name}_detail", lambda w: reverse(f"staffing:{name}_detail", args=[obj(w).pk]), target=target, **extra),
        Case(f"staffing:{name}_edit", lambda w: reverse(f"staffing:{name}_edit", args=[obj(w).pk]), target=target,
             kind="write", **extra),
    ]


def _api(plural: str, obj, target: str, create, create_target: str, **extra) -> list[Case]:  # type: ignore[no-untyped-def]
    name = f"staffing_{plural}"
    return [
        Case(f"api:{name}_list", lambda w: (obj(w), f"/api/v1/staffing/{plural}")[1], api=True, **extra),
        Case(f"api:{name}_get", lambda w: f"/api/v1/staffing/{plural}/{obj(w).pk}", target=target, api=True, **extra),
        Case(f"api:{name}_update", lambda w: f"/api/v1/staffing/{plural}/{obj(w).pk}", target=target, kind="write",
             method="patch", api=True, data=lambda w: {}, **extra),
        Case(f"api:{name}_create", lambda w: f"/api/v1/staffing/{plural}", target=create_target, kind="write",
             method="post", api=True, data=create, ok=201, hidden_status=422, **extra),
    ]


CASES = [
    *_web("profile", profile, "a1"),
    *_web("guard", guard, "a1"),
    *_web("settings", settings_a, "bureau_a", managers_only=True),
    Case("staffing:compliance", lambda w: (profile(w), reverse("staffing:compliance"))[1],
         markers={"a1": lambda w: "新华中学", "b1": lambda w: "乙镇小学"}),
    Case("staffing:school", lambda w: reverse("staffing:school", args=[w.a1.pk]), target="a1"),
    *_api("profiles", profile, "a1", lambda w: {"school_id": w.a1.pk, "campus": "东校区", "students": 300},
          create_target="a1"),
    *_api("guards", guard, "a1", lambda w: {"profile_id": profile(w).pk, "name": "钱保安", "company": "平安保安公司",
                                            "birth_date": "1985-01-01"}, create_target="a1"),
    *_api("settings", settings_a, "bureau_a", lambda w: {"bureau_id": w.bureau_a.pk}, create_target="bureau_a", managers_only=True),
    Case("api:rules_staffing", lambda w: "/api/v1/rules/staffing?students=1200&staff=100&boarders=0&stage=junior",
         api=True),
    Case("api:staffing_compliance_list", lambda w: (profile(w), "/api/v1/staffing/compliance")[1], api=True,
         markers={"a1": lambda w: "新华中学", "b1": lambda w: "乙镇小学"}),
    Case("api:staffing_compliance_get", lambda w: f"/api/v1/staffing/compliance/{w.a1.pk}", target="a1", api=True),
]
