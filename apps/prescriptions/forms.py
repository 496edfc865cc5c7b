from django import forms

from common.forms import BootstrapFormMixin


class ItemForm(BootstrapFormMixin, forms.Form):
    medicine_name = forms.CharField(max_length=200, label="Medicine")
    dosage = forms.CharField(max_length=100, help_text="e.g. 500 mg")
    frequency = forms.CharField(max_length=50, help_text="e.g. 1-0-1, BD")
    duration = forms.CharField(max_length=50, help_text="e.g. 5 days")
    instructions = forms.CharField(max_length=300, required=False, help_text="e.g. after food")
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
