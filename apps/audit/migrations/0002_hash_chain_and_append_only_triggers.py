"""Audit events become links of one hash chain per hospital, and PostgreSQL refuses UPDATE, DELETE and TRUNCATE
of them with triggers no session setting switches off.

django-pgtrigger's Protect trigger (0001) honours `SET pgtrigger.ignore`, which any role may set, and
did not cover TRUNCATE. Its replacement here is a plain trigger: only the table's owner can disable it
(ALTER TABLE), and only a superuser can skip it (session_replication_role). The app connects as a role
that is neither (DATABASE_APP_ROLE, common/db_roles.py); what a superuser does anyway, the chain shows.

Existing events are linked in the order they were written (by id). Backwards, the triggers go, the
chain's columns and heads are dropped and 0001's trigger comes back.
"""

import django.utils.timezone
import pgtrigger.migrations
from django.db import migrations, models

from apps.audit.chain import GENESIS, PLATFORM_CHAIN, content_hash

BATCH = 1000

APPEND_ONLY_SQL = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % of % refused', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
DROP_APPEND_ONLY_SQL = """
DROP TRIGGER audit_refuse_truncate ON audit_auditevent;
DROP TRIGGER audit_refuse_update_delete ON audit_auditevent;
DROP FUNCTION audit_refuse_change();
"""


def link_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    heads: dict[int, tuple[int, str]] = {}
    last_id = 0
    # A page at a time, read whole before it is written: SQLite does not isolate a read from writes
    # made on the same connection while it runs.
    while page := list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:BATCH]):
        for event in page:
            chain = event.hospital_id or PLATFORM_CHAIN
            seq, prev_hash = heads.get(chain, (0, GENESIS))
            event.seq, event.prev_hash = seq + 1, prev_hash
            event.hash = content_hash(event)
            heads[chain] = (event.seq, event.hash)
        AuditEvent.objects.bulk_update(page, ["seq", "prev_hash", "hash"])
        last_id = page[-1].id
    AuditChainHead.objects.bulk_create(AuditChainHead(chain=chain, seq=seq) for chain, (seq, _) in heads.items())


def create_append_only_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)  # None: its % are not placeholders


def drop_append_only_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField()),
            ],
        ),
        # Before the rows are linked: 0001's trigger refuses the UPDATEs that link them.
        pgtrigger.migrations.RemoveTrigger(model_name="auditevent", name="audit_append_only"),
        migrations.RunPython(link_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)), fields=("hospital", "seq"), name="audit_hosp_seq_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", True)), fields=("seq",), name="audit_platform_seq_uniq"
            ),
        ),
        migrations.RunPython(create_append_only_triggers, drop_append_only_triggers),
    ]
