import re

from django.db.models import Q, QuerySet

from apps.hospitals.models import Hospital
from apps.patients.models import Patient
from common.exceptions import NotFound

_MRN = re.compile(r"^(?:p-?|#)?0*(\d{1,9})$", re.IGNORECASE)


def patient_search(*, hospital: Hospital, q: str = "", limit: int | None = 50) -> QuerySet[Patient]:
    """Patients of `hospital` matching a name fragment, an MRN ("P-000123", "123") or a phone.

    A full phone number returns every patient who shares it (a family). An empty
    query returns the most recently registered patients. `limit=None` leaves paging to the caller.
    """
    patients = _matching(hospital, q)
    return patients if limit is None else patients[:limit]


def _matching(hospital: Hospital, q: str) -> QuerySet[Patient]:
    patients = Patient.objects.filter(hospital=hospital)
    q = " ".join((q or "").split())
    if not q:
        return patients.order_by("-mrn_number")
    digits = re.sub(r"[\s\-()]", "", q)
    phone = re.sub(r"^(?:\+?91|0)(?=[6-9]\d{9}$)", "", digits)
    if re.fullmatch(r"[6-9]\d{9}", phone):
        return patients.filter(phone_number=phone).order_by("mrn_number")
    mrn = _MRN.match(q)
    if mrn:
        number = int(mrn.group(1))
        condition = Q(mrn_number=number)
        if q.isdigit() and len(q) >= 4:
            condition |= Q(phone_number__startswith=q)
        return patients.filter(condition).order_by("mrn_number")
    return patients.filter(full_name__icontains=q).order_by("full_name", "mrn_number")


def patient_get(*, hospital: Hospital, patient_id: int) -> Patient:
    try:
        return Patient.objects.get(hospital=hospital, pk=int(patient_id))
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
