from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from common.dosing import MAX_PACK_SIZE, DoseUnit, DurationUnit, FoodRelation
from common.models import HospitalScopedModel


class MedicineForm(models.TextChoices):
    TABLET = "tablet", "Tablet"
    CAPSULE = "capsule", "Capsule"
    SYRUP = "syrup", "Syrup"
    SUSPENSION = "suspension", "Suspension"
    SOLUTION = "solution", "Solution"
    INJECTION = "injection", "Injection"
    DROPS = "drops", "Drops"
    OINTMENT = "ointment", "Ointment"
    CREAM = "cream", "Cream"
    GEL = "gel", "Gel"
    LOTION = "lotion", "Lotion"
    INHALER = "inhaler", "Inhaler"
    RESPULES = "respules", "Respules"
    SPRAY = "spray", "Spray"
    POWDER = "powder", "Powder"
    SUPPOSITORY = "suppository", "Suppository"
    PESSARY = "pessary", "Pessary"
    OTHER = "other", "Other"


# The unit a dose of each form is counted in, when the entry names none.
UNIT_OF_FORM: dict[str, str] = {
    MedicineForm.TABLET: DoseUnit.TABLET,
    MedicineForm.CAPSULE: DoseUnit.CAPSULE,
    MedicineForm.SYRUP: DoseUnit.ML,
    MedicineForm.SUSPENSION: DoseUnit.ML,
    MedicineForm.SOLUTION: DoseUnit.ML,
    MedicineForm.DROPS: DoseUnit.DROPS,
    MedicineForm.OINTMENT: DoseUnit.APPLICATION,
    MedicineForm.CREAM: DoseUnit.APPLICATION,
    MedicineForm.GEL: DoseUnit.APPLICATION,
    MedicineForm.LOTION: DoseUnit.APPLICATION,
    MedicineForm.INHALER: DoseUnit.PUFF,
    MedicineForm.RESPULES: DoseUnit.PUFF,
    MedicineForm.SPRAY: DoseUnit.PUFF,
    MedicineForm.POWDER: DoseUnit.SACHET,
}


class FormularyEntry(HospitalScopedModel):
    """One medicine of a hospital's catalogue: a generic at a strength and form, its brands and defaults.

    Entries are edited or deactivated, never deleted: prescription items point at them.
    """

    generic_name = models.CharField(max_length=200, validators=[MinLengthValidator(1)])
    brand_names = models.CharField(max_length=500, blank=True, help_text="Comma-separated: Crocin, Dolo")
    strength = models.CharField(max_length=100, blank=True, help_text="500 mg, 125 mg/5 ml, 1%")
    form = models.CharField(max_length=20, choices=MedicineForm)
    route = models.CharField(max_length=30, blank=True, help_text="oral, parenteral, topical …")
    pack_size = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_PACK_SIZE)]
    )
    default_dose_pattern = models.CharField(max_length=30, blank=True)
    default_dose_unit = models.CharField(max_length=12, blank=True, choices=DoseUnit.choices)
    default_food_relation = models.CharField(max_length=10, blank=True, choices=FoodRelation.choices)
    default_duration_value = models.PositiveSmallIntegerField(null=True, blank=True)
    default_duration_unit = models.CharField(max_length=10, blank=True, choices=DurationUnit.choices)
    source = models.CharField(max_length=20, blank=True, help_text="nlem2022 for the rows loaded from the list")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["generic_name", "strength", "form", "id"]
        verbose_name_plural = "formulary entries"
        constraints = [
            models.UniqueConstraint(
                "hospital", Lower("generic_name"), "strength", "form", name="formulary_one_entry_per_product"
            ),
            models.CheckConstraint(condition=~models.Q(generic_name=""), name="formulary_generic_not_empty"),
            models.CheckConstraint(condition=models.Q(form__in=MedicineForm.values), name="formulary_form_valid"),
        ]
        indexes = [
            models.Index(fields=["hospital", "generic_name"], name="formulary_hosp_generic_idx"),
            models.Index(fields=["hospital", "updated_at"], name="formulary_hosp_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What the doctor sees and the item's medicine name: "Paracetamol 500 mg tablet"."""
        return " ".join(part for part in (self.generic_name, self.strength, self.get_form_display().lower()) if part)

    @property
    def brands(self) -> list[str]:
        return [brand.strip() for brand in self.brand_names.split(",") if brand.strip()]

    @property
    def dose_unit(self) -> str:
        return self.default_dose_unit or UNIT_OF_FORM.get(self.form, "")
