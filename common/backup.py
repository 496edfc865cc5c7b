"""Consistent backups of the whole database, and restoring one, for `manage.py backup` and `restore`.

A backup is one file: on SQLite a copy made with SQLite's online-backup API (consistent
while the app keeps writing), on PostgreSQL a `pg_dump --format=custom` archive (one
snapshot of every table). Either way it is the whole database, schema included, so it
restores into an empty database as well as over the one it came from. This module knows
databases, not the clinic: it imports no app.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}
KIND = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def database_label(alias: str = "default") -> str:
    """What an operator types to confirm a restore: the database's name (a SQLite file's name)."""
    connection = connections[alias]
    name = str(connection.settings_dict["NAME"])
    return Path(name).name if connection.vendor == "sqlite" and "://" not in name else name


def _supported(vendor: str) -> None:
    if vendor not in SUFFIX:
        raise CommandError(f"Backups are made for SQLite and PostgreSQL only, not {vendor}.")


def backup_database(*, directory: Path, alias: str = "default") -> Path:
    """Write a timestamped (UTC) backup into `directory` and return its path.

    The file appears under its final name only once complete, so a crash or a full disk
    never leaves something that looks like a good backup.
    """
    connection = connections[alias]
    _supported(connection.vendor)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"clinicsetu-{timezone.now():%Y%m%d-%H%M%S}{SUFFIX[connection.vendor]}"
    if target.exists():
        raise CommandError(f"{target} already exists; wait a second and try again.")
    partial = target.with_name(target.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(partial)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
        else:
            _run(_pg_tool("pg_dump"), "--format=custom", f"--file={partial}", *_pg_arguments(connection), alias=alias)
        partial.chmod(0o600)  # every patient's health data: readable by the operator's account alone
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def check_backup_file(path: Path, *, alias: str = "default") -> None:
    """Refuse what is missing, not a backup, or a backup of the other kind of database."""
    vendor = connections[alias].vendor
    _supported(vendor)
    if not path.is_file():
        raise CommandError(f"{path} does not exist.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    found = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if found is None:
        raise CommandError(f"{path} is not a backup made by `manage.py backup`.")
    if found != vendor:
        raise CommandError(f"{path} is a {KIND[found]} backup; this database is {KIND[vendor]}.")


def restore_database(*, path: Path, alias: str = "default") -> None:
    """Replace every table of the database with the backup's. Check the file first (`check_backup_file`)."""
    connection = connections[alias]
    if connection.vendor == "sqlite":
        # Page by page into the live connection: works for a file and for an in-memory database alike.
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    # Our own idle connection must not hold anything the restore has to drop.
    connection.close()
    _run(
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *_pg_arguments(connection, dbname_option=True),
        str(path),
        alias=alias,
    )


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise CommandError(
            f"{name} was not found on PATH: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version or newer."
        )
    return tool


def _pg_arguments(connection, *, dbname_option: bool = False) -> list[str]:
    """Host, port, user and database from Django's settings; the password goes in the environment."""
    database = connection.settings_dict
    arguments = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments.append(f"{option}={database[key]}")
    arguments.append(f"--dbname={database['NAME']}" if dbname_option else str(database["NAME"]))
    return arguments


def _run(*command: str, alias: str) -> None:
    database = connections[alias].settings_dict
    env = os.environ.copy()
    # Never on the command line, where any local user could read it in the process list.
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(database["OPTIONS"]["sslmode"])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (fixed tool, our arguments)
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()}")
