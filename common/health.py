"""Health checks for a load balancer or orchestrator: no login, no session, nothing revealed.

`/healthz` (liveness) answers while the process can serve a request at all; it touches
no database, so a database outage does not make every app process look dead and get
restarted for nothing. `/readyz` (readiness) answers 200 only when this process can
do real work: the database answers and every migration this code knows of is applied
(a process started before `migrate` finished must not get traffic). Both bodies hold
the status alone: no versions, hosts or error text; the reason for a 503 is logged.
"""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _answer(status: str, code: int = 200) -> JsonResponse:
    return JsonResponse({"status": status}, status=code)


@never_cache
@require_safe
def liveness(request):
    return _answer("ok")


def unapplied_migration_count() -> int:
    """How many migrations of this code the database still lacks (0 = schema up to date)."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@never_cache
@require_safe
def readiness(request):
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        missing = unapplied_migration_count()
    except DatabaseError as error:
        logger.warning("Not ready: the database did not answer (%s: %s)", type(error).__name__, error)
        return _answer("unavailable", 503)
    if missing:
        logger.warning("Not ready: %d migration(s) not applied; run `manage.py migrate`", missing)
        return _answer("unavailable", 503)
    return _answer("ready")
