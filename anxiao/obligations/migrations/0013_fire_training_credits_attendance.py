"""``national.school.annual_fire_training`` (61号令 第三十六条: 每名员工每年一次消防培训) credits the people who
attended a staff training (``roles: [attended]``): its slot counts the school's people present against all its
people, not trainings held. A bureau's rule that still holds the earlier pack's crediting (no roles) takes it, as a
pack reload would (the credit block is the rule's text); a bureau's own crediting is kept. Slots are counted again
as records and people change (``obligations.actions.recount_people``)."""

from django.db import migrations

CODE = "national.school.annual_fire_training"


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_model = apps.get_model("obligations", "ObligationRule")
    for rule in rule_model.objects.filter(code=CODE):
        credit = dict(rule.credit or {})
        if credit.get("records") == ["education:staff_training"] and not credit.get("roles"):
            credit["roles"] = ["attended"]
            rule.credit = credit
            rule.save(update_fields=["credit"])


class Migration(migrations.Migration):
    dependencies = [("obligations", "0012_occurrence_daily_months_index")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
