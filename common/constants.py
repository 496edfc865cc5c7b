"""Enumerations shared by several apps."""

from django.db import models


class Role(models.TextChoices):
    SUPER_ADMIN = "SUPER_ADMIN", "Super admin"
    HOSPITAL_ADMIN = "HOSPITAL_ADMIN", "Hospital admin"
    RECEPTIONIST = "RECEPTIONIST", "Receptionist"
    DOCTOR = "DOCTOR", "Doctor"
    MEDICAL_STAFF = "MEDICAL_STAFF", "Medical staff"


# Roles whose number of active users a hospital limits, and the Hospital field holding the limit.
STAFF_LIMIT_FIELDS: dict[Role | str, str] = {
    Role.DOCTOR: "max_doctors",
    Role.RECEPTIONIST: "max_receptionists",
    Role.MEDICAL_STAFF: "max_medical_staff",
}

# Roles a hospital admin may create; a super admin creates hospital admins.
HOSPITAL_STAFF_ROLES = (Role.DOCTOR, Role.RECEPTIONIST, Role.MEDICAL_STAFF)


class Gender(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    OTHER = "O", "Other"


class Language(models.TextChoices):
    """A patient's language for the print, the labels and WhatsApp (locale/<code>/LC_MESSAGES; add more there)."""

    ENGLISH = "en", "English"
    HINDI = "hi", "हिन्दी (Hindi)"
    MARATHI = "mr", "मराठी (Marathi)"


class SessionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class QueuePriority(models.TextChoices):
    """Marked by the front desk (SPEC §11). Emergency is called first, then elderly and pregnant, then the rest."""

    NONE = "none", "None"
    ELDERLY = "elderly", "Elderly"
    EMERGENCY = "emergency", "Emergency"
    PREGNANT = "pregnant", "Pregnant"


# Lower is called earlier; tokens of one rank are called in queue order.
PRIORITY_RANK = {QueuePriority.EMERGENCY: 0, QueuePriority.ELDERLY: 1, QueuePriority.PREGNANT: 1, QueuePriority.NONE: 2}

# A token skipped this many times is a no-show: out of the queue until the front desk requeues it.
NO_SHOW_AFTER_SKIPS = 2
# A skipped token goes back behind this many waiting tokens (in call order).
SKIP_BACK_PLACES = 2


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    STOPPED = "stopped", "Stopped"


DEFAULT_TIME_ZONE = "Asia/Kolkata"
MRN_PREFIX = "P-"
MRN_DIGITS = 6


# The largest row id: our primary keys are 64-bit (DEFAULT_AUTO_FIELD = BigAutoField) on
# PostgreSQL and SQLite alike. Ids in URLs (common.converters), bodies and filters
# (common.api.IdField, common.forms.IdField) are refused beyond it, before any query.
MAX_ID = 2**63 - 1
