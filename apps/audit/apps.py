from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate

from common.db_roles import grant_app_role


class AuditConfig(AppConfig):
    name = "apps.audit"

    def ready(self):
        post_migrate.connect(grant_the_app_role, sender=self)


def grant_the_app_role(*, using: str, **kwargs) -> None:
    """After every `migrate` (run as the owner), when DATABASE_APP_ROLE names the app's own PostgreSQL role:
    it may read and write every table's rows, but only read and append audit events, and move the chains'
    heads forward (never delete one, which would restart its chain). See common.db_roles."""
    connection = connections[using]
    if not settings.DATABASE_APP_ROLE or connection.vendor != "postgresql":
        return
    from apps.audit.models import AuditChainHead, AuditEvent

    grant_app_role(
        connection,
        role=settings.DATABASE_APP_ROLE,
        limited={AuditEvent._meta.db_table: "SELECT, INSERT", AuditChainHead._meta.db_table: "SELECT, INSERT, UPDATE"},
    )
