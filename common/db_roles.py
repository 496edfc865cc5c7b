"""The app's own PostgreSQL role (DATABASE_APP_ROLE): it reads and writes rows and owns nothing.

On PostgreSQL only a table's owner (or a superuser) may ALTER, DROP or TRUNCATE it, disable
its triggers or grant on it. So the app, connecting as a role that owns nothing and is no
superuser, cannot switch off what protects a table, whatever SQL it is tricked into
running; `migrate` runs as the owner, which creates every table. `grant_app_role` gives the
app role what it needs on every table of the schema, now and (default privileges) for
tables the owner creates later, minus what `limited` takes back for particular tables. It
runs after every `migrate` (apps.audit.apps), so `migrate` stays the one database step
an operator takes. This module knows databases, not the clinic: it imports no app.
"""

from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

# What the app may do to a row of any table: never TRUNCATE, REFERENCES or TRIGGER, and no DDL.
ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


def grant_app_role(connection, *, role: str, limited: dict[str, str]) -> None:
    """Grant `role` ROW_PRIVILEGES on every table and use of every sequence of the current schema, as the
    connection's role (the owner), and only `limited[table]` (e.g. "SELECT, INSERT") on the tables named there.

    Refuses (ImproperlyConfigured), changing nothing: a role that does not exist, is the owner
    itself, is a superuser, or owns a table of the schema, since any of these could lift what the
    grants withhold.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, r.rolname = current_user, current_schema(), array("
            "  SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tableowner = r.rolname"
            ") FROM pg_roles r WHERE r.rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        if found is None:
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE {role!r} does not exist: create it first (CREATE ROLE … LOGIN; docs/operations.md)."
            )
        superuser, is_owner, schema, owned = found
        if superuser or is_owner:
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE {role!r} must be neither a superuser nor the role migrate runs as: "
                "either could switch off the audit log's protection."
            )
        if owned:
            raise ImproperlyConfigured(
                f"DATABASE_APP_ROLE {role!r} owns {', '.join(sorted(owned))}: make the owner own them "
                "(ALTER TABLE … OWNER TO …) and run migrate again."
            )
        names = {"role": sql.Identifier(role), "schema": sql.Identifier(schema)}
        statements = [
            "GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA {{schema}} TO {{role}}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {{schema}} GRANT {ROW_PRIVILEGES} ON TABLES TO {{role}}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        for table, privileges in limited.items():
            statements += [f"REVOKE ALL ON {{{table}}} FROM {{role}}", f"GRANT {privileges} ON {{{table}}} TO {{role}}"]
            names[table] = sql.Identifier(schema, table)
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(**names).as_string(cursor.connection))
