"""One whole OPD day through the services, as the front desk, doctor and pharmacy live it."""

import pytest

from apps.audit.models import AuditEvent
from apps.consultations.selectors import get_doctor_queue
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.selectors import patient_search
from apps.patients.services import create_patient
from apps.pharmacy.selectors import dispense_record_list
from apps.pharmacy.services import mark_as_dispensed, mark_as_printed
from apps.prescriptions.selectors import get_active_items
from apps.prescriptions.services import add_prescription_item, stop_prescription_item
from apps.visits.services import create_visit_with_vitals, start_follow_up


@pytest.mark.django_db
def test_a_whole_day_from_registration_to_dispensing(hospital, receptionist, doctor, medical_staff):
    patient = create_patient(
        by=receptionist, full_name="  Kavya   Menon ", age=31, gender="F", phone_number="+91 98450 12345"
    )
    assert (patient.full_name, patient.phone_number, patient.mrn) == ("Kavya Menon", "9845012345", "P-000001")
    assert list(patient_search(hospital=hospital, q="98450 12345")) == [patient]

    visit = create_visit_with_vitals(
        by=receptionist,
        patient=patient,
        doctor=doctor,
        vitals={"height_cm": "160", "weight_kg": "64", "blood_pressure": "118/76", "pulse_rate": "70"},
    )
    assert visit.vitals.bmi is not None
    [session] = get_doctor_queue(doctor=doctor)
    assert (session.visit_id, session.session_number, session.token_number) == (visit.pk, 1, 1)

    session = start_consultation(by=doctor, session=session)
    add = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **add)
    add_prescription_item(by=doctor, session=session, medicine_name="Cetirizine", **add, instructions="at night")
    stop_prescription_item(by=doctor, session=session, medicine_name="cetirizine")
    complete_consultation(by=doctor, session=session)
    assert list(get_doctor_queue(doctor=doctor)) == []

    [record] = dispense_record_list(hospital=hospital, status="pending")
    mark_as_printed(by=medical_staff, record=record)
    mark_as_dispensed(by=medical_staff, record=record)
    assert list(dispense_record_list(hospital=hospital, status="pending")) == []
    assert [r.pk for r in dispense_record_list(hospital=hospital, status="dispensed")] == [record.pk]

    # The patient comes back within the visit's validity: session 2 carries Paracetamol over.
    follow_up = start_follow_up(by=receptionist, visit=visit)
    assert follow_up.session_number == 2
    assert [item.medicine_name for item in get_active_items(prescription=visit.prescription)] == ["Paracetamol"]

    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "patient.create",
        "visit.create",
        "session.start",
        "prescription.item_add",
        "prescription.item_add",
        "prescription.item_stop",
        "session.complete",
        "dispense.print",
        "dispense.dispense",
        "visit.follow_up",
    ]
    assert set(AuditEvent.objects.values_list("hospital", flat=True)) == {hospital.pk}
