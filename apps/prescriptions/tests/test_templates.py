"""Templates and "repeat last visit": each copied medicine checked like a typed one, the refused listed."""

import pytest

from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.formulary.tests.factories import FormularyEntryFactory
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import (
    add_prescription_item,
    apply_template,
    create_template,
    delete_template,
    repeat_last_visit,
    update_template,
)
from apps.visits.tests.factories import VisitFactory
from common.exceptions import Invalid, PermissionDenied

pytestmark = pytest.mark.django_db
DOSE = {"dosage": "500 mg", "dose_pattern": "1-0-1", "duration_value": 5, "duration_unit": "days"}


def started(doctor, patient=None):
    visit = VisitFactory(hospital=doctor.hospital, doctor=doctor, **({"patient": patient} if patient else {}))
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


def test_repeat_copies_the_previous_visits_active_items_and_lists_what_it_skipped(
    doctor, django_assert_max_num_queries
):
    old = started(doctor)
    entry = FormularyEntryFactory(hospital=doctor.hospital, generic_name="Zinc", pack_size=10)
    names = ["Paracetamol", "Cetirizine", "Amoxicillin", "Pantoprazole"]
    for name in names:
        add_prescription_item(by=doctor, session=old, medicine_name=name, **DOSE)
    add_prescription_item(by=doctor, session=old, formulary_entry=entry, **DOSE)
    new = started(doctor, patient=old.visit.patient)
    add_prescription_item(by=doctor, session=new, medicine_name="paracetamol", **DOSE)  # already there
    entry.is_active = False
    entry.save(update_fields=["is_active"])
    with django_assert_max_num_queries(20):
        result = repeat_last_visit(by=doctor, session=new)
    assert [item.medicine_name for item in result.added] == ["Cetirizine", "Amoxicillin", "Pantoprazole"]
    assert result.skipped == [
        ("Paracetamol", "already on this prescription"),
        ("Zinc", "its formulary entry is no longer in use"),
    ]
    assert PrescriptionItem.objects.filter(session=new).count() == 4
    event = AuditEvent.objects.get(action="prescription.repeat")
    assert (event.changes["added"], event.changes["skipped"]) == (3, 2)


def test_repeat_without_an_earlier_visit_is_refused(doctor):
    with pytest.raises(Invalid, match="no earlier visit"):
        repeat_last_visit(by=doctor, session=started(doctor))


def test_a_template_saved_from_a_session_applies_into_another(doctor):
    first = started(doctor)
    add_prescription_item(by=doctor, session=first, medicine_name="Paracetamol", **DOSE)
    add_prescription_item(by=doctor, session=first, medicine_name="ORS", dosage="1 sachet", frequency="SOS",
                          duration="3 days")  # fmt: skip
    template = create_template(by=doctor, session=first, name=" Viral fever ")
    assert (template.name, template.items.count()) == ("Viral fever", 2)
    result = apply_template(by=doctor, session=started(doctor), template=template)
    assert [(i.medicine_name, i.quantity) for i in result.added] == [("Paracetamol", 10), ("ORS", None)]
    assert result.skipped == []


def test_another_doctors_template_is_neither_applied_nor_deleted(doctor, other_doctor):
    session = started(doctor)
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **DOSE)
    template = create_template(by=doctor, session=session, name="Mine")
    with pytest.raises(PermissionDenied):
        apply_template(by=other_doctor, session=started(other_doctor), template=template)
    with pytest.raises(PermissionDenied):
        delete_template(by=other_doctor, template=template)
    delete_template(by=doctor, template=template)
    assert AuditEvent.objects.filter(action="prescription_template.delete").count() == 1


def test_a_template_name_is_unique_per_doctor_and_needs_medicines(doctor):
    session = started(doctor)
    with pytest.raises(Invalid, match="no active medicine"):
        create_template(by=doctor, session=session, name="Empty")
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **DOSE)
    create_template(by=doctor, session=session, name="Fever")
    with pytest.raises(Invalid, match="already"):
        create_template(by=doctor, session=session, name="FEVER")


def test_repeat_skips_a_medicine_the_patient_is_now_allergic_to(doctor):
    from apps.patients.tests.factories import PatientAllergyFactory

    old = started(doctor)
    for name in ("Amoxicillin", "Cetirizine"):
        add_prescription_item(by=doctor, session=old, medicine_name=name, **DOSE)
    PatientAllergyFactory(patient=old.visit.patient, substance="Amoxicillin")
    result = repeat_last_visit(by=doctor, session=started(doctor, patient=old.visit.patient))
    assert [item.medicine_name for item in result.added] == ["Cetirizine"]
    [(name, reason)] = result.skipped
    assert name == "Amoxicillin"
    assert "allergic" in reason


def test_the_doctor_renames_a_template_and_replaces_its_medicines_with_one_event_each(doctor):
    first = started(doctor)
    add_prescription_item(by=doctor, session=first, medicine_name="Paracetamol", **DOSE)
    template = create_template(by=doctor, session=first, name="Fever")
    second = started(doctor)
    for name in ("Cetirizine", "ORS"):
        add_prescription_item(by=doctor, session=second, medicine_name=name, **DOSE)
    template = update_template(by=doctor, template=template, name=" Fever, adult ", session=second)
    assert template.name == "Fever, adult"
    assert [item.medicine_name for item in template.items.order_by("position")] == ["Cetirizine", "ORS"]
    event = AuditEvent.objects.get(action="prescription_template.update")
    assert event.changes == {"fields": ["name", "items"], "items": 2}
    update_template(by=doctor, template=template, name="Fever, adult")  # the name it has: nothing changes
    assert AuditEvent.objects.filter(action="prescription_template.update").count() == 1


def test_editing_a_template_refuses_another_doctor_a_taken_name_and_an_empty_session(doctor, other_doctor):
    session = started(doctor)
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **DOSE)
    template = create_template(by=doctor, session=session, name="Fever")
    create_template(by=doctor, session=session, name="Cold")
    with pytest.raises(PermissionDenied):
        update_template(by=other_doctor, template=template, name="Mine")
    with pytest.raises(Invalid, match="already"):
        update_template(by=doctor, template=template, name="COLD")
    with pytest.raises(Invalid, match="no active medicine"):
        update_template(by=doctor, template=template, session=started(doctor))
    with pytest.raises(Invalid, match="new name or a session"):
        update_template(by=doctor, template=template)
    template.refresh_from_db()
    assert (template.name, template.items.count()) == ("Fever", 1)
    assert not AuditEvent.objects.filter(action="prescription_template.update").exists()
