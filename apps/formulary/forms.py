from django import forms

from apps.formulary.models import MedicineForm
from common.dosing import DoseUnit, DurationUnit, FoodRelation
from common.forms import BootstrapFormMixin


def _blank(choices) -> list:
    return [("", "—"), *choices]


class EntryForm(BootstrapFormMixin, forms.Form):
    generic_name = forms.CharField(max_length=200)
    brand_names = forms.CharField(max_length=500, required=False, help_text="Comma-separated: Crocin, Dolo")
    strength = forms.CharField(max_length=100, required=False, help_text="500 mg, 125 mg/5 ml")
    form = forms.ChoiceField(choices=MedicineForm.choices)
    route = forms.CharField(max_length=30, required=False, help_text="oral, topical …")
    pack_size = forms.IntegerField(min_value=1, max_value=1000, required=False, help_text="Units in a strip or bottle")
    default_dose_pattern = forms.CharField(max_length=30, required=False, label="Default dose", help_text="1-0-1, BD")
    default_dose_unit = forms.ChoiceField(choices=_blank(DoseUnit.choices), required=False, label="Unit")
    default_food_relation = forms.ChoiceField(choices=_blank(FoodRelation.choices), required=False, label="Food")
    default_duration_value = forms.IntegerField(min_value=1, max_value=365, required=False, label="Duration")
    default_duration_unit = forms.ChoiceField(choices=_blank(DurationUnit.choices), required=False, label="Days/weeks")
    is_active = forms.BooleanField(required=False, initial=True, label="In use")


class ImportForm(BootstrapFormMixin, forms.Form):
    csv_file = forms.FileField(label="CSV file", help_text="The export's columns")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run: only report what would change")
