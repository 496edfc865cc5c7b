"""A hospital's OPD morning, built through the services, for API tests that need one of everything."""

from types import SimpleNamespace

from apps.accounts.tests.factories import UserFactory
from apps.billing.services import create_bill, save_price_item, take_payment, update_billing_settings
from apps.consultations.services import add_icd_synonym, add_pick_list_entry, call_next
from apps.formulary.tests.factories import FormularyEntryFactory
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.models import AllergyKind, AllergySeverity
from apps.patients.services import create_patient, record_allergy
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.services import mark_as_printed
from apps.prescriptions.services import add_prescription_item
from apps.prescriptions.tests.factories import PrescriptionTemplateFactory
from apps.visits.services import create_visit_with_vitals
from apps.waitingroom.services import create_display_key
from common.constants import Role

MEDICINE = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}


def build_world(hospital, prefix: str) -> SimpleNamespace:
    """Staff of each role; `visit` has a started session with one item; `visit2`'s session is completed,
    its record printed; `called` is a token the doctor called (not started); `waiting` is a session the doctor
    has not called or started; `patient3` has no visit yet. `patient` (of `visit`) is allergic to penicillin
    (`allergy`). `bill` (visit's, ₹300) is unpaid; `bill2` (visit2's, ₹450) is paid in full by `payment`."""
    users = {
        role: UserFactory(role=getattr(Role, role.upper()), hospital=hospital, username=f"{prefix}{role}")
        for role in ("hospital_admin", "receptionist", "doctor", "medical_staff")
    }
    doctor2 = UserFactory(role=Role.DOCTOR, hospital=hospital, username=f"{prefix}doctor2")
    desk, doctor = users["receptionist"], users["doctor"]
    patients = [
        create_patient(by=desk, full_name=f"Patient {n}", age=40, gender="F", phone_number=f"98765{n:05d}")
        for n in (1, 2, 3, 4, 5)
    ]
    allergy = record_allergy(
        by=desk,
        patient=patients[0],
        substance="Penicillin",
        kind=AllergyKind.DRUG,
        severity=AllergySeverity.SEVERE,
        reaction="Rash all over",
    )
    visit = create_visit_with_vitals(by=desk, patient=patients[0], doctor=doctor, vitals={"pulse_rate": 72})
    session = start_consultation(by=doctor, session=visit.sessions.get())
    item = add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **MEDICINE)
    visit2 = create_visit_with_vitals(by=desk, patient=patients[1], doctor=doctor)
    session2 = start_consultation(by=doctor, session=visit2.sessions.get())
    add_prescription_item(by=doctor, session=session2, medicine_name="Amoxicillin", **MEDICINE)
    complete_consultation(by=doctor, session=session2)
    create_visit_with_vitals(by=desk, patient=patients[4], doctor=doctor)
    called = call_next(by=doctor)
    waiting = create_visit_with_vitals(by=desk, patient=patients[3], doctor=doctor).opened_session
    display, _ = create_display_key(by=users["hospital_admin"], name="Waiting hall TV")
    record = mark_as_printed(by=users["medical_staff"], record=DispenseRecord.objects.get(session=session2))
    # Billing: a ₹300 default fee, a dressing on the price list; visit's bill is unpaid, visit2's bill
    # (with a dressing, ₹450) is paid in full by UPI.
    update_billing_settings(by=users["hospital_admin"], default_consultation_fee=30000)
    dressing = save_price_item(by=users["hospital_admin"], name="Dressing", price=15000)
    bill = create_bill(by=desk, visit=visit)
    bill2 = create_bill(by=desk, visit=visit2, extras=[(dressing, 1)])
    payment = take_payment(by=desk, bill=bill2, amount=45000, mode="upi", reference="UPI-4471")
    entry = FormularyEntryFactory(hospital=hospital, generic_name="Zinc", strength="20 mg", pack_size=10)
    # The doctor's template (a factory, as the entry: no audit event of its own).
    template = PrescriptionTemplateFactory(doctor=users["doctor"])
    pick_entry = add_pick_list_entry(by=users["hospital_admin"], kind="advice", text="Walk for 30 minutes")
    synonym = add_icd_synonym(by=users["hospital_admin"], term="BP", icd_code="I10")
    return SimpleNamespace(
        entry=entry,
        template=template,
        hospital=hospital,
        doctor2=doctor2,
        **users,
        patient=patients[0],
        allergy=allergy,
        patient3=patients[2],
        visit=visit,
        session=session,
        prescription=item.prescription,
        item=item,
        visit2=visit2,
        record=record,
        waiting=waiting,
        price_item=dressing,
        bill=bill,
        bill2=bill2,
        payment=payment,
        pick_entry=pick_entry,
        synonym=synonym,
        waiting_visit=waiting.visit,
        called=called,
        display=display,
    )
