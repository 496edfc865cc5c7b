from datetime import date, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.constants import SessionStatus
from common.models import HospitalScopedModel

# Vitals ranges (SPEC §2). The models, the checks in the database and the
# service's messages all read these bounds.
HEIGHT_CM = (Decimal("30"), Decimal("250"))
WEIGHT_KG = (Decimal("0.5"), Decimal("350"))
SYSTOLIC = (50, 300)
DIASTOLIC = (20, 200)
PULSE = (20, 250)
TEMPERATURE_C = (Decimal("30.0"), Decimal("45.0"))


def _range(field: str, bounds) -> models.Q:
    low, high = bounds
    return models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


class Visit(HospitalScopedModel):
    """A patient's visit to one doctor, valid for `validity_days`, made of consultation sessions."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="visits")
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="visits_as_doctor")
    validity_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(365)])
    # The hospital's calendar day of creation; validity counts from it.
    visit_date = models.DateField(editable=False)
    is_active = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Not stored: set by create_visit_with_vitals to the session it opened, so callers need not read it back.
    opened_session: "ConsultationSession | None" = None

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(validity_days__gte=1, validity_days__lte=365), name="visit_validity_days_range"
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, closed_at__isnull=True)
                | models.Q(is_active=False, closed_at__isnull=False),
                name="visit_closed_iff_inactive",
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "patient", "doctor", "is_active"], name="visit_hosp_pat_doc_idx"),
            models.Index(fields=["hospital", "visit_date"], name="visit_hosp_date_idx"),
            models.Index(fields=["hospital", "patient", "-created_at"], name="visit_hosp_pat_time_idx"),
            # The visit list, newest first, a page at a time from the last row's position.
            models.Index(fields=["hospital", "-created_at", "-id"], name="visit_hosp_time_idx"),
        ]

    def __str__(self) -> str:
        return f"Visit #{self.pk} on {self.visit_date:%d %b %Y}"

    def validity_end_date(self) -> date:
        return self.visit_date + timedelta(days=self.validity_days)

    def is_expired(self, today: date | None = None) -> bool:
        """Expired once the hospital's day is past the validity end date."""
        return (today or self.hospital.local_date()) > self.validity_end_date()


class PatientVitals(HospitalScopedModel):
    """Recorded once, at visit creation. Every field optional, each range-checked."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="vitals")
    height_cm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(HEIGHT_CM[0]), MaxValueValidator(HEIGHT_CM[1])],
    )
    weight_kg = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(WEIGHT_KG[0]), MaxValueValidator(WEIGHT_KG[1])],
    )
    bp_systolic = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(SYSTOLIC[0]), MaxValueValidator(SYSTOLIC[1])]
    )
    bp_diastolic = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(DIASTOLIC[0]), MaxValueValidator(DIASTOLIC[1])]
    )
    pulse_rate = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(PULSE[0]), MaxValueValidator(PULSE[1])]
    )
    temperature_c = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(TEMPERATURE_C[0]), MaxValueValidator(TEMPERATURE_C[1])],
    )

    class Meta:
        verbose_name_plural = "patient vitals"
        constraints = [
            models.CheckConstraint(condition=_range("height_cm", HEIGHT_CM), name="vitals_height_range"),
            models.CheckConstraint(condition=_range("weight_kg", WEIGHT_KG), name="vitals_weight_range"),
            models.CheckConstraint(condition=_range("bp_systolic", SYSTOLIC), name="vitals_systolic_range"),
            models.CheckConstraint(condition=_range("bp_diastolic", DIASTOLIC), name="vitals_diastolic_range"),
            models.CheckConstraint(condition=_range("pulse_rate", PULSE), name="vitals_pulse_range"),
            models.CheckConstraint(condition=_range("temperature_c", TEMPERATURE_C), name="vitals_temperature_range"),
            # Both halves of a blood pressure or neither, and diastolic below systolic.
            models.CheckConstraint(
                condition=models.Q(bp_systolic__isnull=True, bp_diastolic__isnull=True)
                | models.Q(bp_systolic__isnull=False, bp_diastolic__lt=models.F("bp_systolic")),
                name="vitals_bp_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"Vitals of visit #{self.visit_id}"

    @property
    def blood_pressure(self) -> str:
        if self.bp_systolic is None:
            return ""
        return f"{self.bp_systolic}/{self.bp_diastolic}"

    @property
    def bmi(self) -> Decimal | None:
        """Body-mass index, kg/m², to one decimal; derived, never stored."""
        if self.height_cm is None or self.weight_kg is None:
            return None
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(Decimal("0.1"))


class ConsultationSession(HospitalScopedModel):
    """One sitting with the doctor within a visit: session 1 at creation, n+1 per follow-up."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="sessions")
    doctor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="consultation_sessions")
    session_number = models.PositiveSmallIntegerField(editable=False)
    # Shown to the patient; per doctor per hospital day, 1, 2, …
    token_number = models.PositiveIntegerField(editable=False)
    token_date = models.DateField(editable=False)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    # When the doctor first opened it: "waiting" before, "in consultation" after.
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
