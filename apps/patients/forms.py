from django import forms

from common import field_rules as rules
from common.constants import Gender
from common.forms import BootstrapFormMixin


class PatientForm(BootstrapFormMixin, forms.Form):
    # Each field parsed by its rule (common.field_rules), as the API and the service do.
    full_name = rules.FULL_NAME.form_field(label="Full name")
    age = rules.AGE.form_field(help_text="")
    gender = forms.ChoiceField(choices=Gender.choices)
    phone_number = rules.PHONE.form_field(help_text="")
    address = rules.ADDRESS.form_field(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age"].widget.attrs["inputmode"] = "numeric"
        self.fields["phone_number"].widget.attrs["inputmode"] = "tel"
