import pgtrigger
from django.conf import settings
from django.db import models

from common.exceptions import Conflict


class AuditEvent(models.Model):
    """One thing that happened, by whom, to what. Append-only (SPEC §2 "Audit").

    Written by the service in the same transaction as the change it records.
    The application never updates or deletes a row; on PostgreSQL a trigger
    refuses UPDATE and DELETE as well.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied at the time of the event: later renames or role changes do not rewrite history.
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    hospital = models.ForeignKey(
        "hospitals.Hospital", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "-created_at"], name="audit_hosp_time_idx"),
            models.Index(fields=["hospital", "action", "-created_at"], name="audit_hosp_action_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
            models.Index(fields=["-created_at"], name="audit_time_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_username or '-'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Conflict("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("Audit events cannot be deleted.")
