from django.contrib import admin

from apps.formulary.models import FormularyEntry
from common.admin import ClinicalRecordAdmin


@admin.register(FormularyEntry)
class FormularyEntryAdmin(ClinicalRecordAdmin):
    """Read only, as every model here: edits go through the Formulary page (services and audit)."""

    list_display = ["id", "hospital", "generic_name", "strength", "form", "is_active"]
