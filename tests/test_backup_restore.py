"""`manage.py backup` and `restore`: a backup brings back every table's rows and the audit log exactly."""

import hashlib
import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apps.accounts.models import ApiToken
from apps.audit.models import AuditEvent
from apps.hospitals.tests.factories import HospitalFactory
from common import backup
from tests.api_world import build_world

ROOT = Path(__file__).resolve().parent.parent
BACKUP_NAME = re.compile(r"^clinicsetu-\d{8}-\d{6}\.(sqlite3|dump)$")


def database_state() -> dict:
    """Rows in every table of the database (Django's own included) and a checksum of the audit log."""
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from the schema)
            counts[table] = cursor.fetchone()[0]
    audit = hashlib.sha256()
    for row in AuditEvent.objects.order_by("pk").values_list(
        "pk", "created_at", "actor_id", "actor_username", "actor_role", "hospital_id", "action", "object_type",
        "object_id", "summary", "changes", "ip_address",
    ):  # fmt: skip
        audit.update(repr(row).encode())
    return {"rows": counts, "audit_sha256": audit.hexdigest()}


def make_backup(directory: Path) -> Path:
    out = io.StringIO()
    call_command("backup", output_dir=directory, stdout=out)
    [path] = directory.iterdir()
    assert out.getvalue().startswith(str(path))
    return path


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_every_tables_rows_and_the_same_audit_log(tmp_path):
    build_world(HospitalFactory(name="Backed Up"), "b")
    before = database_state()
    assert before["rows"]["audit_auditevent"] > 10
    path = make_backup(tmp_path)
    assert BACKUP_NAME.match(path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    # After the backup: a second hospital's morning is added and every API token is lost.
    build_world(HospitalFactory(name="After The Backup"), "a")
    ApiToken.objects.all().delete()
    assert database_state() != before

    call_command("restore", str(path), yes=True, stdout=io.StringIO())

    assert database_state() == before
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the append-only triggers came back with their table
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_refuse_%'")
            assert cursor.fetchone()[0] == 2
    call_command("verify_audit", stdout=io.StringIO())  # and the restored log's chains hold


@pytest.mark.django_db(transaction=True)
def test_restore_asks_for_the_database_name_and_a_wrong_answer_changes_nothing(tmp_path, monkeypatch):
    build_world(HospitalFactory(), "b")
    path = make_backup(tmp_path)
    HospitalFactory(name="Added later")
    after = database_state()
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "yes")

    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        call_command("restore", str(path))

    label = backup.database_label()
    assert questions == [
        f"This replaces every row of database {label} with the backup {path}. Type the database name to continue: "
    ]
    assert database_state() == after
    monkeypatch.setattr("builtins.input", lambda question: label)
    call_command("restore", str(path), stdout=io.StringIO())
    assert database_state() != after


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,age\nAsha,31\n", "is not a backup made by `manage.py backup`"),
        (b"PGDMP\x01\x0e\x00", "is a PostgreSQL backup"),
        (b"SQLite format 3\x00" + bytes(100), "is a SQLite backup"),
    ],
)
@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind_of_database(tmp_path, content, message):
    own_kind = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    if f"is a {own_kind} backup" in message:
        pytest.skip(f"a {own_kind} backup is the right kind here")
    path = tmp_path / "clinicsetu-20260101-000000.dump"
    path.write_bytes(content)
    rows = database_state()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore", str(path), yes=True)
    assert database_state() == rows


@pytest.mark.django_db
def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nothing.dump"), yes=True)


@pytest.mark.django_db
def test_backup_without_pg_dump_fails_clearly_and_leaves_no_file(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used only on PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        call_command("backup", output_dir=tmp_path / "backups")
    assert list((tmp_path / "backups").iterdir()) == []


def test_backup_and_restore_from_the_command_line_on_a_sqlite_file(tmp_path):
    """As an operator runs them: BACKUP_DIR from the environment, a file database, `restore --yes`."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.sqlite3'}",
        "BACKUP_DIR": str(tmp_path / "backups"),
    }

    def manage(*arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v", "0")
    printed = manage("backup")
    [path] = (tmp_path / "backups").iterdir()
    assert BACKUP_NAME.match(path.name)
    assert printed.startswith(f"{path} (")
    manage("createsuperuser", "--noinput", "--username", "later", "--email", "later@example.org")
    assert "Restored" in manage("restore", str(path), "--yes")
    count_users = "from apps.accounts.models import User; print(User.objects.count())"
    assert manage("shell", "--no-imports", "-c", count_users).strip() == "0"
