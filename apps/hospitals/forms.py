from django import forms

from common import field_rules as rules
from common.constants import DEFAULT_TIME_ZONE
from common.forms import BootstrapFormMixin


class HospitalForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=200)
    max_doctors = forms.IntegerField(min_value=0, max_value=1000, label="Doctors allowed")
    max_receptionists = forms.IntegerField(min_value=0, max_value=1000, label="Receptionists allowed")
    max_medical_staff = forms.IntegerField(min_value=0, max_value=1000, label="Medical staff allowed")
    default_visit_validity_days = rules.VISIT_VALIDITY_DAYS.form_field(initial=7, label="Visit validity (days)")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500)
    phone = forms.CharField(max_length=20, required=False)
    time_zone = forms.CharField(max_length=64, initial=DEFAULT_TIME_ZONE)
