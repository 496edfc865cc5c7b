from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from common.backup import backup_database


class Command(BaseCommand):
    help = (
        "Write a consistent, timestamped backup of the whole database (SQLite: online-backup API; "
        "PostgreSQL: pg_dump custom format) into BACKUP_DIR or --output-dir, and print its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="Directory for the backup (default: BACKUP_DIR).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, output_dir: Path | None = None, database: str = "default", **options):
        path = backup_database(directory=output_dir or Path(settings.BACKUP_DIR), alias=database)
        self.stdout.write(f"{path} ({filesizeformat(path.stat().st_size)})")
