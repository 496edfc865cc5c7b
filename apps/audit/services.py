from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from apps.audit.chain import link
from apps.audit.context import get_client_ip
from apps.audit.models import AuditEvent
from apps.audit.policy import allowed_changes
from common.permissions import can_read_audit, require

if TYPE_CHECKING:
    from apps.accounts.models import User


def record_event(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    hospital: Any = None,
    summary: str = "",
    changes: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the service's transaction, last, after the change.

    Last, because appending locks the head of the hospital's hash chain until commit
    (`apps.audit.chain.link`): a service that took another lock after it could wait on a
    transaction that is itself waiting for that head.

    `hospital` defaults to the target's hospital, then the actor's (pass it for a
    Hospital target). `username` records who tried when there is no actor (a failed
    login). `changes` is stored as the action's entry in `apps.audit.policy` allows:
    keys it does not keep are reduced to their names; an action without an entry is
    refused (UnknownAuditAction). `summary` must name things by id, MRN or username,
    never by a clinical value (the log's readers may see none).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records.")
    changes = allowed_changes(action, changes or {})
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if hospital is None:
        hospital_id = getattr(target, "hospital_id", None) or getattr(actor_obj, "hospital_id", None)
    else:
        hospital_id = hospital.pk
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_username=actor_obj.username if actor_obj else (username or "")[:150],
        actor_role=actor_obj.role if actor_obj else "",
        hospital_id=hospital_id,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changes=changes,
        ip_address=get_client_ip(),
    )
    link(event)
    return event


def record_audit_export(*, by: User, filters: dict, rows: int, complete: bool) -> None:
    """Note who took a copy of the audit log: which part of it (the filters) and how much of it left (the
    rows sent; `complete` is false when the download was cut off). Called once the export has been sent.

    Refuses: a role without access to the log (PermissionDenied). Audit: audit.export.
    """
    require(can_read_audit(by))
    with transaction.atomic():
        record_event(
            actor=by,
            action="audit.export",
            summary=f"Exported {rows} audit events as CSV" + ("" if complete else " (cut off)"),
            changes={name: str(value) for name, value in filters.items() if value}
            | {"rows": rows, "complete": complete},
        )


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the named fields whose value changed (values as JSON-safe text)."""
    changed = {}
    for field in fields:
        after = getattr(instance, field)
        if before.get(field) != after:
            changed[field] = [_jsonable(before.get(field)), _jsonable(after)]
    return changed


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
