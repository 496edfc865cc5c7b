from django.contrib import admin

from apps.prescriptions.models import Prescription, PrescriptionItem, PrescriptionTemplate, TemplateItem
from common.admin import ClinicalRecordAdmin


@admin.register(Prescription)
class PrescriptionAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "visit_id", "created_at"]


@admin.register(PrescriptionItem)
class PrescriptionItemAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "prescription_id", "status", "created_at", "stopped_at"]


@admin.register(PrescriptionTemplate)
class PrescriptionTemplateAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "doctor_id", "created_at"]


@admin.register(TemplateItem)
class TemplateItemAdmin(ClinicalRecordAdmin):
    list_display = ["id", "hospital", "template_id", "created_at"]
