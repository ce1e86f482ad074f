"""The overdue list reads a partial index of the hazards that can run late, by deadline (issue 18)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0004_ledger_covering_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('status__in', ('graded', 'rectifying'))), fields=['deadline', 'id'], name='hazard_overdue_by_deadline'),
        ),
    ]
