from django.core.validators import MaxValueValidator, MinValueValidator
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


# The consultation record (SPEC §9): what the doctor writes in a session beside the prescription.
# Every table carries its hospital (SPEC §2 "Tenancy"); the lists a record holds are rows of their
# own, in the order the doctor wrote them (`position`), replaced whole by the record's service.

TEXT_LIMIT = 4000  # history, examination: a page of notes
ADVICE_LIMIT = 2000
LINE_LIMIT = 200  # a complaint, a diagnosis, an investigation, a saved line
DURATION_LIMIT = 50
FOLLOW_UP_DAYS_MAX = 365


class ConsultationRecord(HospitalScopedModel):
    """One per session, made by the first save of any part of it."""

    session = models.OneToOneField(ConsultationSession, on_delete=models.PROTECT, related_name="record")
    history = models.TextField(blank=True, max_length=TEXT_LIMIT)
    examination = models.TextField(blank=True, max_length=TEXT_LIMIT)
    advice = models.TextField(blank=True, max_length=ADVICE_LIMIT)
    follow_up_date = models.DateField(null=True, blank=True)
    follow_up_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(FOLLOW_UP_DAYS_MAX)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(follow_up_date__isnull=True) | models.Q(follow_up_days__isnull=True),
                name="record_follow_up_date_or_days",
            ),
            models.CheckConstraint(
                condition=models.Q(follow_up_days__isnull=True)
                | models.Q(follow_up_days__gte=1, follow_up_days__lte=FOLLOW_UP_DAYS_MAX),
                name="record_follow_up_days_range",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "session"], name="record_hosp_session_idx")]

    def __str__(self) -> str:
        return f"Record of session #{self.session_id}"


class RecordLine(HospitalScopedModel):
    """A line of a record's list, in the doctor's order."""

    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ["record_id", "position"]


class Complaint(RecordLine):
    record = models.ForeignKey(ConsultationRecord, on_delete=models.CASCADE, related_name="complaints")
    text = models.CharField(max_length=LINE_LIMIT)
    duration = models.CharField(max_length=DURATION_LIMIT, blank=True)

    class Meta(RecordLine.Meta):
        indexes = [models.Index(fields=["hospital", "record", "position"], name="complaint_hosp_record_idx")]

    def __str__(self) -> str:
        return f"{self.text} × {self.duration}" if self.duration else self.text


class DiagnosisKind(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class DiagnosisCertainty(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    CONFIRMED = "confirmed", "Confirmed"


class Diagnosis(RecordLine):
    """An ICD-10 code with its title, or a free-text diagnosis (no code) when none fits."""

    record = models.ForeignKey(ConsultationRecord, on_delete=models.CASCADE, related_name="diagnoses")
    icd_code = models.CharField(max_length=10, blank=True)
    text = models.CharField(max_length=LINE_LIMIT)
    kind = models.CharField(max_length=10, choices=DiagnosisKind, default=DiagnosisKind.PRIMARY)
    certainty = models.CharField(max_length=11, choices=DiagnosisCertainty, default=DiagnosisCertainty.PROVISIONAL)

    class Meta(RecordLine.Meta):
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DiagnosisKind.values), name="diagnosis_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(certainty__in=DiagnosisCertainty.values), name="diagnosis_certainty_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "record", "position"], name="diagnosis_hosp_record_idx"),
            models.Index(fields=["hospital", "icd_code"], name="diagnosis_hosp_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.icd_code} {self.text}".strip()


class Investigation(RecordLine):
    """A test advised: from the hospital's list or free text."""

    record = models.ForeignKey(ConsultationRecord, on_delete=models.CASCADE, related_name="investigations")
    text = models.CharField(max_length=LINE_LIMIT)

    class Meta(RecordLine.Meta):
        indexes = [models.Index(fields=["hospital", "record", "position"], name="investig_hosp_record_idx")]

    def __str__(self) -> str:
        return self.text


# The hospital's own lists, which the hospital admin edits: quick picks for complaints, the tests it
# advises, its saved advice lines, and its own ICD-10 shorthand.


class PickListKind(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    INVESTIGATION = "investigation", "Investigation"
    ADVICE = "advice", "Advice line"


class PickListEntry(HospitalScopedModel):
    kind = models.CharField(max_length=13, choices=PickListKind)
    text = models.CharField(max_length=LINE_LIMIT)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "text"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "kind", "text"], name="picklist_unique_text_per_kind"),
            models.CheckConstraint(condition=models.Q(kind__in=PickListKind.values), name="picklist_kind_valid"),
        ]
        indexes = [models.Index(fields=["hospital", "kind", "is_active", "text"], name="picklist_hosp_kind_idx")]

    def __str__(self) -> str:
        return self.text


class IcdSynonym(HospitalScopedModel):
    """The hospital's own shorthand for an ICD-10 code, searched before the shipped table."""

    term = models.CharField(max_length=60)  # normalised: upper case, single spaces (icd10.normalise_term)
    icd_code = models.CharField(max_length=10)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["hospital", "term"], name="icd_synonym_unique_term")]
        indexes = [models.Index(fields=["hospital", "is_active", "term"], name="icd_synonym_hosp_term_idx")]

    def __str__(self) -> str:
        return f"{self.term} → {self.icd_code}"
