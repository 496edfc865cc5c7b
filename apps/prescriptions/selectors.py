from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.consultations.models import ConsultationSession
from apps.hospitals.models import Hospital
from apps.prescriptions.models import Prescription, PrescriptionItem, PrescriptionTemplate
from apps.visits.models import Visit
from common.constants import ItemStatus
from common.exceptions import NotFound


def _items_in_order() -> QuerySet[PrescriptionItem]:
    return PrescriptionItem.objects.select_related("session", "stopped_in_session").order_by("created_at", "id")


def prescription_get(*, hospital: Hospital, prescription_id: int) -> Prescription:
    """One prescription of `hospital` with its visit, patient, doctor, vitals and every item."""
    try:
        return (
            Prescription.objects.filter(hospital=hospital)
            .select_related("hospital", "visit", "visit__patient", "visit__doctor", "visit__vitals")
            .prefetch_related(Prefetch("items", queryset=_items_in_order()))
            .get(pk=int(prescription_id))
        )
    except (Prescription.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def prescription_to_change(*, hospital: Hospital, prescription_id: int) -> Prescription:
    """One prescription of `hospital`, for adding or stopping an item: the row alone, its items unread."""
    try:
        return Prescription.objects.get(hospital=hospital, pk=int(prescription_id))
    except (Prescription.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def item_get(*, hospital: Hospital, item_id: int) -> PrescriptionItem:
    try:
        return PrescriptionItem.objects.select_related("prescription").get(hospital=hospital, pk=int(item_id))
    except (PrescriptionItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def prescription_for_visit(*, hospital: Hospital, visit: Visit) -> Prescription | None:
    return (
        Prescription.objects.filter(hospital=hospital, visit=visit)
        .prefetch_related(Prefetch("items", queryset=_items_in_order()))
        .first()
    )


def get_active_items(*, prescription: Prescription) -> QuerySet[PrescriptionItem]:
    return prescription.items.filter(status=ItemStatus.ACTIVE).order_by("created_at", "id")


def is_active_at_end_of(item: PrescriptionItem, session_number: int) -> bool:
    """Was the item on the prescription when session `session_number` completed?

    Items are never deleted and stopping is one-way, so this is exact: added in
    that session or before, and not stopped (or stopped only in a later session).
    """
    if item.session.session_number > session_number:
        return False
    return item.stopped_in_session is None or item.stopped_in_session.session_number > session_number


def items_active_at_end_of(*, session: ConsultationSession) -> QuerySet[PrescriptionItem]:
    """The items a dispense record of `session` covers (the database form of `is_active_at_end_of`)."""
    number = session.session_number
    return (
        _items_in_order()
        .filter(hospital_id=session.hospital_id, prescription__visit_id=session.visit_id)
        .filter(session__session_number__lte=number)
        .filter(Q(stopped_in_session__isnull=True) | Q(stopped_in_session__session_number__gt=number))
    )


def templates_for_doctor(*, hospital: Hospital, doctor: User) -> QuerySet[PrescriptionTemplate]:
    """The doctor's own templates with their medicines, by name."""
    return (
        PrescriptionTemplate.objects.filter(hospital=hospital, doctor=doctor)
        .prefetch_related("items")
        .order_by("name", "id")
    )


def template_get(*, hospital: Hospital, template_id: int) -> PrescriptionTemplate:
    try:
        return PrescriptionTemplate.objects.get(hospital=hospital, pk=int(template_id))
    except (PrescriptionTemplate.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
