from django.db.models import Prefetch, QuerySet

from apps.hospitals.models import Hospital
from apps.patients.selectors import active_allergies_prefetch, banner_allergies
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.selectors import is_active_at_end_of
from common.exceptions import Invalid, NotFound

STATUSES = ("pending", "printed", "dispensed")


def _records(hospital: Hospital) -> QuerySet[DispenseRecord]:
    # The formulary entry: the print names the medicine by its generic name (SPEC §9).
    items = PrescriptionItem.objects.select_related("session", "stopped_in_session", "formulary_entry").order_by(
        "created_at", "id"
    )
    return (
        DispenseRecord.objects.filter(hospital=hospital)
        .select_related(
            "hospital",
            "session",
            "dispensed_by",
            "prescription",
            "prescription__visit",
            "prescription__visit__patient",
            "session__doctor",
            "prescription__visit__vitals",
        )
        .prefetch_related(
            Prefetch("prescription__items", queryset=items),
            # The allergy banner of every pharmacy page and the list's marker: one query for the whole page.
            active_allergies_prefetch("prescription__visit__patient__allergies"),
        )
    )


# What a row of the list shows (the API's DispenseRecordOutput, the page's row), and only that: the record, its
# session's number and end, the prescription, patient, doctor's name, vitals, the items and allergies. The wide
# rows it joins (the doctor's User, two sessions per item) are read in a few columns, and the hospital (which no
# row shows; the print and the labels read one record by dispense_record_get) is not joined. A field read that is not
# listed costs a query per row, which the lists' query-count tests catch. Measured ("API pharmacy list", 8 records
# with 17 items, Django CPU per request, min of 30 alternated bursts): 30.0 → 20.5 ms.
_LIST_COLUMNS = (
    *("hospital", "created_at", "prescription", "session", "is_printed", "printed_at", "print_count"),
    *("is_dispensed", "dispensed_at", "dispensed_by", "dispensed_by__username"),
    *("session__session_number", "session__completed_at"),
    *("prescription__created_at", "prescription__visit", "prescription__visit__patient", "session__doctor"),
    *(f"prescription__visit__patient__{name}" for name in ("mrn_number", "full_name", "age", "gender", "phone_number")),
    *(
        f"prescription__visit__patient__{name}"
        for name in ("address", "preferred_language", "created_at", "updated_at")
    ),
    *(f"session__doctor__{name}" for name in ("username", "first_name", "last_name", "role")),
    *(f"prescription__visit__vitals__{name}" for name in ("height_cm", "weight_kg", "bp_systolic", "bp_diastolic")),
    *("prescription__visit__vitals__pulse_rate", "prescription__visit__vitals__temperature_c"),
)


def _record_list(hospital: Hospital) -> QuerySet[DispenseRecord]:
    # Every column of an item; of its two sessions only the numbers (record_items reads nothing else).
    items = (
        PrescriptionItem.objects.select_related("session", "stopped_in_session")
        .only(
            *(field.name for field in PrescriptionItem._meta.concrete_fields),
            "session__session_number",
            "stopped_in_session__session_number",
        )
        .order_by("created_at", "id")
    )
    return (
        DispenseRecord.objects.filter(hospital=hospital)
        .select_related(
            "session",
            "dispensed_by",
            "prescription__visit__patient",
            "session__doctor",
            "prescription__visit__vitals",
        )
        .only(*_LIST_COLUMNS)
        .prefetch_related(
            Prefetch("prescription__items", queryset=items),
            active_allergies_prefetch("prescription__visit__patient__allergies"),
        )
    )


def dispense_record_list(*, hospital: Hospital, status: str | None = None) -> QuerySet[DispenseRecord]:
    """The pharmacy's records. pending = not yet dispensed (waiting to be printed or handed over),
    printed = printed and not dispensed, both oldest first; dispensed = handed over, newest first;
    no status: every record, newest first. Each order has an index of its own (see the model)."""
    records = _record_list(hospital)
    if status in (None, ""):
        return records.order_by("-created_at", "-id")
    if status not in STATUSES:
        raise Invalid.on_field("status", f"Choose one of: {', '.join(STATUSES)}.")
    if status == "pending":
        return records.filter(is_dispensed=False).order_by("created_at", "id")
    if status == "printed":
        return records.filter(is_printed=True, is_dispensed=False).order_by("created_at", "id")
    return records.filter(is_dispensed=True).order_by("-dispensed_at", "-id")


def dispense_record_get(*, hospital: Hospital, record_id: int) -> DispenseRecord:
    try:
        return _records(hospital).get(pk=int(record_id))
    except (DispenseRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def record_items(record: DispenseRecord) -> list[PrescriptionItem]:
    """The items this record covers: those active when its session completed (uses the prefetch)."""
    number = record.session.session_number
    return [item for item in record.prescription.items.all() if is_active_at_end_of(item, number)]


def record_allergies(record: DispenseRecord) -> list:
    """The patient's active allergies and conditions, in banner order (uses the prefetch)."""
    return banner_allergies(record.prescription.visit.patient)
