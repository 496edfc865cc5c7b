from django.db.models import Prefetch, QuerySet

from apps.hospitals.models import Hospital
from apps.patients.selectors import active_allergies_prefetch, banner_allergies
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.selectors import is_active_at_end_of
from common.exceptions import Invalid, NotFound

STATUSES = ("pending", "printed", "dispensed")


def _records(hospital: Hospital) -> QuerySet[DispenseRecord]:
    items = PrescriptionItem.objects.select_related("session", "stopped_in_session").order_by("created_at", "id")
    return (
        DispenseRecord.objects.filter(hospital=hospital)
        .select_related(
            "hospital",
            "session",
            "dispensed_by",
            "prescription",
            "prescription__visit",
            "prescription__visit__patient",
            "prescription__visit__doctor",
            "prescription__visit__vitals",
        )
        .prefetch_related(
            Prefetch("prescription__items", queryset=items),
            # The allergy banner of every pharmacy page and the list's marker: one query for the whole page.
            active_allergies_prefetch("prescription__visit__patient__allergies"),
        )
    )


def dispense_record_list(*, hospital: Hospital, status: str | None = None) -> QuerySet[DispenseRecord]:
    """The pharmacy's records. pending = not yet dispensed (waiting to be printed or handed over),
    printed = printed and not dispensed, both oldest first; dispensed = handed over, newest first;
    no status: every record, newest first. Each order has an index of its own (see the model)."""
    records = _records(hospital)
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
