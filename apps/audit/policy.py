"""What each audit action's `changes` may hold: one declared entry per action, applied by `record_event`.

The log's readers may see no clinical data: the super admin none at all, the hospital admin
no clinical detail (SPEC §1). They read it on the page, in its CSV export, through the API
and in the Django admin, so the stored event itself holds only what both may read. Kept as
values: ids, MRNs, staff usernames and roles, statuses, counts, times, the hospital's own
settings. Everything else, health data and personal details (a patient's name, age, gender,
phone, address, vitals, medicines; a staff member's name and e-mail; a password), is kept
as its field's name alone: the reader learns *that* it was recorded or changed, not *what*.

A key an entry does not name is reduced to its name, so a service that starts passing a new
field leaks nothing. An action with no entry is refused: a new service cannot record
anything until someone has decided here what its event may show.

Summaries follow the same rule, by convention rather than by code (they are free text):
they name things by id, MRN or username, never by a clinical value.
`tests/test_audit_privacy.py` proves both for every action of the audit table.
"""

from enum import Enum
from typing import Any

# What a reduced key holds instead of its value.
WITHHELD = "withheld"


class Keep(Enum):
    VALUE = "value"  # the value itself: a scalar, or a [before, after] pair of scalars
    NAMES = "names"  # a mapping's keys only (which vitals were recorded), never its values


class UnknownAuditAction(LookupError):
    """An action without an entry in POLICY: a programming error, raised before anything is written."""


V, N = Keep.VALUE, Keep.NAMES

# The hospital's own settings (name, limits, its address and phone for the prescription header):
# what the super admin manages, no patient's data.
_HOSPITAL = dict.fromkeys(
    [
        "name",
        "max_doctors",
        "max_receptionists",
        "max_medical_staff",
        "default_visit_validity_days",
        "address",
        "phone",
        "time_zone",
    ],
    V,
)
_ACTIVE = {"is_active": V}
# The filters of an export are what an admin typed into the log's own form; rows and whether the
# stream was sent to its end say how much of the log left the building.
_EXPORT = dict.fromkeys(["action", "actor", "since", "until", "object_type", "object_id", "rows", "complete"], V)

# A formulary entry is the hospital's catalogue (a generic, its brands and defaults), not a patient's.
_FORMULARY = dict.fromkeys(
    [
        "generic_name",
        "brand_names",
        "strength",
        "form",
        "route",
        "pack_size",
        "default_dose_pattern",
        "default_dose_unit",
        "default_food_relation",
        "default_duration_value",
        "default_duration_unit",
        "is_active",
    ],
    V,
)

POLICY: dict[str, dict[str, Keep]] = {
    "hospital.create": _HOSPITAL,
    "hospital.update": _HOSPITAL,
    "hospital.activate": _ACTIVE,
    "hospital.deactivate": _ACTIVE,
    # Staff: username and role identify the account; first and last name and e-mail are personal
    # details the log does not need, the password never appears (reduced even if a service passed it).
    "user.create": {"username": V, "role": V},
    # A doctor's profile is what the prescription prints about them, public by law (the registers are):
    # kept, so that who changed a registration number and to what can be traced.
    "user.update": dict.fromkeys(
        ["username", "qualification", "registration_council", "registration_number", "signature_text"], V
    ),
    "user.password_change": {},
    "user.activate": _ACTIVE,
    "user.deactivate": _ACTIVE,
    "auth.login": {},
    "auth.login_failed": {},
    "auth.lockout": {},
    "auth.logout": {},
    "auth.token_create": {"token": V, "expires_at": V},
    "auth.token_revoke": {"token": V},
    "audit.export": _EXPORT,
    # Patients: the MRN identifies the record; name, age, gender, phone and address are withheld.
    "patient.create": {"mrn": V},
    "patient.update": {},
    # Allergies and chronic conditions: which patient (MRN) and whether an allergy or a condition; its
    # substance, kind, severity, reaction and ICD code are clinical (withheld).
    "allergy.create": {"patient": V, "category": V},
    "allergy.retire": {"patient": V, "category": V, "is_active": V},
    # Vitals are health data: which were measured, never the readings.
    "visit.create": {"patient": V, "doctor": V, "validity_days": V, "token_number": V, "vitals": N},
    "visit.follow_up": {"visit": V, "session_number": V, "token_number": V},
    "visit.close": _ACTIVE,
    "consultation.view": {},
    "session.start": {"started_at": V, "prescription_created": V},
    "session.complete": {"status": V, "dispense_record": V},
    "prescription.view": {},
    # Medicine, dosage, frequency, duration, instructions: the prescription itself, withheld. That an
    # allergy was overridden, and which entries (ids), is kept; the reason is clinical text, withheld.
    "prescription.item_add": {
        "session": V,
        "prescription_created": V,
        "allergy_override": V,
        "allergies": V,
        "formulary_entry": V,
    },
    "prescription.item_stop": {"status": V, "session": V},
    # The consultation record: which parts the doctor wrote, never what (complaints, notes, diagnoses).
    "consultation.record_update": {"session": V, "fields": V, "record_created": V},
    # The hospital's own lists and shorthand: its settings, no patient's data.
    # A list line or a shorthand is the hospital's own wording, yet the same words are what a doctor writes
    # of a patient ("Fever", "HTN" → I10): the log names the field, never the words.
    "picklist.create": {"list": V, "defaults_copied": V},
    "picklist.update": _ACTIVE,
    "icd_synonym.create": {},
    "icd_synonym.update": _ACTIVE,
    # Templates and repeats: counts and ids; a template's name is the doctor's own label ("Fever, adult").
    "prescription.template_apply": {"session": V, "added": V, "skipped": V, "template": V},
    "prescription.repeat": {"session": V, "added": V, "skipped": V, "from_visit": V},
    "prescription_template.create": {"items": V},
    "prescription_template.delete": {"template": V},
    "prescription_template.update": {"fields": V, "items": V},
    # The hospital's catalogue of medicines: no patient's data, so the admin reads what changed.
    "formulary.entry_create": {**_FORMULARY},
    "formulary.entry_update": {**_FORMULARY},
    "formulary.import": {"created": V, "updated": V},
    "dispense.view": {"page": V},
    "dispense.print": {"print_count": V},
    "dispense.dispense": {"is_dispensed": V},
    # Billing (SPEC §12). Fees, prices and amounts are the hospital's money, not health data, and kept;
    # what could say why a patient came is withheld: a charge's name (an ECG, a dressing) is its price-list
    # id only, and every free-text reason (discount, cancellation, refund) and a UPI/card reference
    # (the patient's payment details) are reduced to their names.
    "billing.settings_update": dict.fromkeys(
        [
            "default_consultation_fee",
            "follow_up_fee",
            "require_payment_before_consultation",
            "discount_by_receptionist",
            "discount_by_hospital_admin",
        ],
        V,
    ),
    "billing.doctor_fee_set": {"doctor": V, "fee": V},
    "billing.price_item_create": {"name": V, "price": V, "is_active": V},
    "billing.price_item_update": {"name": V, "price": V, "is_active": V},
    "bill.create": {"visit": V, "session": V, "total": V, "lines": V, "fee_kind": V},
    "bill.charge": {"price_item": V, "quantity": V, "amount": V, "total": V},
    "bill.discount": {"amount": V, "total": V},
    "bill.cancel": {"status": V, "reversed": V},
    "payment.create": {"receipt": V, "amount": V, "mode": V, "balance": V, "business_date": V},
    "payment.refund": {"voucher": V, "amount": V, "mode": V, "paid": V},
    "cash.close": {"date": V, "receipts": V, "refunds": V, "collections": V, "entries": V},
    # The waiting room (SPEC §11): tokens, queue states and counts. Which priority a patient was given is
    # withheld (pregnancy is health data): the reader learns that it changed, not to what.
    "queue.call": {"token_number": V, "state": V},
    "queue.recall": {"token_number": V, "recall_count": V},
    "queue.skip": {"token_number": V, "skip_count": V, "state": V},
    "queue.requeue": {"token_number": V, "state": V},
    "queue.priority": {"token_number": V},
    "visit.move": {"doctor": V, "token_number": V, "session": V},
    # Display keys: the name the hospital admin gave the screen, its doctor filter; never the key.
    "display.create": {"name": V, "doctor": V},
    "display.revoke": {"revoked_at": V},
    "display.settings": {"show_initials": V},
}


def allowed_changes(action: str, changes: dict) -> dict:
    """`changes` as the policy of `action` lets it be stored; UnknownAuditAction without an entry."""
    try:
        rules = POLICY[action]
    except KeyError:
        raise UnknownAuditAction(
            f"No audit policy for {action!r}: add it to apps/audit/policy.py, saying which changes may be shown."
        ) from None
    return {str(key): _reduced(rules.get(key), value) for key, value in changes.items()}


def _reduced(rule: Keep | None, value: Any) -> Any:
    if rule is Keep.VALUE:
        return [_scalar(part) for part in value] if isinstance(value, list | tuple) else _scalar(value)
    if rule is Keep.NAMES and isinstance(value, dict):
        return sorted(str(key) for key in value)
    return WITHHELD


def _scalar(value: Any) -> Any:
    """A JSON value that reads back unchanged from SQLite's and PostgreSQL's JSON columns alike (the event's
    hash covers it): text, whole numbers, booleans, null; anything else (a float, a date) as its text."""
    return value if value is None or isinstance(value, bool | int | str) else str(value)
