from django import forms

from apps.patients.models import AllergyCategory, AllergyKind, AllergySeverity
from common import field_rules as rules
from common.constants import Gender, Language
from common.forms import BootstrapFormMixin


class PatientForm(BootstrapFormMixin, forms.Form):
    # Each field parsed by its rule (common.field_rules), as the API and the service do.
    full_name = rules.FULL_NAME.form_field(label="Full name")
    age = rules.AGE.form_field(help_text="")
    gender = forms.ChoiceField(choices=Gender.choices)
    phone_number = rules.PHONE.form_field(help_text="")
    address = rules.ADDRESS.form_field(widget=forms.Textarea(attrs={"rows": 2}))
    preferred_language = forms.ChoiceField(
        choices=Language.choices, initial=Language.ENGLISH, required=False, label="Language for medicine instructions"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age"].widget.attrs["inputmode"] = "numeric"
        self.fields["phone_number"].widget.attrs["inputmode"] = "tel"

    def clean_preferred_language(self):
        return self.cleaned_data.get("preferred_language") or Language.ENGLISH


class AllergyForm(BootstrapFormMixin, forms.Form):
    """An allergy or a chronic condition; which fields each needs is the service's rule (its messages)."""

    category = forms.ChoiceField(choices=AllergyCategory.choices, initial=AllergyCategory.ALLERGY, label="Type")
    substance = forms.CharField(
        max_length=120, label="Substance or condition", help_text="e.g. Penicillin; or Type 2 diabetes"
    )
    kind = forms.ChoiceField(choices=[("", "—"), *AllergyKind.choices], required=False, label="Kind (allergy)")
    severity = forms.ChoiceField(
        choices=[("", "—"), *AllergySeverity.choices], required=False, label="Severity (allergy)"
    )
    reaction = forms.CharField(max_length=200, required=False, label="Reaction (allergy)", help_text="e.g. rash")
    icd_code = forms.CharField(max_length=10, required=False, label="ICD-10 code (condition)", help_text="e.g. E11")
