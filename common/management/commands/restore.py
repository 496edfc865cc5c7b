from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.management.sql import emit_post_migrate_signal

from common.backup import check_backup_file, database_label, restore_database


class Command(BaseCommand):
    help = (
        "Replace every table of the database with a backup made by `manage.py backup`, after you type the "
        "database's name (or with --yes). Stop the app processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (.sqlite3 or .dump).")
        parser.add_argument(
            "--yes", "--noinput", "--no-input", action="store_true", dest="yes", help="Do not ask for confirmation."
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, file: Path, yes: bool = False, database: str = "default", **options):
        check_backup_file(file, alias=database)
        label = database_label(database)
        if not yes:
            answer = input(
                f"This replaces every row of database {label} with the backup {file}. "
                "Type the database name to continue: "
            )
            if answer.strip() != label:
                raise CommandError("Restore cancelled; nothing was changed.")
        restore_database(path=file, alias=database)
        # What every migrate ends with, for the tables the restore made: among others the app role's grants
        # (DATABASE_APP_ROLE), which those tables got from the default privileges instead (full rows, audit too).
        emit_post_migrate_signal(verbosity=0, interactive=False, db=database)
        self.stdout.write(f"Restored {file} into {label}.")
