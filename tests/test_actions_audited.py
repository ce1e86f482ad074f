"""Every action in every ``actions.py`` writes through a logged path, or is listed as read-only.

The logged paths are model ``save()``/``delete()`` (signals), queryset ``update()`` (ScopedQuerySet logs each
record), and many-to-many changes (m2m signal). ``bulk_create``/``bulk_update`` send no signal, so an action may
use them only on record types that are not audited (generated rows, join rows written with an audited record),
or with a reason listed below. Read-only actions must not contain a write at all.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest

import anxiao
from anxiao.core.models import AnxiaoModel

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"\.(save|create|update|delete|bulk_create|bulk_update|get_or_create|update_or_create|add|set|"
                   r"remove|clear|set_password|void)\(|\b(grant|revoke|write_entry|write_event|log_account_event)\(")
# Writes that skip the model signals and the scoped queryset, hence the audit log.
BYPASS = re.compile(r"\b(\w+)\._base_manager[\w.()\"'=, ]*?\.(update|bulk_create|bulk_update|delete)\(|"
                    r"connection\.cursor\(|\.raw\(|\._raw_delete\(")

# Public functions of actions.py with no write of their own: checks, look-ups and computations, and a few that
# write only by calling other actions (e.g. drills.transition, inspections.fail_to_hazard, notifications.notify,
# obligations.expand_all), which are checked themselves. A new one must be listed here on purpose; a listed one
# that starts writing fails.
READ_ONLY: set[str] = {
    "documents.check_template",
    "drills.evidence_of",
    "drills.repeats_last_month",
    "inspections.leader_post",
    "inspections.may_sign",
    "hazards.authorise",
    "reports.month_status_stream",
    "inspections.report_pdf",
    "notifications.alert",
    "notifications.dingtalk_sign",
    "notifications.signed_url",
    "obligations.tap_done",
    "obligations.recount_people",  # counts slots again through recount (the worker's kind of write, not audited)
    "accountability.bars",
    "accountability.enabled_measures",
    "accountability.require_eligible",
    "accountability.veto_decisions",
    "accountability.lost_assessment_decisions",
    "assessment.applies",
    "hazards.file_rectification_list",
    "assessment.licence_failures",
    "accounts.account_for_login",
    "accounts.accounts_in_scope",
    "accounts.can_revoke",
    "accounts.departed_accounts",
    "accounts.manageable_accounts",
    "accounts.reset_channels",
    "accounts.role_for_post",
    "accounts.send_sms",
    "accounts.sms_code",
    "accounts.temporary_password",
    "accounts.check_grantable",
    "accounts.grantable_roles",
    "accounts.may_manage_tokens",
    "accounts.tokens_of",
    "assessment.units_of",
    "chiefs.check_attachment_name",
    "chiefs.chief_posts_of",
    "chiefs.escalation_job",
    "chiefs.hazard_school",
    "chiefs.is_agency_staff",
    "chiefs.is_chief_over",
    "chiefs.may_route",
    "chiefs.may_route_somewhere",
    "chiefs.may_work",
    "chiefs.require_rostered",
    "drills.allowed_actions",
    "drills.config_for",
    "drills.coverage",
    "drills.frequency_for",
    "drills.my_classes",
    "drills.plan_gaps",
    "drills.principal_post",
    "drills.school_classes",
    "drills.target_met",
    "drills.transition",
    "education.class_posts",
    "hazards.allowed_actions",
    "hazards.escalation_recipients",
    "hazards.level_above",
    "hazards.may_act_above",
    "incidents.bureau_of",
    "incidents.rule_for",
    "inspections.applicable_items",
    "inspections.checkin_path",
    "inspections.current_checklist",
    "inspections.daily_counts",
    "inspections.fail_to_hazard",
    "inspections.gate_point",
    "inspections.prove_at_gate",
    "inspections.prove_presence",
    "inspections.new_uuid",
    "inspections.progress",
    "inspections.risk_control_items",
    "inspections.round_of",
    "inspections.rounds_on",
    "notifications.between_jobs",
    "notifications.job_name",
    "notifications.notify",
    "notifications.notify_webhooks",
    "notifications.post_webhook",
    "notifications.problem_messages",
    "notifications.register_job",
    "notifications.register_sender",
    "notifications.send_test",
    "notifications.webhook_payload",
    "obligations.bureau_for",
    "obligations.bureau_units",
    "obligations.check_attachment_name",
    "obligations.expand_all",
    "obligations.matching_occurrences",
    "obligations.occurrence_dates",
    "obligations.save_settings_record",
    "obligations.settings_for",
    "obligations.terms_for",
    "org.require_unit",
    "reports.alert_late_ledgers",
    "reports.current",
    "reports.late_ledger_job",
    "reports.month_status",
    "responsibility.content_hash",
    "responsibility.content_of",
    "responsibility.is_acknowledged",
    "responsibility.posts_of_bureau",
    "responsibility.remind_unsigned",
    "responsibility.require_own",
    "responsibility.template_for",
    "risks.adopt_starter",
    "risks.thresholds_for",
}

# Bypassing writes on audited record types, each with its reason.
BYPASS_EXEMPT: dict[str, str] = {
    "obligations.expand:connection.cursor(": "occurrences and tally are generated rows (audited = False), written "
                                             "by plain INSERT at province scale; the rules and activities are audited",
}


def _action_modules() -> list[Any]:
    mods = []
    for info in pkgutil.iter_modules(anxiao.__path__):
        try:
            mods.append(importlib.import_module(f"anxiao.{info.name}.actions"))
        except ModuleNotFoundError as exc:
            if exc.name != f"anxiao.{info.name}.actions":
                raise
    return mods


def _actions() -> list[tuple[str, Any]]:
    found = []
    for mod in _action_modules():
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ == mod.__name__ and not name.startswith("_"):
                found.append((f"{mod.__name__.split('.')[1]}.{name}", fn))
    return found


ACTIONS = _actions()


def _source_with_helpers(fn: Any) -> str:
    """The function's source and that of the module's private helpers it calls (two levels)."""
    mod = inspect.getmodule(fn)
    seen: set[str] = set()
    out = []
    todo = [fn]
    for _depth in range(3):
        nxt = []
        for f in todo:
            if f.__name__ in seen:
                continue
            seen.add(f.__name__)
            src = inspect.getsource(f)
            out.append(src)
            for helper in set(re.findall(r"\b(_\w+)\(", src)):
                obj = getattr(mod, helper, None)
                if inspect.isfunction(obj) and obj.__module__ == mod.__name__:
                    nxt.append(obj)
        todo = nxt
    return "\n".join(out)


def test_every_action_is_found():
    assert len(ACTIONS) > 100


def _writes(fn: Any) -> bool:
    return bool(WRITE.search(_source_with_helpers(fn)))


def test_read_only_actions_are_listed_and_write_nothing() -> None:
    derived = {name for name, fn in ACTIONS if not _writes(fn)}
    assert derived - READ_ONLY == set(), f"actions that write nothing, to list as read-only: {sorted(derived - READ_ONLY)}"
    assert READ_ONLY - derived == set(), f"listed as read-only but they write (or are gone): {sorted(READ_ONLY - derived)}"


@pytest.mark.parametrize("name,fn", ACTIONS, ids=[n for n, _ in ACTIONS])
def test_every_writing_action_goes_through_a_logged_path(name: str, fn: Any) -> None:
    src = _source_with_helpers(fn)
    mod = inspect.getmodule(fn)
    bad = []
    for match in BYPASS.finditer(src):
        model = getattr(mod, match.group(1) or "", None)
        if match.group(1) and not (isinstance(model, type) and issubclass(model, AnxiaoModel) and model.audited):
            continue  # a record type that is not audited (generated rows, counters)
        key = f"{name}:{match.group(0)}"
        if key not in BYPASS_EXEMPT:
            bad.append(key)
    assert not bad, f"{name} writes without a log entry: {bad}"


def test_bulk_writes_on_audited_models_are_logged(world) -> None:  # type: ignore[no-untyped-def]
    from anxiao.core.models import AuditLog
    from anxiao.org.models import Person

    made = Person.objects.bulk_create([Person(name="甲", unit=world.a1), Person(name="乙", unit=world.a1)])
    assert AuditLog.objects.filter(action="create", object_id__in=[str(p.pk) for p in made]).count() == 2
    for p in made:
        p.name += "改"
    Person.objects.bulk_update(made, ["name"])
    entries = AuditLog.objects.filter(action="update", object_id__in=[str(p.pk) for p in made])
    assert sorted(e.changes["name"][1] for e in entries) == ["乙改", "甲改"]
