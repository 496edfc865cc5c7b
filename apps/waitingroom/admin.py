from django.contrib import admin

from apps.waitingroom.models import DisplayKey, DisplaySettings
from common.admin import ClinicalRecordAdmin

# Read-only (the admin site makes every ModelAdmin so): the key's prefix and status, never its hash.
admin.site.register(
    DisplayKey,
    type(
        "DisplayKeyAdmin",
        (ClinicalRecordAdmin,),
        {"list_display": ["id", "hospital", "name", "doctor_id", "key_prefix", "created_at", "revoked_at"]},
    ),
)
admin.site.register(
    DisplaySettings,
    type("DisplaySettingsAdmin", (ClinicalRecordAdmin,), {"list_display": ["id", "hospital", "show_initials"]}),
)
