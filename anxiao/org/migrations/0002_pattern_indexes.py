"""Prefix (LIKE 'x%') indexes for the tree paths on PostgreSQL.

The access helper filters by path prefix; with a non-C collation PostgreSQL only uses an
index for that with varchar_pattern_ops. SQLite needs nothing.
"""

from django.db import migrations

INDEXES = [
    ("org_region_path_like", "org_region", "path"),
    ("org_unit_path_like", "org_unit", "path"),
    ("org_unit_region_path_like", "org_unit", "region_path"),
    ("core_auditlog_unit_path_like", "core_auditlog", "unit_path"),
    ("core_auditlog_region_path_like", "core_auditlog", "region_path"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column} varchar_pattern_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
