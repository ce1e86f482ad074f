"""The obligations app's rows in the permission matrix (tests/test_permission_matrix.py runs them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anxiao.core.testing import Case

BUREAU_WRITERS = {"sysadmin", "bureau_admin"}
# A school sees the rules of the bureau that supervises it (so a bureau A rule "lives" like a record of a1),
# but only the bureau changes them.
RULE_TARGET = "a1"
# Anybody may open the form to record their own work; the action decides what they may record.
EVERYONE_RECORDS = {"bureau_viewer", "school_member"}


def fixtures(w):  # type: ignore[no-untyped-def]
    """A monthly drill rule for bureau A, its occurrences, a drill recorded at a1, a heightened period."""
    if getattr(w, "obligations", None) is None:
        from anxiao.obligations import actions
        from anxiao.obligations.models import ActivityAttachment, HeightenedPeriod, ObligationRule, Occurrence

        today = timezone.localdate()
        rule = ObligationRule.objects.create(bureau=w.bureau_a, code="t.drill", title="每月演练", activity_kind="drill",
                                             unit_kinds=["school"], period="month", quota=1)
        actions.expand(w.bureau_a, today)
        occ = Occurrence.objects.get(rule=rule, unit=w.a1, period_start__lte=today, period_end__gte=today)
        activity = actions.record_activity(None, kind="meeting", unit=w.a1, occurred_on=today, title="安全会议")
        # A self-attested daily rule: one tap meets it (the drill rule above needs a real drill, 422 on one tap).
        tip = ObligationRule.objects.create(bureau=w.bureau_a, code="t.tip", title="每日安全小提示", activity_kind="other",
                                            unit_kinds=["school"], period="day",
                                            credit={"records": ["entry"], "evidence": "self"})
        actions.expand(w.bureau_a, today, rules=[tip])
        tip_occ = Occurrence.objects.get(rule=tip, unit=w.a1, period_start__lte=today, period_end__gte=today)
        heightened = HeightenedPeriod.objects.create(bureau=w.bureau_a, name="两会期间", starts_on=today,
                                                     ends_on=today)
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        stored = "activities/matrix/minutes.pdf"
        if not default_storage.exists(stored):
            default_storage.save(stored, ContentFile(b"%PDF"))
        attachment = ActivityAttachment.objects.create(activity=activity, file=stored, name="minutes.pdf", size=4)
        w.obligations = {"rule": rule, "occ": occ, "activity": activity, "heightened": heightened,
                         "attachment": attachment, "tip_occ": tip_occ}
    return w.obligations


def _settings(w):  # type: ignore[no-untyped-def]
    from anxiao.obligations.models import ObligationSettings

    return ObligationSettings.objects.get_or_create(bureau=w.bureau_a)[0]


def _pk(name: str):  # type: ignore[no-untyped-def]
    return lambda w: fixtures(w)[name].pk


def _url(name: str, obj: str | None = None):  # type: ignore[no-untyped-def]
    if obj is None:  # a list: the records must exist for the markers
        return lambda w: fixtures(w) and reverse(f"obligations:{name}")
    return lambda w: reverse(f"obligations:{name}", args=[fixtures(w)[obj].pk])


def _today(w) -> str:  # type: ignore[no-untyped-def]
    return timezone.localdate().isoformat()


CASES = [
    Case("obligations:my_work", _url("my_work")),
    Case("obligations:calendar", _url("calendar")),
    Case("obligations:compliance", _url("compliance")),
    Case("obligations:occurrence_list", _url("occurrence_list"),
         markers={"a1": lambda w: f"/obligations/occurrences/{fixtures(w)['occ'].pk}/"}),
    Case("obligations:occurrence_detail", _url("occurrence_detail", "occ"), target="a1"),
    # One tap runs through core.flash: the action's refusal (no right over the slot) is a message on the page, a 302.
    Case("obligations:occurrence_done", _url("occurrence_done", "occ"), target="a1", kind="write", method="post",
         data=lambda w: {}, ok=302, denied_status=302),
    Case("obligations:activity_export", _url("activity_export")),
    Case("obligations:activity_list", _url("activity_list"), markers={"a1": lambda w: "安全会议"}),
    Case("obligations:activity_create", _url("activity_create"), kind="write", also_allowed=EVERYONE_RECORDS),
    Case("obligations:activity_detail", _url("activity_detail", "activity"), target="a1"),
    Case("obligations:activity_edit", _url("activity_edit", "activity"), target="a1", kind="write"),
    Case("obligations:activity_void", _url("activity_void", "activity"), target="a1", kind="write", method="post",
         data=lambda w: {"reason": "重复录入"}, ok=302),
    Case("obligations:attachment_download", _url("attachment_download", "attachment"), target="a1"),
    Case("obligations:rule_list", _url("rule_list")),
    Case("obligations:rule_create", _url("rule_create"), kind="write"),
    Case("obligations:rule_detail", _url("rule_detail", "rule"), target=RULE_TARGET),
    Case("obligations:rule_edit", _url("rule_edit", "rule"), target=RULE_TARGET, kind="write",
         writers=BUREAU_WRITERS),
    Case("obligations:heightened_list", _url("heightened_list")),
    Case("obligations:settings_list", lambda w: _settings(w) and reverse("obligations:settings_list"),
         markers={"bureau_a": lambda w: f"/obligations/settings/{_settings(w).pk}/"}),
    Case("obligations:settings_create", _url("settings_create"), kind="write"),
    Case("obligations:settings_detail", lambda w: reverse("obligations:settings_detail", args=[_settings(w).pk]),
         target="bureau_a"),
    Case("obligations:settings_edit", lambda w: reverse("obligations:settings_edit", args=[_settings(w).pk]),
         target="bureau_a", kind="write", writers=BUREAU_WRITERS),
    Case("obligations:heightened_create", _url("heightened_create"), kind="write"),
    Case("obligations:heightened_detail", _url("heightened_detail", "heightened"), target="bureau_a"),
    Case("obligations:heightened_edit", _url("heightened_edit", "heightened"), target="bureau_a", kind="write"),
    # API
    Case("api:obligation_rules_list", lambda w: fixtures(w) and "/api/v1/obligation-rules", api=True),
    Case("api:obligation_rules_get", lambda w: f"/api/v1/obligation-rules/{_pk('rule')(w)}", target=RULE_TARGET,
         api=True),
    Case("api:obligation_rules_update", lambda w: f"/api/v1/obligation-rules/{_pk('rule')(w)}", target=RULE_TARGET,
         kind="write", method="patch", api=True, data=lambda w: {"quota": 2}, writers=BUREAU_WRITERS),
    Case("api:obligation_rules_create", lambda w: "/api/v1/obligation-rules", target="bureau_a", kind="write",
         method="post", api=True, ok=201, hidden_status=422,
         data=lambda w: {"bureau_id": w.bureau_a.pk, "title": "每周巡查", "activity_kind": "patrol",
                         "period": "week", "unit_kinds": ["school"]}),
    Case("api:occurrences_list", lambda w: fixtures(w) and "/api/v1/occurrences", api=True,
         markers={"a1": lambda w: f'"id": {fixtures(w)["occ"].pk},'}),
    Case("api:occurrences_get", lambda w: f"/api/v1/occurrences/{_pk('occ')(w)}", target="a1", api=True),
    Case("api:occurrences_done", lambda w: f"/api/v1/occurrences/{_pk('tip_occ')(w)}/done", target="a1",
         kind="write", method="post", api=True, ok=201, write_scope_first=False),
    Case("api:compliance_get", lambda w: fixtures(w) and "/api/v1/compliance?by=region", api=True),
    Case("api:activities_list", lambda w: fixtures(w) and "/api/v1/activities", api=True, markers={"a1": lambda w: "安全会议"}),
    Case("api:activities_get", lambda w: f"/api/v1/activities/{_pk('activity')(w)}", target="a1", api=True),
    Case("api:activities_create", lambda w: "/api/v1/activities", target="a1", kind="write", method="post",
         api=True, ok=201, hidden_status=422,
         data=lambda w: {"kind": "drill", "occurred_on": _today(w), "unit_id": w.a1.pk}),
    Case("api:activities_void", lambda w: f"/api/v1/activities/{_pk('activity')(w)}/void", target="a1",
         kind="write", method="post", api=True, data=lambda w: {"reason": "重复录入"}),
    # JSON carries no file: whoever may attach gets as far as "please choose a file" (422).
    Case("api:activities_attach", lambda w: f"/api/v1/activities/{_pk('activity')(w)}/attachments", target="a1",
         kind="write", method="post", api=True, data=lambda w: {}, ok=422),
]
