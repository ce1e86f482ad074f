"""A covering index for the ledger pages on PostgreSQL (benchmarks/bench_hazards.py).

The county ledger and the counts by status read every hazard of a bureau's schools (~20,000 of 2 million);
with the columns they filter and count on inside the index they run as index-only scans instead of reading
one heap page per hazard. SQLite has no INCLUDE and does not need it at its scale, so it is skipped there
(and kept out of Meta.indexes so that the models stay the same on both databases).
"""

from django.db import migrations

INDEX = "hazard_ledger_cover"
COLUMNS = "(unit_id, found_at DESC, id DESC) INCLUDE (status, grade, category, source, deadline, under_supervision, " \
          "reported_up_at)"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON hazards_hazard {COLUMNS}")


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_risk_link")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
