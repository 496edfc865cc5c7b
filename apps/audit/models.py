from django.conf import settings
from django.db import models
from django.utils import timezone

from common.exceptions import Conflict


class AuditEvent(models.Model):
    """One thing that happened, by whom, to what. Append-only (SPEC §2 "Audit").

    Written by the service in the same transaction as the change it records, with only
    what `apps.audit.policy` lets its readers see. The application never updates or
    deletes a row; on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE as well
    (migration 0002), and each event is a link of its hospital's hash chain
    (`apps.audit.chain`), so a change made around all that still shows.
    """

    # Set by record_event before the event's hash is computed over it.
    created_at = models.DateTimeField(default=timezone.now)
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
    # The event's place in its chain (1, 2, … per hospital; one more chain for events without one),
    # the hash of the event before it, and its own hash over its content and that one.
    seq = models.PositiveBigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "-created_at"], name="audit_hosp_time_idx"),
            models.Index(fields=["hospital", "action", "-created_at"], name="audit_hosp_action_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
            models.Index(fields=["-created_at"], name="audit_time_idx"),
        ]
        constraints = [
            # One event per place in each chain; also the index `verify_audit` walks a chain by.
            models.UniqueConstraint(
                fields=["hospital", "seq"], condition=models.Q(hospital__isnull=False), name="audit_hosp_seq_uniq"
            ),
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(hospital__isnull=True), name="audit_platform_seq_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_username or '-'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise Conflict("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The last place taken in one chain. Appending an event upserts this row, which takes the next
    place and holds the row locked until commit (`apps.audit.chain.link`)."""

    chain = models.PositiveBigIntegerField(primary_key=True)  # the hospital's id; 0 for events without one
    seq = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"chain {self.chain}: seq {self.seq}"
