from django.db import models

from common.constants import SessionStatus
from common.models import HospitalScopedModel


class ConsultationSession(HospitalScopedModel):
    """One sitting with the doctor within a visit: session 1 at creation, n+1 per follow-up."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, related_name="sessions")
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="consultation_sessions")
    session_number = models.PositiveSmallIntegerField(editable=False)
    # Shown to the patient; per doctor per hospital day, 1, 2, …
    token_number = models.PositiveIntegerField(editable=False)
    token_date = models.DateField(editable=False)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    # When the doctor started the consultation (a POST): "waiting" before, "in consultation" after.
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "session_number"], name="session_number_unique_per_visit"),
            models.UniqueConstraint(
                fields=["doctor", "token_date", "token_number"], name="session_token_unique_per_doctor_day"
            ),
            # At most one open session per visit, even under simultaneous follow-ups.
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(status=SessionStatus.OPEN), name="session_one_open_per_visit"
            ),
            models.CheckConstraint(condition=models.Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=SessionStatus.OPEN, completed_at__isnull=True)
                | models.Q(status=SessionStatus.COMPLETED, completed_at__isnull=False),
                name="session_completed_iff_completed_at",
            ),
        ]
        indexes = [
            # The doctor's queue: open sessions, oldest first.
            models.Index(fields=["hospital", "doctor", "status", "created_at"], name="session_queue_idx"),
            models.Index(fields=["hospital", "token_date"], name="session_hosp_day_idx"),
        ]

    def __str__(self) -> str:
        return f"Session {self.session_number} of visit #{self.visit_id} (token {self.token_number})"

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN
