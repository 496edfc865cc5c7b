from django.core.validators import MaxValueValidator, MinLengthValidator, RegexValidator
from django.db import models

from common.constants import MRN_DIGITS, MRN_PREFIX, Gender, Language
from common.exceptions import DeletionRefused
from common.models import HospitalScopedModel, NeverDeletedQuerySet

phone_validator = RegexValidator(r"^[6-9]\d{9}$", "Enter a 10-digit Indian mobile number (optionally with +91).")


def format_mrn(number: int) -> str:
    return f"{MRN_PREFIX}{number:0{MRN_DIGITS}d}"


class Patient(HospitalScopedModel):
    # Per-hospital, sequential, never reused; shown as P-000123 (see `mrn`).
    mrn_number = models.PositiveIntegerField(editable=False)
    full_name = models.CharField(max_length=120, validators=[MinLengthValidator(1)])
    age = models.PositiveSmallIntegerField(validators=[MaxValueValidator(130)])
    gender = models.CharField(max_length=1, choices=Gender.choices)
    # Stored normalised: 10 digits, no +91, no spaces. Families may share one.
    phone_number = models.CharField(max_length=10, blank=True, validators=[phone_validator])
    address = models.TextField(blank=True, max_length=500)
    # The language of the medicines' timing on the print and the labels (SPEC §10).
    preferred_language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH, db_default=Language.ENGLISH
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = NeverDeletedQuerySet.as_manager()
    # Even a registration with no visit keeps its MRN (never reused) and its audit event.
    deletion_refusal = (
        "A patient is never deleted: the MRN is never reused and the record stays. "
        "Correct the patient's details instead."
    )

    class Meta:
        ordering = ["hospital_id", "mrn_number"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "mrn_number"], name="patient_mrn_unique_per_hospital"),
            models.CheckConstraint(condition=models.Q(age__lte=130), name="patient_age_range"),
            models.CheckConstraint(condition=models.Q(gender__in=Gender.values), name="patient_gender_valid"),
            models.CheckConstraint(condition=~models.Q(full_name=""), name="patient_full_name_not_empty"),
            models.CheckConstraint(condition=models.Q(mrn_number__gte=1), name="patient_mrn_positive"),
        ]
        indexes = [
            models.Index(fields=["hospital", "phone_number"], name="patient_hosp_phone_idx"),
            models.Index(fields=["hospital", "full_name"], name="patient_hosp_name_idx"),
        ]

    def __str__(self) -> str:
        # Identifier only: __str__ ends up in logs, admin titles and error pages.
        return f"Patient {self.mrn}"

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def mrn(self) -> str:
        return format_mrn(self.mrn_number)
