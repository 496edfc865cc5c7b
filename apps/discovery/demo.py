"""The demo hospital: one account per role and visits at every stage (SPEC §6).

Built only through the services, so the demo also exercises every rule and
leaves a real audit trail. All in one transaction: it is either there whole or
not at all, which makes re-running it safe.
"""

from dataclasses import dataclass

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import create_staff_user
from apps.formulary.selectors import formulary_list
from apps.formulary.services import update_formulary_entry
from apps.hospitals.models import Hospital
from apps.hospitals.services import create_hospital
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.services import create_patient
from apps.pharmacy.services import mark_as_dispensed, mark_as_printed
from apps.prescriptions.services import add_prescription_item, stop_prescription_item
from apps.visits.services import create_visit_with_vitals
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


def demo_exists() -> bool:
    return Hospital.objects.filter(name__iexact=DEMO_HOSPITAL_NAME).exists()


@transaction.atomic
def build_demo() -> None:
    """Create the demo hospital, its staff, patients and visits at each stage of the OPD day."""
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
    ramesh, sunita, aarav, fatima, _john, _lakshmi = visits

    def consult(visit, medicines, *, stop=None, complete=True):
        session = start_consultation(by=visit.doctor, session=visit.sessions.get(session_number=1))
        for name, dosage, frequency, duration, instructions in medicines:
            add_prescription_item(
                by=visit.doctor,
                session=session,
                medicine_name=name,
                dosage=dosage,
                frequency=frequency,
                duration=duration,
                instructions=instructions,
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
            ("Atorvastatin", "10 mg", "0-0-1", "30 days", "after dinner"),
        ],
    )
    # Printed, waiting to be handed over: written from the formulary with a structured dose (quantity 15).
    session = start_consultation(by=sunita.doctor, session=sunita.sessions.get(session_number=1))
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
    )
    # In consultation: the doctor has opened the session and started writing.
    consult(fatima, [("Iron + folic acid", "1 tab", "1-0-0", "30 days", "after lunch")], complete=False)

    for visit in (ramesh, sunita):
        record = visit.sessions.get(session_number=1).dispense_record
        mark_as_printed(by=pharmacist, record=record)
    mark_as_dispensed(by=pharmacist, record=ramesh.sessions.get(session_number=1).dispense_record)
