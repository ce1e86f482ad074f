"""On PostgreSQL, compare the occurrence keys byte by byte ("C" collation): they are ASCII codes such as
"p12u34" and "2026-03", and the unique index over them is written for every slot a year's expansion makes."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE obligations_occurrence ALTER COLUMN subject_key TYPE varchar(40) COLLATE "C", '
                              'ALTER COLUMN period_key TYPE varchar(12) COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE obligations_occurrence ALTER COLUMN subject_key TYPE varchar(40) "
                              'COLLATE "default", ALTER COLUMN period_key TYPE varchar(12) COLLATE "default"')


class Migration(migrations.Migration):

    dependencies = [
        ("obligations", "0005_occurrence_without_fk_constraints"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
