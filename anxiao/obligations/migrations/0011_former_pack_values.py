"""A bureau that loaded the national pack before 2026-12 keeps per-guard slots of the guards' daily key-point
patrol (``post_kinds: [security_guard]``), which patrol rounds can no longer meet: the rule became the school's
slot. A rule still holding that old pack value never chose it, so it takes today's (no post kinds); a bureau's own
value is kept. Frozen copy of ``obligations.actions.FORMER_PACK_VALUES`` at this release. The slots follow at the
next expansion (the worker's nightly run, or ``anxiao obligations expand``)."""

from django.db import migrations

FORMER = {"national.school.daily_keypoint_patrol": ("post_kinds", [["security_guard"]], [])}


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_model = apps.get_model("obligations", "ObligationRule")
    for code, (field, formers, today) in FORMER.items():
        for rule in rule_model.objects.filter(code=code):
            if sorted(getattr(rule, field) or []) in [sorted(v) for v in formers]:
                setattr(rule, field, today)
                rule.save(update_fields=[field])


class Migration(migrations.Migration):
    dependencies = [("obligations", "0010_school_days_and_party_meetings")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
