"""The demo hospital: one account per role and visits at every stage (SPEC §6).

Built only through the services, so the demo also exercises every rule and
leaves a real audit trail. All in one transaction: it is either there whole or
not at all, which makes re-running it safe.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import create_staff_user, update_staff_details
from apps.billing import services as billing
from apps.consultations.models import ConsultationSession
from apps.consultations.services import call_next, set_queue_priority, update_consultation_record
from apps.formulary.selectors import formulary_list
from apps.formulary.services import update_formulary_entry
from apps.hospitals.models import Hospital
from apps.hospitals.services import create_hospital
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.models import AllergyCategory, AllergyKind, AllergySeverity
from apps.patients.services import create_patient, record_allergy
from apps.pharmacy.services import mark_as_dispensed, mark_as_printed
from apps.prescriptions.services import add_prescription_item, stop_prescription_item
from apps.visits.models import Visit
from apps.visits.services import close_visit, create_visit_with_vitals
from apps.waitingroom.services import create_display_key
from common.constants import Gender, Language, Role

DEMO_HOSPITAL_NAME = "ClinicSetu Demo Hospital"
# Demo only: these passwords are printed and listed on the login page in DEMO_MODE.
DEMO_PASSWORD = "setu-demo-2026"  # noqa: S105 (published demo credentials, never used in production)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    first_name: str
    last_name: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def password(self) -> str:
        return DEMO_PASSWORD


DEMO_ACCOUNTS = [
    DemoAccount(Role.SUPER_ADMIN, "demo_superadmin", "Sanjay", "Kulkarni"),
    DemoAccount(Role.HOSPITAL_ADMIN, "demo_admin", "Meera", "Joshi"),
    DemoAccount(Role.RECEPTIONIST, "demo_reception", "Priya", "Nair"),
    DemoAccount(Role.DOCTOR, "demo_doctor", "Asha", "Rao"),
    DemoAccount(Role.DOCTOR, "demo_doctor2", "Vikram", "Singh"),
    DemoAccount(Role.MEDICAL_STAFF, "demo_pharmacy", "Farhan", "Shaikh"),
]

# name, age, gender, phone (the Patil family shares one), vitals
DEMO_PATIENTS = [
    (
        "Ramesh Patil",
        52,
        Gender.MALE,
        "9876500001",
        {
            "height_cm": "168",
            "weight_kg": "74",
            "blood_pressure": "138/88",
            "pulse_rate": "78",
            "temperature_c": "37.1",
        },
    ),
    (
        "Sunita Patil",
        47,
        Gender.FEMALE,
        "9876500001",
        {"height_cm": "155", "weight_kg": "61", "blood_pressure": "122/80", "pulse_rate": "74"},
    ),
    (
        "Aarav Patil",
        9,
        Gender.MALE,
        "+91 98765 00001",
        {"height_cm": "132", "weight_kg": "27", "temperature_c": "38.4"},
    ),
    ("Fatima Sheikh", 34, Gender.FEMALE, "9123400002", {"blood_pressure": "110/72", "pulse_rate": "80"}),
    (
        "John D'Souza",
        66,
        Gender.MALE,
        "9988700003",
        {"height_cm": "172", "weight_kg": "81", "blood_pressure": "150/94"},
    ),
    ("Lakshmi Iyer", 29, Gender.FEMALE, "", {}),
]


# The doctors' profiles (SPEC §9): the print carries them, and completing a prescription needs the number.
DEMO_DOCTOR_PROFILES = {
    "demo_doctor": {
        "qualification": "MBBS, MD (General Medicine)",
        "registration_council": "Maharashtra Medical Council",
        "registration_number": "MMC-2009/07341",
        "signature_text": "Dr. Asha Rao, Consultant Physician",
    },
    "demo_doctor2": {
        "qualification": "MBBS, DNB (Family Medicine)",
        "registration_council": "Delhi Medical Council",
        "registration_number": "DMC/R/12345",
        "signature_text": "Dr. Vikram Singh",
    },
}

# Allergies and chronic conditions, by patient: (category, substance, kind, severity, reaction, ICD code).
_A, _C = AllergyCategory.ALLERGY, AllergyCategory.CONDITION
DEMO_ALLERGIES: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "Ramesh Patil": [
        (_C, "Hypertension", "", "", "", "I10"),
        (_C, "Dyslipidaemia", "", "", "", "E78.5"),
        (_A, "Atorvastatin", AllergyKind.DRUG, AllergySeverity.MILD, "muscle aches", ""),
    ],
    "Sunita Patil": [(_A, "Ibuprofen", AllergyKind.DRUG, AllergySeverity.MODERATE, "swelling of the lips", "")],
    "Fatima Sheikh": [
        (_A, "Penicillin", AllergyKind.DRUG, AllergySeverity.SEVERE, "rash and breathlessness", ""),
        (_A, "Peanuts", AllergyKind.FOOD, AllergySeverity.MODERATE, "hives", ""),
    ],
    "John D'Souza": [(_C, "Type 2 diabetes mellitus", "", "", "", "E11")],
}
# Ramesh's statin matches his (mild) allergy: Dr. Rao overrides it, and the pharmacy sees that she did.
ATORVASTATIN_OVERRIDE = "Mild aches only on 20 mg; benefit outweighs the risk at 10 mg, review in 2 weeks"


def demo_exists() -> bool:
    return Hospital.objects.filter(name__iexact=DEMO_HOSPITAL_NAME).exists()


@transaction.atomic
def build_demo() -> str:
    """Create the demo hospital, its staff, patients and visits at each stage of the OPD day, and a
    waiting-room display: returns the display's raw key (shown once, as the admin's page does)."""
    root = User.objects.create_superuser(
        username=DEMO_ACCOUNTS[0].username,
        email="superadmin@demo.clinicsetu.local",
        password=DEMO_PASSWORD,
        first_name=DEMO_ACCOUNTS[0].first_name,
        last_name=DEMO_ACCOUNTS[0].last_name,
    )
    hospital = create_hospital(
        by=root,
        name=DEMO_HOSPITAL_NAME,
        max_doctors=3,
        max_receptionists=2,
        max_medical_staff=2,
        default_visit_validity_days=7,
        address="14 Tilak Road, Pune 411002",
        phone="020 2445 1234",
    )
    admin = None
    staff = {}
    for account in DEMO_ACCOUNTS[1:]:
        staff[account.username] = create_staff_user(
            by=admin or root,
            hospital=hospital,
            role=account.role,
            username=account.username,
            password=DEMO_PASSWORD,
            first_name=account.first_name,
            last_name=account.last_name,
        )
        admin = admin or staff[account.username]
    for username, profile in DEMO_DOCTOR_PROFILES.items():
        staff[username] = update_staff_details(by=staff["demo_admin"], user=staff[username], **profile)
    desk, doctor, doctor2, pharmacist = (
        staff["demo_reception"],
        staff["demo_doctor"],
        staff["demo_doctor2"],
        staff["demo_pharmacy"],
    )

    # Sunita reads Hindi: her print, labels and WhatsApp text give the timing in Hindi (SPEC §10).
    patients = [
        create_patient(
            by=desk,
            full_name=name,
            age=age,
            gender=gender,
            phone_number=phone,
            address="Pune",
            preferred_language=Language.HINDI if i == 1 else Language.ENGLISH,
        )
        for i, (name, age, gender, phone, _) in enumerate(DEMO_PATIENTS)
    ]
    # Earlier visits first, so a newcomer opens a chart with a history (SPEC §9): today's tokens start at 1.
    build_demo_history(doctor=doctor, desk=desk, ramesh=patients[0], sunita=patients[1])
    # The allergies the front desk records today (Ramesh's statin aches came up after those visits).
    for patient in patients:
        for category, substance, kind, severity, reaction, icd_code in DEMO_ALLERGIES.get(patient.full_name, []):
            record_allergy(
                by=desk,
                patient=patient,
                category=category,
                substance=substance,
                kind=kind,
                severity=severity,
                reaction=reaction,
                icd_code=icd_code,
            )
    # The hospital started with the NLEM 2022 generics; its admin adds a brand, pack and default dose.
    pantoprazole = next(e for e in formulary_list(hospital=hospital, q="Pantoprazole") if e.form == "tablet")
    pantoprazole = update_formulary_entry(
        by=staff[DEMO_ACCOUNTS[1].username],
        entry=pantoprazole,
        brand_names="Pan, Pantocid",
        pack_size=15,
        default_dose_pattern="1-0-0",
        default_food_relation="before",
        default_duration_value=14,
        default_duration_unit="days",
    )
    visits = [
        create_visit_with_vitals(by=desk, patient=patient, doctor=doctor2 if i == 5 else doctor, vitals=vitals)
        for i, (patient, (_, _, _, _, vitals)) in enumerate(zip(patients, DEMO_PATIENTS, strict=True))
    ]
    # The last two (John with Dr. Rao, Lakshmi with Dr. Singh) stay in the waiting room.
    ramesh, sunita, aarav, fatima, _john, lakshmi = visits

    def consult(visit, medicines, *, stop=None, complete=True, notes=None):
        session = start_consultation(by=visit.doctor, session=visit.sessions.get(session_number=1))
        if notes:
            update_consultation_record(by=visit.doctor, session=session, **notes)
        for name, dosage, frequency, duration, instructions, *override in medicines:
            add_prescription_item(
                by=visit.doctor,
                session=session,
                medicine_name=name,
                dosage=dosage,
                frequency=frequency,
                duration=duration,
                instructions=instructions,
                allergy_override_reason=override[0] if override else "",
            )
        if stop:
            stop_prescription_item(by=visit.doctor, session=session, medicine_name=stop)
        if complete:
            complete_consultation(by=visit.doctor, session=session)
        return session

    # Dispensed: printed and handed over.
    consult(
        ramesh,
        [
            ("Amlodipine", "5 mg", "1-0-0", "30 days", "morning"),
            ("Atorvastatin", "10 mg", "0-0-1", "30 days", "after dinner", ATORVASTATIN_OVERRIDE),
        ],
        notes={
            "complaints": [{"text": "Occasional headache", "duration": "1 week"}],
            "history": "k/c/o HTN for 3 years, on amlodipine. Compliant. No chest pain or breathlessness.",
            "examination": "BP 138/88 mmHg. CVS: S1 S2 normal. No pedal oedema.",
            "diagnoses": [
                {"icd_code": "I10", "certainty": "confirmed"},
                {"icd_code": "E78.5", "kind": "secondary", "certainty": "provisional"},
            ],
            "investigations": [{"text": "Lipid profile"}, {"text": "KFT / RFT"}],
            "advice": "Salt restriction\nRegular walk for 30 minutes",
            "follow_up_days": 30,
        },
    )
    # Printed, waiting to be handed over: written from the formulary with a structured dose (quantity 15).
    session = start_consultation(by=sunita.doctor, session=sunita.sessions.get(session_number=1))
    update_consultation_record(
        by=sunita.doctor,
        session=session,
        complaints=[{"text": "Burning in the upper abdomen", "duration": "10 days"}],
        diagnoses=[{"icd_code": "K21.9"}],
        advice="Avoid oily and spicy food\nDinner 3 hours before bed",
        follow_up_days=5,
    )
    add_prescription_item(
        by=sunita.doctor,
        session=session,
        formulary_entry=pantoprazole,
        dose_pattern="1-0-0",
        food_relation="before",
        duration_value=14,
        duration_unit="days",
        instructions="before breakfast",
    )
    add_prescription_item(
        by=sunita.doctor,
        session=session,
        medicine_name="Domperidone",
        dosage="10 mg",
        dose_pattern="1-0-1",
        food_relation="before",
        duration_value=5,
        duration_unit="days",
    )
    complete_consultation(by=sunita.doctor, session=session)
    # Completed, waiting for the pharmacy to print.
    consult(
        aarav,
        [
            ("Paracetamol syrup", "5 ml", "1-1-1", "3 days", "if fever above 38.5 °C"),
            ("Amoxicillin", "250 mg", "1-0-1", "5 days", "after food"),
            ("Cetirizine", "5 mg", "0-0-1", "5 days", ""),
        ],
        stop="Cetirizine",
        notes={
            "complaints": [{"text": "Fever", "duration": "3 days"}, {"text": "Sore throat", "duration": "2 days"}],
            "examination": "Temp 38.6 °C. Throat congested, tonsils enlarged. Chest clear.",
            "diagnoses": [{"icd_code": "J03.9", "certainty": "provisional"}],
            "investigations": [{"text": "CBC"}],
            "advice": "Plenty of oral fluids\nWarm saline gargles",
            "follow_up_days": 3,
        },
    )
    # In consultation: the doctor has opened the session and started writing.
    consult(
        fatima,
        [("Iron + folic acid", "1 tab", "1-0-0", "30 days", "after lunch")],
        complete=False,
        notes={
            "complaints": [{"text": "Tiredness", "duration": "1 month"}],
            "diagnoses": [{"text": "Anaemia, ? iron deficiency"}],
        },
    )

    for visit in (ramesh, sunita):
        record = visit.sessions.get(session_number=1).dispense_record
        mark_as_printed(by=pharmacist, record=record)
    mark_as_dispensed(by=pharmacist, record=ramesh.sessions.get(session_number=1).dispense_record)

    hospital_admin = staff["demo_admin"]
    # Billing (SPEC §12): fees, a price list, bills paid by cash, UPI and card, one part paid, one unpaid,
    # one not billed yet (Lakshmi), and one refund by the hospital admin.
    billing.update_billing_settings(by=hospital_admin, default_consultation_fee=30000, follow_up_fee=0)
    billing.set_doctor_fee(by=hospital_admin, doctor=doctor2, fee=50000)
    dressing, ecg, _injection = (
        billing.save_price_item(by=hospital_admin, name=name, price=price)
        for name, price in (("Dressing", 15000), ("ECG", 25000), ("Injection charge", 5000))
    )
    paid = [
        (ramesh, [], "cash", ""),
        (sunita, [(ecg, 1)], "upi", "UPI 4301 8876 1122"),
        (fatima, [(dressing, 1)], "card", "Card •• 4421 auth 778812"),
    ]
    bills = {}
    for visit, extras, mode, reference in paid:
        bills[visit.pk] = billing.create_bill(by=desk, visit=visit, extras=extras)
        billing.take_payment(
            by=desk, bill=bills[visit.pk], amount=bills[visit.pk].total, mode=mode, reference=reference
        )
    aarav_bill = billing.create_bill(by=desk, visit=aarav)
    billing.give_discount(by=desk, bill=aarav_bill, amount=5000, reason="Sibling seen the same day")
    billing.take_payment(by=desk, bill=aarav_bill, amount=15000, mode="cash")
    billing.create_bill(by=desk, visit=_john)
    billing.refund_payment(
        by=hospital_admin,
        bill=bills[sunita.pk],
        amount=25000,
        mode="upi",
        reason="ECG machine down: not done",
        reference="UPI refund 5521",
    )
    # The waiting room: Dr. Rao has called John (his token is on the display), Lakshmi is marked elderly.
    call_next(by=doctor)
    lakshmi_waiting = lakshmi.sessions.get(session_number=1)
    set_queue_priority(by=desk, session=lakshmi_waiting, priority="elderly")
    _, display_key = create_display_key(by=staff["demo_admin"], name="Waiting hall TV")
    return display_key


# Earlier visits of two demo patients: (patient, days ago, vitals, notes, medicines).
_HISTORY: list[tuple[str, int, dict, dict[str, Any], list]] = [
    ("ramesh", 90, {"blood_pressure": "156/98", "pulse_rate": "82"}, {
        "complaints": [{"text": "Headache", "duration": "2 weeks"}, {"text": "Giddiness", "duration": "3 days"}],
        "history": "Detected high BP at a camp. No known diabetes.",
        "examination": "BP 156/98 mmHg, repeated 150/96.",
        "diagnoses": [{"icd_code": "I10", "certainty": "provisional"}],
        "investigations": [{"text": "ECG"}, {"text": "Blood sugar (fasting)"}, {"text": "Lipid profile"}],
        "advice": "Salt restriction\nHome BP log for two weeks",
        "follow_up_days": 14,
    }, [("Amlodipine", "5 mg", "1-0-0", "14 days", "morning")]),
    ("ramesh", 60, {"blood_pressure": "142/90", "pulse_rate": "76"}, {
        "complaints": [{"text": "Review of BP and reports"}],
        "examination": "BP 142/90 mmHg.",
        "diagnoses": [{"icd_code": "I10", "certainty": "confirmed"},
                      {"icd_code": "E78.5", "kind": "secondary", "certainty": "confirmed"}],
        "advice": "Regular walk for 30 minutes",
        "follow_up_days": 30,
    }, [("Amlodipine", "5 mg", "1-0-0", "30 days", "morning"),
        ("Atorvastatin", "10 mg", "0-0-1", "30 days", "after dinner")]),
    ("ramesh", 30, {"blood_pressure": "136/86"}, {
        "complaints": [{"text": "Cough", "duration": "4 days"}, {"text": "Cold", "duration": "4 days"}],
        "diagnoses": [{"icd_code": "J06.9"}, {"icd_code": "I10", "kind": "secondary", "certainty": "confirmed"}],
        "advice": "Steam inhalation twice a day",
    }, [("Cetirizine", "10 mg", "0-0-1", "5 days", "")]),
    ("sunita", 45, {"blood_pressure": "118/76"}, {
        "complaints": [{"text": "Loose stools", "duration": "2 days"}, {"text": "Vomiting", "duration": "1 day"}],
        "diagnoses": [{"icd_code": "A09"}],
        "advice": "ORS after every loose stool",
        "follow_up_days": 3,
    }, [("ORS", "1 sachet", "after each stool", "3 days", "in 1 litre of water")]),
]  # fmt: skip


def build_demo_history(*, doctor, desk, ramesh, sunita) -> None:
    """Closed visits with notes, diagnoses and medicines, written through the services, then moved back in
    time (visit and session dates only: a demo's arrangement, so the chart reads like a real one)."""
    import datetime

    from django.utils import timezone

    patients = {"ramesh": ramesh, "sunita": sunita}
    for name, days_ago, vitals, notes, medicines in _HISTORY:
        visit = create_visit_with_vitals(by=desk, patient=patients[name], doctor=doctor, vitals=vitals)
        session = start_consultation(by=doctor, session=visit.sessions.get())
        update_consultation_record(by=doctor, session=session, **notes)
        for medicine, dosage, frequency, duration, instructions in medicines:
            add_prescription_item(
                by=doctor, session=session, medicine_name=medicine, dosage=dosage, frequency=frequency,
                duration=duration, instructions=instructions,
            )  # fmt: skip
        complete_consultation(by=doctor, session=session)
        close_visit(by=desk, visit=visit)
        then = timezone.now() - datetime.timedelta(days=days_ago)
        Visit.objects.filter(pk=visit.pk).update(created_at=then, visit_date=then.date(), closed_at=then)
        ConsultationSession.objects.filter(pk=session.pk).update(
            created_at=then, token_date=then.date(), started_at=then, completed_at=then
        )
