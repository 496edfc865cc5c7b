from django import forms

from common.forms import BootstrapFormMixin, IdField


class VisitForm(BootstrapFormMixin, forms.Form):
    """Parses the receptionist's input; every rule (ranges, duplicates, tenancy) is the service's."""

    patient = IdField(widget=forms.HiddenInput)
    doctor: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a doctor",
        error_messages={"invalid_choice": "Choose an active doctor of this hospital."},
    )
    validity_days = forms.IntegerField(required=False, label="Valid for (days)", help_text="Empty: hospital default")
    height_cm = forms.CharField(required=False, max_length=10, label="Height (cm)")
    weight_kg = forms.CharField(required=False, max_length=10, label="Weight (kg)")
    blood_pressure = forms.CharField(required=False, max_length=10, label="Blood pressure", help_text="SYS/DIA")
    pulse_rate = forms.CharField(required=False, max_length=10, label="Pulse (/min)")
    temperature_c = forms.CharField(required=False, max_length=10, label="Temperature (°C)")

    VITALS = ("height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c")

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
        self.fields["doctor"].label_from_instance = lambda doctor: doctor.display_name
        for name in self.VITALS:
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def vitals(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VITALS}


class MoveForm(forms.Form):
    """Which active doctor a waiting patient moves to (the front desk's today list)."""

    doctor: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
