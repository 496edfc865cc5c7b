from django.contrib import admin

from apps.prescriptions.models import Prescription, PrescriptionItem
from common.admin import ClinicalRecordAdmin


@admin.register(Prescription)
class PrescriptionAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_id", "created_at"]


@admin.register(PrescriptionItem)
class PrescriptionItemAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "prescription_id", "status", "created_at", "stopped_at"]
