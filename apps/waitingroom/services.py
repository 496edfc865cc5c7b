"""The hospital admin's display keys and display settings (SPEC §11). Each service is audited."""

import secrets

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.services import record_event
from apps.waitingroom.models import DisplayKey, DisplaySettings
from apps.waitingroom.selectors import hash_display_key
from common.constants import Role
from common.exceptions import DisplayKeyRevoked, Invalid
from common.permissions import can_manage_displays, ensure_same_hospital, require
from common.validation import full_clean_or_raise

# 32 random bytes, URL-safe: 43 characters, 256 bits. Long enough that guessing one is hopeless.
KEY_BYTES = 32


def create_display_key(*, by: User, name: str, doctor: User | None = None) -> tuple[DisplayKey, str]:
    """A new display key for the hospital, optionally showing one doctor only: (the key's row, the raw key).

    The raw key is returned once and never stored (only its SHA-256 and first characters).
    Refuses: anyone but the hospital admin (PermissionDenied); another hospital's doctor (NotFound); a
    user who is not an active doctor, a blank or over-long name (Invalid). Audit: display.create.
    """
    require(can_manage_displays(by), "Only the hospital admin manages display keys.")
    if doctor is not None:
        ensure_same_hospital(by, doctor)
        if doctor.role != Role.DOCTOR or not doctor.is_active:
            raise Invalid.on_field("doctor", "Choose an active doctor of this hospital, or none for every doctor.")
    name = (name or "").strip()
    if not name or not name.isprintable():
        raise Invalid.on_field("name", "Give the display a name, e.g. “Waiting hall TV”.")
    raw = secrets.token_urlsafe(KEY_BYTES)
    display = DisplayKey(
        hospital_id=by.staff_hospital_id,
        name=name,
        doctor=doctor,
        key_hash=hash_display_key(raw),
        key_prefix=raw[:6],
        created_by=by,
    )
    full_clean_or_raise(display)
    with transaction.atomic():
        display.save()
        record_event(
            actor=by,
            action="display.create",
            target=display,
            summary=f"Created display key #{display.pk} ({display.key_prefix}…)",
            changes={"name": display.name, "doctor": doctor.username if doctor else None},
        )
    return display, raw


def revoke_display_key(*, by: User, display: DisplayKey) -> DisplayKey:
    """Revoke a display key: the screen using it gets a 404 at its next poll.

    Refuses: another hospital's key (NotFound); anyone but the hospital admin (PermissionDenied); a key
    already revoked (DisplayKeyRevoked). Audit: display.revoke.
    """
    ensure_same_hospital(by, display)
    require(can_manage_displays(by), "Only the hospital admin manages display keys.")
    with transaction.atomic():
        display = DisplayKey.objects.select_for_update().get(pk=display.pk)
        if display.revoked_at is not None:
            raise DisplayKeyRevoked("This display key is already revoked.")
        display.revoked_at = timezone.now()
        display.revoked_by = by
        display.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=by,
            action="display.revoke",
            target=display,
            summary=f"Revoked display key #{display.pk} ({display.key_prefix}…)",
            changes={"revoked_at": display.revoked_at.isoformat()},
        )
        return display


def set_display_initials(*, by: User, show_initials: bool) -> DisplaySettings:
    """Turn patients' initials on the hospital's displays on or off (off by default: tokens only).

    Refuses: anyone but the hospital admin (PermissionDenied). Audit: display.settings (when it changes).
    """
    require(can_manage_displays(by), "Only the hospital admin changes what the displays show.")
    with transaction.atomic():
        settings, _ = DisplaySettings.objects.select_for_update().get_or_create(hospital_id=by.hospital_id)
        if settings.show_initials == bool(show_initials):
            return settings
        settings.show_initials = bool(show_initials)
        settings.save(update_fields=["show_initials", "updated_at"])
        # Every display's ETag includes the setting: the screens redraw at their next poll.
        record_event(
            actor=by,
            action="display.settings",
            target=settings,
            summary="Patients' initials on displays " + ("on" if settings.show_initials else "off"),
            changes={"show_initials": settings.show_initials},
        )
        return settings
