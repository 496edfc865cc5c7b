from django import forms

from common.forms import BootstrapFormMixin


class DisplayForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=80, label="Screen name", help_text="E.g. “Waiting hall TV”, “Room 2 door”.")
    doctor: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Every doctor", help_text="A room's screen shows one doctor only."
    )

    def __init__(self, *args, doctors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctor"].queryset = doctors
        self.fields["doctor"].label_from_instance = lambda doctor: doctor.display_name
