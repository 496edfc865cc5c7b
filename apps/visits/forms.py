from django import forms

from common.forms import BootstrapFormMixin


class VisitForm(BootstrapFormMixin, forms.Form):
    """Parses the receptionist's input; every rule (ranges, duplicates, tenancy) is the service's."""

    patient = forms.IntegerField(widget=forms.HiddenInput)
    doctor = forms.TypedChoiceField(coerce=int, empty_value=None)
    validity_days = forms.IntegerField(required=False, label="Valid for (days)", help_text="Empty: hospital default")
    height_cm = forms.CharField(required=False, max_length=10, label="Height (cm)")
    weight_kg = forms.CharField(required=False, max_length=10, label="Weight (kg)")
    blood_pressure = forms.CharField(required=False, max_length=10, label="Blood pressure", help_text="SYS/DIA")
    pulse_rate = forms.CharField(required=False, max_length=10, label="Pulse (/min)")
    temperature_c = forms.CharField(required=False, max_length=10, label="Temperature (°C)")

    VITALS = ("height_cm", "weight_kg", "blood_pressure", "pulse_rate", "temperature_c")

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].choices = [("", "Choose a doctor")] + [(d.pk, d.display_name) for d in doctors]
        for name in self.VITALS:
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def vitals(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VITALS}
