"""On PostgreSQL, money entries refuse UPDATE and DELETE in the database too (SPEC §12: nothing is edited
or deleted; a cancellation or refund is a new entry). Plain triggers, as the audit log's (audit/0002):
only the table's owner can disable them. Bills themselves keep their running totals and status, so
they are guarded by check constraints and their queryset, not by a trigger."""

from django.db import migrations

TABLES = ("billing_billline", "billing_payment", "billing_dayclose")

CREATE = """
CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'billing entries are append-only: % of % refused', TG_OP, TG_TABLE_NAME;
END
$$;
""" + "".join(
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change();\n"
    for table in TABLES
)
DROP = "".join(f"DROP TRIGGER {table}_append_only ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION billing_refuse_change();\n"
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)  # None: its % are not placeholders


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
