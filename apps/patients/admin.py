from django.contrib import admin

from apps.patients.models import Patient, PatientAllergy
from common.admin import ClinicalRecordAdmin


@admin.register(Patient)
class PatientAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "mrn", "created_at"]


@admin.register(PatientAllergy)
class PatientAllergyAdmin(ClinicalRecordAdmin):
    # Never the substance, kind, severity or reaction: the admin's readers see no clinical value.
    list_display = ["id", "hospital", "patient", "is_active", "created_at"]
