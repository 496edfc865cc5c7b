from django.contrib import admin

from apps.patients.models import Patient
from common.admin import ClinicalRecordAdmin


@admin.register(Patient)
class PatientAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "mrn", "created_at"]
