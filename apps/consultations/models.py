from django.db import models
from django.utils import timezone

from common.constants import QueuePriority, SessionStatus
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

    # The waiting room (SPEC §11). Queue order: `queue_rank` (from the priority: emergency 0, elderly and
    # pregnant 1, others 2), then `queued_at` (the registration time), then id. A skip moves both to just
    # behind the token it goes back behind; a requeue or a move resets them to the priority's rank and now.
    # States: waiting → called (called_at) → in consultation (started_at) → completed; a second skip
    # makes it a no-show (no_show_at) until requeued.
    priority = models.CharField(max_length=10, choices=QueuePriority.choices, default=QueuePriority.NONE)
    queue_rank = models.PositiveSmallIntegerField(default=2, editable=False)
    queued_at = models.DateTimeField(default=timezone.now, editable=False)
    called_at = models.DateTimeField(null=True, blank=True, editable=False)
    recall_count = models.PositiveSmallIntegerField(default=0, editable=False)
    skip_count = models.PositiveSmallIntegerField(default=0, editable=False)
    no_show_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by every step that changes what a waiting-room display shows: its ETag reads the latest one.
    queue_changed_at = models.DateTimeField(default=timezone.now, editable=False)

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
                condition=models.Q(priority__in=QueuePriority.values), name="session_priority_valid"
            ),
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
            # The waiting-room display's ETag: the latest change of the hospital's day.
            models.Index(fields=["hospital", "token_date", "queue_changed_at"], name="session_hosp_day_changed_idx"),
        ]

    def __str__(self) -> str:
        return f"Session {self.session_number} of visit #{self.visit_id} (token {self.token_number})"

    @property
    def is_open(self) -> bool:
        return self.status == SessionStatus.OPEN

    @property
    def queue_state(self) -> str:
        """waiting, called, in_consultation, no_show or completed."""
        if self.status == SessionStatus.COMPLETED:
            return "completed"
        if self.started_at is not None:
            return "in_consultation"
        if self.no_show_at is not None:
            return "no_show"
        if self.called_at is not None:
            return "called"
        return "waiting"


class ReleasedToken(HospitalScopedModel):
    """A token number a doctor's day gave out and lost when the front desk moved its patient to another
    doctor. Kept so that the number is never handed out again that day: a token seen on the waiting-room
    display or on a patient's slip means one patient only."""

    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    token_date = models.DateField()
    token_number = models.PositiveIntegerField()
    session = models.ForeignKey(ConsultationSession, on_delete=models.PROTECT, related_name="released_tokens")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["doctor", "token_date", "token_number"], name="released_token_unique_per_doctor_day"
            ),
        ]
        indexes = [models.Index(fields=["hospital", "doctor", "token_date"], name="released_token_day_idx")]

    def __str__(self) -> str:
        return f"Token {self.token_number} released"
