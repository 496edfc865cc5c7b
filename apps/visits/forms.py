from django import forms

from common import field_rules as rules
from common.forms import BootstrapFormMixin, IdField


class VisitForm(BootstrapFormMixin, forms.Form):
    """The receptionist's input, each field parsed by its rule (common.field_rules); tenancy and
    duplicates are the service's."""

    patient = IdField(widget=forms.HiddenInput)
    doctor: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a doctor",
        error_messages={"invalid_choice": "Choose an active doctor of this hospital."},
    )
    validity_days = rules.VISIT_VALIDITY_DAYS.form_field(
        required=False, label="Valid for (days)", help_text="Empty: hospital default"
    )
    height_cm = rules.HEIGHT_CM.form_field(label="Height (cm)")
    weight_kg = rules.WEIGHT_KG.form_field(label="Weight (kg)")
    blood_pressure = rules.BLOOD_PRESSURE.form_field(label="Blood pressure")
    pulse_rate = rules.PULSE.form_field(label="Pulse (/min)")
    temperature_c = rules.TEMPERATURE_C.form_field(label="Temperature (°C)")

    VITALS = ("height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c")

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
        self.fields["doctor"].label_from_instance = lambda doctor: doctor.display_name
        for name in (*self.VITALS, "validity_days"):
            self.fields[name].widget.attrs["inputmode"] = "decimal" if name != "validity_days" else "numeric"

    def vitals(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VITALS}


class MoveForm(forms.Form):
    """Which active doctor a waiting patient moves to (the front desk's today list)."""

    doctor: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
