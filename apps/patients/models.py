from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models.functions import Lower

from common import field_rules as rules
from common.constants import MRN_DIGITS, MRN_PREFIX, Gender, Language
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


class AllergyCategory(models.TextChoices):
    ALLERGY = "allergy", "Allergy"
    CONDITION = "condition", "Chronic condition"


class AllergyKind(models.TextChoices):
    DRUG = "drug", "Drug"
    FOOD = "food", "Food"
    OTHER = "other", "Other"


class AllergySeverity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class PatientAllergy(HospitalScopedModel):
    """An allergy or a known chronic condition of a patient (SPEC §9 "Patient-level").

    One table for both, told apart by `category`, because both are what every clinical page
    shows in one banner and what the API serves at one resource. An allergy has a substance,
    a kind and a severity (and may say the reaction); a chronic condition has its text in
    `substance` and may carry an ICD-10 code as plain text. Retired (`is_active` false), never
    deleted: the chart's history keeps what was known when.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    category = models.CharField(max_length=10, choices=AllergyCategory, default=AllergyCategory.ALLERGY)
    # The allergen ("Penicillin"), or the condition ("Type 2 diabetes").
    substance = models.CharField(max_length=120, validators=[MinLengthValidator(1)])
    kind = models.CharField(max_length=10, choices=AllergyKind, blank=True)
    severity = models.CharField(max_length=10, choices=AllergySeverity, blank=True)
    reaction = models.CharField(max_length=200, blank=True)
    icd_code = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    retired_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = NeverDeletedQuerySet.as_manager()
    deletion_refusal = "An allergy or condition is never deleted: retire it instead, so the chart keeps its history."

    class Meta:
        ordering = ["hospital_id", "patient_id", "category", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(substance=""), name="allergy_substance_not_empty"),
            models.CheckConstraint(
                condition=models.Q(category__in=AllergyCategory.values), name="allergy_category_valid"
            ),
            # An allergy says what kind and how severe; a condition has neither (and no reaction).
            models.CheckConstraint(
                condition=(
                    models.Q(
                        category=AllergyCategory.ALLERGY,
                        kind__in=AllergyKind.values,
                        severity__in=AllergySeverity.values,
                        icd_code="",
                    )
                    | models.Q(category=AllergyCategory.CONDITION, kind="", severity="", reaction="")
                ),
                name="allergy_fields_match_category",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, retired_at__isnull=True)
                | models.Q(is_active=False, retired_at__isnull=False),
                name="allergy_retired_iff_inactive",
            ),
            # The same allergy or condition is recorded once while active (case-insensitively).
            models.UniqueConstraint(
                "patient",
                "category",
                Lower("substance"),
                condition=models.Q(is_active=True),
                name="allergy_one_active_per_substance",
            ),
        ]
        indexes = [
            # The banner: a patient's active entries; the pharmacy list: many patients' at once.
            models.Index(fields=["hospital", "patient", "is_active"], name="allergy_hosp_pat_active_idx"),
        ]

    def __str__(self) -> str:
        # Identifier only (no clinical value in logs or admin titles).
        return f"{self.get_category_display()} #{self.pk} of patient #{self.patient_id}"

    def delete(self, *args, **kwargs):
        raise DeletionRefused(self.deletion_refusal)

    @property
    def is_allergy(self) -> bool:
        return self.category == AllergyCategory.ALLERGY
