from django import forms

from common import dosing
from common import field_rules as rules
from common.dosing import DoseUnit, FoodRelation
from common.forms import BootstrapFormMixin, IdField


class ItemForm(BootstrapFormMixin, forms.Form):
    """The doctor's add-medicine form, structured (SPEC §10): the dose as a pattern or code ("1-0-1", "BD")
    with its unit, the relation to food and the duration as typed ("5 days", "2 weeks", "continue").
    `structured_data()` gives the service its keyword arguments; it derives the texts and the quantity.
    Each text is parsed by its rule (common.field_rules), as the API and the service do."""

    medicine_name = rules.MEDICINE_NAME.form_field(label="Medicine")
    dosage = rules.DOSAGE.form_field(help_text="e.g. 500 mg")
    frequency = rules.FREQUENCY.form_field(help_text="1-0-1, ½-0-½, 1-1-1-1, BD, SOS")
    dose_unit = forms.ChoiceField(choices=DoseUnit.choices, label="Unit", initial=DoseUnit.TABLET, required=False)
    food_relation = forms.ChoiceField(choices=[("", "—"), *FoodRelation.choices], required=False, label="Food")
    duration = rules.DURATION.form_field(help_text="5 days, 2 weeks, continue")
    instructions = rules.INSTRUCTIONS.form_field(help_text="anything else")
    allergy_override_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Allergy override reason",
        help_text="Only if it matches an allergy of the patient: why to prescribe it anyway.",
    )
    # The catalogue entry picked from the suggestions (the view checks it is the hospital's).
    formulary_entry = IdField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, suggest_url: str = "", allergies=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The override is asked for only where there is something to override: a patient with allergies.
        if not any(allergy.is_allergy for allergy in allergies):
            del self.fields["allergy_override_reason"]
        if suggest_url:  # as the doctor types, htmx asks for matching catalogue entries
            self.fields["medicine_name"].widget.attrs.update(
                {
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:150ms",
                    "hx-target": "#medicine-suggestions",
                    "hx-sync": "this:replace",
                    "autocomplete": "off",
                    "aria-controls": "medicine-suggestions",
                }
            )

    @classmethod
    def initial_for(cls, entry) -> dict:
        """The form filled from a catalogue entry: its generic name, strength, unit and default dose."""
        duration = ""
        if entry.default_duration_unit:
            duration = dosing.format_duration(entry.default_duration_value, entry.default_duration_unit)
        return {
            "medicine_name": entry.generic_name,
            "dosage": entry.strength,
            "frequency": entry.default_dose_pattern,
            "dose_unit": entry.dose_unit or DoseUnit.TABLET,
            "food_relation": entry.default_food_relation,
            "duration": duration,
            "formulary_entry": entry.pk,
        }

    def clean(self):
        data = super().clean() or {}
        if data.get("frequency"):
            try:
                dosing.parse_dose(data["frequency"], data.get("dose_unit") or DoseUnit.TABLET)
            except dosing.DoseError as error:
                self.add_error("frequency", str(error))
        if data.get("duration"):
            try:
                data["duration_value"], data["duration_unit"] = dosing.parse_duration(data["duration"])
            except dosing.DoseError as error:
                self.add_error("duration", str(error))
        return data

    def structured_data(self) -> dict:
        data = self.cleaned_data
        return {
            "medicine_name": data["medicine_name"],
            "dosage": data["dosage"],
            "instructions": data.get("instructions", ""),
            "dose_pattern": data["frequency"],
            "dose_unit": data.get("dose_unit") or DoseUnit.TABLET,
            "food_relation": data.get("food_relation", ""),
            "duration_value": data["duration_value"],
            "duration_unit": data["duration_unit"],
            "allergy_override_reason": data.get("allergy_override_reason", ""),
        }
