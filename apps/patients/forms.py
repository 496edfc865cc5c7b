from django import forms

from apps.patients.models import AllergyCategory, AllergyKind, AllergySeverity
from common.constants import Gender, Language
from common.forms import BootstrapFormMixin


class PatientForm(BootstrapFormMixin, forms.Form):
    # Lengths and ranges are checked by the service; the form only parses types, so the
    # service's messages are the ones the user sees.
    full_name = forms.CharField(max_length=120, label="Full name")
    age = forms.IntegerField(min_value=0, max_value=130)
    gender = forms.ChoiceField(choices=Gender.choices)
    phone_number = forms.CharField(max_length=20, required=False, label="Mobile number")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500)
    preferred_language = forms.ChoiceField(
        choices=Language.choices, initial=Language.ENGLISH, required=False, label="Language for medicine instructions"
    )

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
