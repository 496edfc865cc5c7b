from django import forms

from common import field_rules as rules
from common.forms import BootstrapFormMixin


class ItemForm(BootstrapFormMixin, forms.Form):
    # Each field parsed by its rule (common.field_rules), as the API and the service do.
    medicine_name = rules.MEDICINE_NAME.form_field(label="Medicine")
    dosage = rules.DOSAGE.form_field(help_text="e.g. 500 mg")
    frequency = rules.FREQUENCY.form_field(help_text="e.g. 1-0-1, BD")
    duration = rules.DURATION.form_field(help_text="e.g. 5 days")
    instructions = rules.INSTRUCTIONS.form_field()
    allergy_override_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Allergy override reason",
        help_text="Only if it matches an allergy of the patient: why to prescribe it anyway.",
    )

    def __init__(self, *args, allergies=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The override is asked for only where there is something to override: a patient with allergies.
        if not any(allergy.is_allergy for allergy in allergies):
            del self.fields["allergy_override_reason"]
