"""Name search on PostgreSQL: a trigram index, so "find 'ram' anywhere in the name" reads only the
matching rows instead of every patient of the hospital.

The search is `full_name__icontains`, which PostgreSQL runs as UPPER(full_name) LIKE UPPER('%…%'),
hence the index on UPPER(full_name). pg_trgm ships with PostgreSQL and is a trusted extension
(the database owner may create it). SQLite has neither; there the migration does nothing, and
the model's Meta does not name the index because SQLite could not build it.
"""

from django.db import migrations

INDEX = "patient_name_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON patients_patient USING gin (UPPER(full_name) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    # The extension stays: other objects may use it, and it holds no data.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
