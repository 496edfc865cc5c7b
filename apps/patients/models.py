from django.core.validators import MinLengthValidator
from django.db import models

from common import field_rules as rules
from common.constants import MRN_DIGITS, MRN_PREFIX, Gender
from common.exceptions import DeletionRefused
from common.models import HospitalScopedModel, NeverDeletedQuerySet


def format_mrn(number: int) -> str:
    return f"{MRN_PREFIX}{number:0{MRN_DIGITS}d}"


class Patient(HospitalScopedModel):
    # Per-hospital, sequential, never reused; shown as P-000123 (see `mrn`).
    mrn_number = models.PositiveIntegerField(editable=False)
    full_name = models.CharField(max_length=rules.FULL_NAME.max_chars, validators=[MinLengthValidator(1)])
    age = models.PositiveSmallIntegerField(validators=rules.AGE.validators())
    gender = models.CharField(max_length=1, choices=Gender.choices)
    # Stored normalised: 10 digits, no +91, no spaces. Families may share one.
    phone_number = models.CharField(max_length=rules.PHONE.max_chars, blank=True, validators=rules.PHONE.validators())
    address = models.TextField(blank=True, max_length=rules.ADDRESS.max_chars)
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
            models.CheckConstraint(condition=rules.AGE.check("age"), name="patient_age_range"),
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
