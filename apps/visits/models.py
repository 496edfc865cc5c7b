from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common.models import HospitalScopedModel

if TYPE_CHECKING:
    from apps.consultations.models import ConsultationSession

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
