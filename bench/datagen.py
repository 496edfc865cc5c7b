"""Clinic-network data for the benchmarks, written with PostgreSQL COPY: minutes, not hours.

    DATABASE_URL=postgres://…/clinicsetu_bench_large DJANGO_SETTINGS_MODULE=config.settings.bench \
        python -m bench.datagen large

Migrates an empty database, then writes hospitals, staff, patients and a history of
visits day by day, oldest first, across all hospitals at once (so ids and times
interleave as in a real installation). Every past visit went the whole way: vitals,
session 1 (and a follow-up for some), a prescription, items, a dispense record
printed and dispensed, and the audit events each step writes. Today is live in
every hospital: patients waiting, in consultation, completed, printed, dispensed.
Hospital 1's first doctor (`h01_doctor1`) has a long queue: the benchmarks' doctor.

Rows are built as the services build them (same columns, the same audit events with the
same summaries and changes, each a link of its hospital's hash chain as apps.audit.chain
makes it); the services themselves are not called because a million visits through them
take hours. bench.conformance proves it after every generation: the chains verify, and one
patient's day through the real services (rolled back) writes events of the same shapes as
the generated ones; a difference fails the run.
Unique and check constraints stay on while loading. Foreign keys are checked once
at the end, set-wise, instead of row by row (`session_replication_role = replica`
skips PostgreSQL's per-row triggers, which otherwise make up most of the load time).
"""

import argparse
import json
import math
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import django

PASSWORD = "bench-password-2026"  # noqa: S105 (benchmark accounts on a throw-away database)
DOCTORS, RECEPTIONISTS, PHARMACISTS = 8, 3, 2
BENCH_QUEUE = 20  # extra patients waiting for h01_doctor1 today
FOLLOW_UP_SHARE = 0.15
# Billing: first sessions of the last BILLED_DAYS days and today's seen patients are billed and paid at
# this fee (today's waiting patients are not, so the benchmark can bill them).
FEE_PAISE = 30000
BILLED_DAYS = 60
FLUSH_LINES = 200_000


@dataclass(frozen=True)
class Size:
    hospitals: int
    patients: int
    visits: int
    days: int


SIZES = {
    # CI's (.ci/run): seconds to generate, enough free patients for a short run of every phase.
    "tiny": Size(hospitals=1, patients=1_000, visits=600, days=30),
    "small": Size(hospitals=1, patients=2_000, visits=10_000, days=365),
    "large": Size(hospitals=20, patients=200_000, visits=1_000_000, days=730),
}

FIRST_NAMES = (
    "Aarav Aditi Aisha Akash Amit Ananya Anil Anita Arjun Asha Ayaan Bhavna Chetan Deepa Deepak Dev Divya Farhan "
    "Gaurav Geeta Harish Isha Jaya Karan Kavya Kiran Lakshmi Mahesh Manoj Meena Mohan Nandini Naveen Neha Nikhil "
    "Pooja Pradeep Priya Rahul Rajesh Ramesh Ravi Rekha Ritu Rohan Sanjay Sara Seema Shalini Shreya Sneha Suresh "
    "Sunita Tanvi Uma Varun Vijay Vikram Yash Zoya Abdul Fatima Imran Joseph Mary Thomas Gurpreet Harpreet Simran"
).split()
LAST_NAMES = (
    "Sharma Verma Gupta Kumar Singh Patel Shah Mehta Rao Reddy Nair Menon Iyer Pillai Das Bose Sen Chatterjee "
    "Banerjee Mukherjee Ghosh Joshi Kulkarni Deshpande Patil Jadhav Pawar Khan Ahmed Qureshi Fernandes D'Souza "
    "Naidu Hegde Shetty Kamath Bhat Mishra Tiwari Pandey Yadav Chauhan Thakur Gill Sandhu Dhillon Agarwal Jain"
).split()
MEDICINES = (
    ("Paracetamol", "500 mg"),
    ("Amoxicillin", "500 mg"),
    ("Azithromycin", "500 mg"),
    ("Cetirizine", "10 mg"),
    ("Pantoprazole", "40 mg"),
    ("Metformin", "500 mg"),
    ("Amlodipine", "5 mg"),
    ("Atorvastatin", "10 mg"),
    ("Ibuprofen", "400 mg"),
    ("Omeprazole", "20 mg"),
    ("Losartan", "50 mg"),
    ("Montelukast", "10 mg"),
    ("Salbutamol inhaler", "2 puffs"),
    ("Vitamin D3", "60000 IU"),
    ("Calcium carbonate", "500 mg"),
    ("Ondansetron", "4 mg"),
    ("Domperidone", "10 mg"),
    ("Levothyroxine", "50 mcg"),
    ("Telmisartan", "40 mg"),
    ("Glimepiride", "1 mg"),
    ("Doxycycline", "100 mg"),
    ("Ciprofloxacin", "500 mg"),
    ("ORS sachet", "1 sachet"),
    ("Iron and folic acid", "1 tablet"),
    ("Diclofenac gel", "apply"),
)
FREQUENCIES = ("1-0-1", "1-1-1", "0-0-1", "1-0-0", "BD", "TDS", "OD", "SOS")
DURATIONS = ("3 days", "5 days", "7 days", "10 days", "14 days", "1 month")
INSTRUCTIONS = ("after food", "before food", "at bedtime", "", "", "with water")
COMPLAINTS = (
    ("Fever", "3 days"),
    ("Cough", "5 days"),
    ("Headache", "2 days"),
    ("Body ache", "2 days"),
    ("Loose stools", "1 day"),
    ("Pain abdomen", "2 days"),
    ("Sore throat", "3 days"),
    ("Giddiness", ""),
)
DIAGNOSES = (
    ("I10", "Essential (primary) hypertension"),
    ("E11", "Type 2 diabetes mellitus"),
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("A09", "Other gastroenteritis and colitis of infectious and unspecified origin"),
    ("R50.9", "Fever, unspecified"),
    ("M54.5", "Low back pain"),
    ("K21.9", "Gastro-oesophageal reflux disease without oesophagitis"),
)
CERTAINTIES = ("provisional", "confirmed")
NOTES = (
    "Symptoms since the weekend",
    "No similar episodes before",
    "k/c/o HTN, on treatment",
    "Compliant with medicines",
)
ADVICE = ("Plenty of oral fluids", "Salt restriction", "Rest for 3 days", "")
AREAS = "MG Road,Station Road,Gandhi Nagar,Nehru Colony,Market Street,Temple Street,Lake View,Old Town".split(",")
TIME_ZONE = "Asia/Kolkata"


def _json(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


# COPY's text format by type. Generated text never holds a tab, newline or backslash: no escaping needed.
_TEXT = {
    str: str,
    int: str,
    Decimal: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: r"\N",
    datetime: datetime.isoformat,
    date: date.isoformat,
    dict: _json,
}


class Table:
    """Rows of one model waiting for COPY; ids are handed out here so children can point at them."""

    def __init__(self, model, columns: list[str]):
        expected = {field.attname for field in model._meta.concrete_fields}
        if set(columns) != expected:
            raise RuntimeError(f"{model.__name__} columns drifted: {sorted(expected ^ set(columns))}")
        self.name = model._meta.db_table
        self.columns = columns
        self.lines: list[str] = []
        self.next_id = 1
        self.rows = 0

    def add(self, *values) -> int:
        row_id = self.next_id
        self.next_id += 1
        self.lines.append("\t".join([str(row_id), *[_TEXT[type(value)](value) for value in values]]))
        return row_id

    def flush(self, writer: "CopyWriter") -> None:
        if self.lines:
            writer.put(f"COPY {self.name} ({', '.join(self.columns)}) FROM STDIN", "\n".join(self.lines) + "\n")
            self.rows += len(self.lines)
            self.lines.clear()


class CopyWriter:
    """Sends COPY batches from a thread of its own, so PostgreSQL loads one batch while Python builds the next.

    Batches go in the order given, each committed on its own: parents before children.
    """

    def __init__(self, connection):
        self.connection = connection
        self.batches: queue.Queue = queue.Queue(maxsize=4)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._send, daemon=True)
        self.thread.start()

    def _send(self) -> None:
        with self.connection.cursor() as cursor:
            while (batch := self.batches.get()) is not None:
                if self.failure is None:
                    try:
                        with cursor.copy(batch[0]) as copy:
                            copy.write(batch[1])
                    except BaseException as error:  # re-raised in the generating thread by put() or close()
                        self.failure = error

    def put(self, sql: str, data: str) -> None:
        if self.failure is not None:
            raise self.failure
        self.batches.put((sql, data))

    def close(self) -> None:
        self.batches.put(None)
        self.thread.join()
        if self.failure is not None:
            raise self.failure


class Generator:
    def __init__(self, size: Size, connection, seed: int = 2026):
        from zoneinfo import ZoneInfo

        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from apps.accounts.models import User
        from apps.accounts.usernames import username_key
        from apps.audit.chain import GENESIS, content_hash
        from apps.audit.models import AuditEvent
        from apps.audit.policy import allowed_changes
        from apps.billing.models import Bill, BillingSettings, BillLine, Payment
        from apps.consultations.models import ConsultationSession
        from apps.hospitals.models import Hospital
        from apps.patients.models import Patient
        from apps.pharmacy.models import DispenseRecord
        from apps.prescriptions.models import Prescription, PrescriptionItem
        from apps.visits.models import PatientVitals, Visit

        self.size = size
        self.username_key = username_key
        self.connection = connection
        self.writer = CopyWriter(connection)
        self.random = random.Random(seed)
        self.zone = ZoneInfo(TIME_ZONE)
        self.now = timezone.now().replace(microsecond=0)
        self.today = self.now.astimezone(self.zone).date()
        self.password_hash = make_password(PASSWORD)
        self.hospitals = Table(Hospital, [
            "id", "name", "is_active", "max_doctors", "max_receptionists", "max_medical_staff",
            "default_visit_validity_days", "address", "phone", "time_zone", "last_patient_number",
            "created_at", "updated_at",
        ])  # fmt: skip
        self.users = Table(User, [
            "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "role", "hospital_id",
            "qualification", "registration_council", "registration_number", "signature_text",
            "username_key", "session_generation",
        ])  # fmt: skip
        self.patients = Table(Patient, [
            "id", "hospital_id", "created_at", "mrn_number", "full_name", "age", "gender", "phone_number",
            "address", "updated_at", "created_by_id", "preferred_language",
        ])  # fmt: skip
        self.visits = Table(Visit, [
            "id", "hospital_id", "created_at", "patient_id", "doctor_id", "validity_days", "visit_date",
            "is_active", "closed_at", "created_by_id", "closed_by_id",
        ])  # fmt: skip
        self.vitals = Table(PatientVitals, [
            "id", "hospital_id", "created_at", "visit_id", "height_cm", "weight_kg", "bp_systolic",
            "bp_diastolic", "pulse_rate", "temperature_c",
        ])  # fmt: skip
        self.sessions = Table(ConsultationSession, [
            "id", "hospital_id", "created_at", "visit_id", "doctor_id", "session_number", "token_number",
            "token_date", "status", "started_at", "completed_at", "created_by_id",
            "priority", "queue_rank", "queued_at", "called_at", "recall_count", "skip_count", "no_show_at",
            "queue_changed_at",
        ])  # fmt: skip
        self.prescriptions = Table(Prescription, ["id", "hospital_id", "created_at", "visit_id"])
        self.items = Table(PrescriptionItem, [
            "id", "hospital_id", "created_at", "prescription_id", "session_id", "medicine_name", "dosage",
            "frequency", "duration", "instructions", "status", "stopped_in_session_id", "stopped_at",
            "allergy_override_reason",
            # Structured dosing (issue 16): the generated items are written as texts, as items were before it.
            "dose_pattern", "dose_unit", "food_relation", "duration_value", "duration_unit", "quantity",
            "formulary_entry_id", "is_uncatalogued",
        ])  # fmt: skip
        self.dispense_records = Table(DispenseRecord, [
            "id", "hospital_id", "created_at", "prescription_id", "session_id", "is_printed", "printed_at",
            "print_count", "is_dispensed", "dispensed_at", "dispensed_by_id",
        ])  # fmt: skip
        self.billing_settings = Table(BillingSettings, [
            "id", "hospital_id", "created_at", "default_consultation_fee", "follow_up_fee",
            "require_payment_before_consultation", "discount_by_receptionist", "discount_by_hospital_admin",
            "updated_at",
        ])  # fmt: skip
        self.bills = Table(Bill, [
            "id", "hospital_id", "created_at", "visit_id", "session_id", "patient_id", "doctor_id", "bill_date",
            "status", "total", "paid", "created_by_id", "cancelled_at", "cancelled_by_id", "cancel_reason",
        ])  # fmt: skip
        self.bill_lines = Table(BillLine, [
            "id", "hospital_id", "created_at", "bill_id", "kind", "description", "price_item_id", "quantity",
            "amount", "reason", "created_by_id",
        ])  # fmt: skip
        self.payments = Table(Payment, [
            "id", "hospital_id", "created_at", "bill_id", "kind", "mode", "amount", "signed_amount", "reference",
            "reason", "note", "financial_year", "number", "business_date", "doctor_id", "received_by_id",
        ])  # fmt: skip
        # Receipt numbers handed out per (hospital, financial year), for the counters at the end.
        self.receipts: dict[tuple[int, str], int] = {}
        self._notes_tables()
        self.audit = Table(AuditEvent, [
            "id", "created_at", "actor_id", "actor_username", "actor_role", "hospital_id", "action",
            "object_type", "object_id", "summary", "changes", "ip_address", "seq", "prev_hash", "hash",
        ])  # fmt: skip
        # Each hospital's audit chain as record_event extends it: (seq, hash) of its last event.
        self.chains: dict[int, tuple[int, str]] = {}
        self.genesis, self.content_hash, self.allowed_changes = GENESIS, content_hash, allowed_changes
        self.username_key = username_key
        # Parents before children: each flush commits rows their foreign keys can find.
        self.tables = [
            self.hospitals, self.users, self.patients, self.visits, self.vitals, self.sessions,
            self.prescriptions, self.items, self.dispense_records, self.records, self.complaints, self.diagnoses,
            self.billing_settings, self.bills, self.bill_lines, self.payments, self.audit,
        ]  # fmt: skip
        self.tokens: dict[tuple[int, date], int] = {}
        self.staff: dict[int, dict[str, list[tuple[int, str, str]]]] = {}
        self.patient_ids: dict[int, list[int]] = {}
        self.patient_mrns: dict[int, int] = {}
        self.last_phone = ""
        # (patient, doctor) pairs with a visit still valid today: the duplicate-visit rule holds in the data too.
        self.valid_pairs: set[tuple[int, int]] = set()

    # -- helpers -------------------------------------------------------------------------------
    def at(self, day: date, minutes: float):
        """A UTC time `minutes` after local midnight of `day`."""
        local = datetime(day.year, day.month, day.day, tzinfo=self.zone) + timedelta(minutes=minutes)
        return local.astimezone(UTC)

    def event(self, when, actor, hospital_id, action, model_label, object_id, summary, changes):
        """An audit event as record_event writes it: changes as the policy keeps them, the next link of the chain."""
        user_id, username, role = actor
        seq, prev_hash = self.chains.get(hospital_id, (0, self.genesis))
        event = SimpleNamespace(
            created_at=when, actor_id=user_id, actor_username=username, actor_role=role, hospital_id=hospital_id,
            action=action, object_type=model_label, object_id=str(object_id), summary=summary,
            changes=self.allowed_changes(action, changes),
            ip_address=f"10.{hospital_id % 250}.{user_id % 250}.{self.random.randint(2, 250)}",
            seq=seq + 1, prev_hash=prev_hash,
        )  # fmt: skip
        event.hash = self.content_hash(event)
        self.chains[hospital_id] = (event.seq, event.hash)
        self.audit.add(
            event.created_at, event.actor_id, event.actor_username, event.actor_role, event.hospital_id, event.action,
            event.object_type, event.object_id, event.summary, event.changes, event.ip_address, event.seq,
            event.prev_hash, event.hash,
        )  # fmt: skip

    def token(self, doctor_id: int, day: date) -> int:
        number = self.tokens.get((doctor_id, day), 0) + 1
        self.tokens[(doctor_id, day)] = number
        return number

    def maybe_flush(self) -> None:
        if sum(len(table.lines) for table in self.tables) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        for table in self.tables:
            table.flush(self.writer)

    # -- the data ------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        first_day = self.today - timedelta(days=self.size.days - 1)
        opened = self.at(first_day, 0) - timedelta(days=30)
        self.user(opened, "bench_root", "SUPER_ADMIN", None, "Platform", "Admin")
        for number in range(1, self.size.hospitals + 1):
            self.hospital(number, opened)
        self.flush()
        per_hospital = self.size.patients // self.size.hospitals
        visits_per_day = self.size.visits / (self.size.hospitals * self.size.days)
        owed = dict.fromkeys(self.staff, 0.0)
        for index in range(self.size.days):
            day = first_day + timedelta(days=index)
            is_today = day == self.today
            for hospital_id in self.staff:
                registered_by = max(1, math.ceil(per_hospital * (index + 1) / self.size.days))
                while len(self.patient_ids[hospital_id]) < registered_by:
                    self.patient(hospital_id, day)
                owed[hospital_id] += visits_per_day
                count = int(owed[hospital_id])
                owed[hospital_id] -= count
                if is_today:
                    self.live_day(hospital_id, day, count)
                else:
                    for minute in sorted(self.random.uniform(9 * 60, 17 * 60) for _ in range(count)):
                        self.past_visit(hospital_id, day, index, minute)
                self.maybe_flush()
        self.flush()
        self.writer.close()
        with self.connection.cursor() as cursor:
            self.finish(cursor)
            self.verify_foreign_keys(cursor)
        return {table.name: table.rows for table in self.tables}

    def user(self, joined, username, role, hospital_id, first, last) -> tuple[int, str, str]:
        user_id = self.users.add(
            self.password_hash, None, role == "SUPER_ADMIN", username, first, last, f"{username}@bench.example",
            role == "SUPER_ADMIN", True, joined, role, hospital_id,
            *(("MBBS", "Maharashtra Medical Council", f"MMC-{username.replace('_', '-').upper()}", "")
              if role == "DOCTOR" else ("", "", "", "")),
            self.username_key(username), 0,
        )  # fmt: skip
        return (user_id, username, role)

    def hospital(self, number: int, opened) -> None:
        hospital_id = self.hospitals.add(
            f"Bench Hospital {number:02d}", True, DOCTORS + 2, RECEPTIONISTS + 2, PHARMACISTS + 2, 7,
            f"{number} {self.random.choice(AREAS)}, Bengaluru", f"080-4{number:03d}0000", TIME_ZONE, 0,
            opened, opened,
        )  # fmt: skip
        self.billing_settings.add(hospital_id, opened, FEE_PAISE, 0, False, True, True, opened)
        prefix = f"h{number:02d}"
        names = iter(self.random.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], 20))
        staff = {
            "admin": [self.user(opened, f"{prefix}_admin", "HOSPITAL_ADMIN", hospital_id, *next(names))],
            "doctor": [self.user(opened, f"{prefix}_doctor{k}", "DOCTOR", hospital_id, *next(names))
                       for k in range(1, DOCTORS + 1)],
            "desk": [self.user(opened, f"{prefix}_desk{k}", "RECEPTIONIST", hospital_id, *next(names))
                     for k in range(1, RECEPTIONISTS + 1)],
            "pharmacy": [self.user(opened, f"{prefix}_pharmacy{k}", "MEDICAL_STAFF", hospital_id, *next(names))
                         for k in range(1, PHARMACISTS + 1)],
        }  # fmt: skip
        self.staff[hospital_id] = staff
        self.patient_ids[hospital_id] = []

    def patient(self, hospital_id: int, day: date) -> None:
        ids = self.patient_ids[hospital_id]
        desk = self.random.choice(self.staff[hospital_id]["desk"])
        when = self.at(day, self.random.uniform(8 * 60, 9 * 60))
        mrn = len(ids) + 1
        # About one patient in four shares a phone with the one before: a family.
        if ids and self.random.random() < 0.25:
            phone = self.last_phone
        else:
            phone = f"{self.random.choice('6789')}{self.random.randrange(10**9):09d}"
        self.last_phone = phone
        name = f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"
        gender = "O" if self.random.random() < 0.01 else self.random.choice("MF")
        age = self.random.randint(0, 95)
        patient_id = self.patients.add(
            hospital_id, when, mrn, name, age, gender,
            phone, f"{self.random.randint(1, 400)} {self.random.choice(AREAS)}", when, desk[0], "en",
        )  # fmt: skip
        ids.append(patient_id)
        self.patient_mrns[patient_id] = mrn
        self.event(
            when, desk, hospital_id, "patient.create", "patients.patient", patient_id,
            f"Registered patient P-{mrn:06d}", {"mrn": f"P-{mrn:06d}", "gender": gender, "age": age},
        )  # fmt: skip

    def vitals_row(self, hospital_id, when, visit_id) -> dict[str, str]:
        """The row, and the vitals as visit.create records them: each one taken, as text."""
        rnd = self.random
        full = rnd.random() < 0.8
        height = Decimal(rnd.randint(1400, 1900)) / 10 if full else None
        weight = Decimal(rnd.randint(350, 1100)) / 10 if full else None
        systolic = rnd.randint(100, 170) if rnd.random() < 0.85 else None
        diastolic = rnd.randint(60, min(110, systolic - 10)) if systolic else None
        pulse = rnd.randint(55, 110)
        temperature = Decimal(rnd.randint(361, 390)) / 10 if rnd.random() < 0.7 else None
        self.vitals.add(hospital_id, when, visit_id, height, weight, systolic, diastolic, pulse, temperature)
        taken = {
            "height_cm": height, "weight_kg": weight,
            "blood_pressure": f"{systolic}/{diastolic}" if systolic is not None else "", "pulse_rate": pulse,
            "temperature_c": temperature,
        }  # fmt: skip
        return {field: str(value) for field, value in taken.items() if value}

    def new_visit(self, hospital_id, day, minute, doctor, *, closed_at=None, closed_by=None):
        staff = self.staff[hospital_id]
        desk = self.random.choice(staff["desk"])
        patient_id = self.random.choice(self.patient_ids[hospital_id])
        if closed_at is None and day + timedelta(days=7) >= self.today:
            while (patient_id, doctor[0]) in self.valid_pairs:
                patient_id = self.random.choice(self.patient_ids[hospital_id])
            self.valid_pairs.add((patient_id, doctor[0]))
        created = self.at(day, minute)
        visit_id = self.visits.add(
            hospital_id, created, patient_id, doctor[0], 7, day, closed_at is None, closed_at, desk[0],
            closed_by[0] if closed_by else None,
        )  # fmt: skip
        vitals = self.vitals_row(hospital_id, created, visit_id)
        self.last_patient = patient_id
        token = self.token(doctor[0], day)
        mrn = self.patient_mrns[patient_id]
        self.event(
            created, desk, hospital_id, "visit.create", "visits.visit", visit_id,
            f"Visit #{visit_id} for P-{mrn:06d} with {doctor[1]}, token {token}",
            {"patient": f"P-{mrn:06d}", "doctor": doctor[1], "validity_days": 7, "token_number": token,
             "vitals": vitals},
        )  # fmt: skip
        return visit_id, created, desk, token

    def session(self, hospital_id, visit_id, doctor, desk, number, token, day, created, *, started, completed):
        return self.sessions.add(
            hospital_id, created, visit_id, doctor[0], number, token, day,
            "completed" if completed else "open", started, completed, desk[0],
            # The waiting room: a started session was called when it started; nobody skipped.
            "none", 2, created, started, 0, 0, None, completed or started or created,
        )  # fmt: skip

    def consult(self, hospital_id, doctor, session, prescription_id, started, medicines, stop=None):
        """The doctor starts `session` (id, number, visit id), maybe stops an item, adds `medicines`.

        Session 1's start creates the visit's prescription (start_consultation); returns the new items' ids.
        """
        session_id, number, visit_id = session
        self.event(
            started, doctor, hospital_id, "session.start", "consultations.consultationsession", session_id,
            f"Started session {number} of visit #{visit_id}",
            {"started_at": started.isoformat()} | ({"prescription_created": prescription_id} if number == 1 else {}),
        )  # fmt: skip
        moment = started
        if stop is not None:
            moment += timedelta(seconds=30)
            self.event(
                moment, doctor, hospital_id, "prescription.item_stop", "prescriptions.prescriptionitem", stop,
                f"Stopped item #{stop} on the prescription of visit #{visit_id}",
                {"status": ["active", "stopped"], "session": number},
            )  # fmt: skip
        added = []
        for name, dose in medicines:
            moment += timedelta(seconds=self.random.randint(20, 90))
            text = {
                "medicine_name": name,
                "dosage": dose,
                "frequency": self.random.choice(FREQUENCIES),
                "duration": self.random.choice(DURATIONS),
                "instructions": self.random.choice(INSTRUCTIONS),
            }
            item_id = self.items.add(
                hospital_id,
                moment,
                prescription_id,
                session_id,
                *text.values(),
                "active",
                None,
                None,
                "",
                *("", "", "", None, "", None, None, True),
            )
            self.event(
                moment, doctor, hospital_id, "prescription.item_add", "prescriptions.prescriptionitem", item_id,
                f"Added item #{item_id} to the prescription of visit #{visit_id}",
                text | {"session": number, "formulary_entry": None},
            )  # fmt: skip
            added.append((item_id, moment))
        return added

    def complete(self, hospital_id, doctor, session, prescription_id, completed, stage: str) -> None:
        """The doctor completes `session`, which creates its dispense record; `stage`: pending, printed or dispensed."""
        session_id, number, visit_id = session
        pharmacist = self.random.choice(self.staff[hospital_id]["pharmacy"])
        printed_at = completed + timedelta(minutes=self.random.randint(2, 20)) if stage != "pending" else None
        dispensed_at = printed_at + timedelta(minutes=self.random.randint(1, 10)) if stage == "dispensed" else None
        record_id = self.dispense_records.add(
            hospital_id, completed, prescription_id, session_id, printed_at is not None, printed_at,
            1 if printed_at else 0, dispensed_at is not None, dispensed_at, pharmacist[0] if dispensed_at else None,
        )  # fmt: skip
        self.event(
            completed, doctor, hospital_id, "session.complete", "consultations.consultationsession", session_id,
            f"Completed session {number} of visit #{visit_id}",
            {"status": ["open", "completed"], "dispense_record": record_id},
        )  # fmt: skip
        if printed_at:
            self.event(
                printed_at, pharmacist, hospital_id, "dispense.print", "pharmacy.dispenserecord", record_id,
                f"Printed the prescription of dispense record #{record_id} (print 1)", {"print_count": 1},
            )  # fmt: skip
        if dispensed_at:
            self.event(
                dispensed_at, pharmacist, hospital_id, "dispense.dispense", "pharmacy.dispenserecord", record_id,
                f"Dispensed the prescription of dispense record #{record_id}", {"is_dispensed": [False, True]},
            )  # fmt: skip

    def bill(self, hospital_id, visit_id, session_id, doctor, desk, day, created) -> None:
        """The session's consultation fee, billed and paid at the desk as the visit opens (SPEC §12)."""
        from apps.billing.models import financial_year

        rnd = self.random
        fee = FEE_PAISE
        bill_id = self.bills.add(
            hospital_id, created, visit_id, session_id, self.last_patient, doctor[0], day, "open", fee, fee, desk[0],
            None, None, "",
        )  # fmt: skip
        self.bill_lines.add(
            hospital_id, created, bill_id, "consultation", "Consultation fee", None, 1, fee, "", desk[0]
        )
        self.event(
            created, desk, hospital_id, "bill.create", "billing.bill", bill_id, f"Bill #{bill_id}",
            {"visit": visit_id, "session": session_id, "total": fee, "lines": 1, "fee_kind": "consultation"},
        )  # fmt: skip
        mode = rnd.choice(("cash", "cash", "cash", "upi", "upi", "card"))
        year = financial_year(day)
        number = self.receipts.get((hospital_id, year), 0) + 1
        self.receipts[hospital_id, year] = number
        paid_at = created + timedelta(seconds=40)
        reference = "" if mode == "cash" else f"REF{rnd.randint(10**8, 10**9)}"
        self.payments.add(
            hospital_id, paid_at, bill_id, "payment", mode, fee, fee, reference, "", "", year, number, day,
            doctor[0], desk[0],
        )  # fmt: skip
        self.event(
            paid_at, desk, hospital_id, "payment.create", "billing.bill", bill_id,
            f"Receipt OPD/{year}/{number:06d} on bill #{bill_id}",
            {"receipt": f"OPD/{year}/{number:06d}", "amount": fee, "mode": mode, "balance": 0},
        )  # fmt: skip

    def past_visit(self, hospital_id, day, index, minute) -> None:
        rnd = self.random
        staff = self.staff[hospital_id]
        doctor = rnd.choice(staff["doctor"])
        follow_up_day = day + timedelta(days=rnd.randint(2, 6)) if rnd.random() < FOLLOW_UP_SHARE else None
        if follow_up_day is not None and follow_up_day >= self.today:
            follow_up_day = None
        last_day = follow_up_day or day
        # Most visits are closed by the desk once expired; some stay open and simply expire.
        expired = last_day + timedelta(days=8) < self.today
        closer = rnd.choice(staff["desk"]) if expired and rnd.random() < 0.7 else None
        closed_at = self.at(last_day, 18 * 60) if closer else None
        visit_id, created, desk, token = self.new_visit(
            hospital_id, day, minute, doctor, closed_at=closed_at, closed_by=closer
        )
        started = created + timedelta(minutes=rnd.randint(5, 60))
        completed = started + timedelta(minutes=rnd.randint(4, 15))
        session_id = self.session(
            hospital_id, visit_id, doctor, desk, 1, token, day, created, started=started, completed=completed
        )
        if day >= self.today - timedelta(days=BILLED_DAYS):
            self.bill(hospital_id, visit_id, session_id, doctor, desk, day, created)
        prescription_id = self.prescriptions.add(hospital_id, started, visit_id)
        medicines = rnd.sample(MEDICINES, rnd.choice((1, 2, 2, 3, 3, 4)))
        items = self.consult(hospital_id, doctor, (session_id, 1, visit_id), prescription_id, started, medicines)
        self.notes(hospital_id, doctor, session_id, started)
        self.complete(hospital_id, doctor, (session_id, 1, visit_id), prescription_id, completed, "dispensed")
        if follow_up_day is not None:
            created2 = self.at(follow_up_day, rnd.uniform(9 * 60, 17 * 60))
            token2 = self.token(doctor[0], follow_up_day)
            started2 = created2 + timedelta(minutes=rnd.randint(5, 60))
            completed2 = started2 + timedelta(minutes=rnd.randint(3, 10))
            session2 = self.session(
                hospital_id, visit_id, doctor, desk, 2, token2, follow_up_day, created2,
                started=started2, completed=completed2,
            )  # fmt: skip
            self.event(
                created2, desk, hospital_id, "visit.follow_up", "consultations.consultationsession", session2,
                f"Follow-up session 2 of visit #{visit_id}, token {token2}",
                {"visit": visit_id, "session_number": 2, "token_number": token2},
            )  # fmt: skip
            stopped_id, _ = items[0]
            self.stop_item(stopped_id, session2, started2 + timedelta(seconds=30))
            unused = [m for m in MEDICINES if m not in medicines]
            second = (session2, 2, visit_id)
            self.consult(hospital_id, doctor, second, prescription_id, started2, [rnd.choice(unused)], stopped_id)
            self.notes(hospital_id, doctor, session2, started2)
            self.complete(hospital_id, doctor, second, prescription_id, completed2, "dispensed")
        if closer:
            self.event(
                closed_at, closer, hospital_id, "visit.close", "visits.visit", visit_id,
                f"Closed visit #{visit_id}", {"is_active": [True, False]},
            )  # fmt: skip

    # -- the consultation record (issue 15): kept apart from the rows above --------------------------
    def _notes_tables(self) -> None:
        from apps.consultations.models import Complaint, ConsultationRecord, Diagnosis

        self.records = Table(ConsultationRecord, [
            "id", "hospital_id", "created_at", "session_id", "history", "examination", "advice", "follow_up_date",
            "follow_up_days", "updated_at",
        ])  # fmt: skip
        self.complaints = Table(
            Complaint, ["id", "hospital_id", "created_at", "position", "record_id", "text", "duration"]
        )
        self.diagnoses = Table(Diagnosis, [
            "id", "hospital_id", "created_at", "position", "record_id", "icd_code", "text", "kind", "certainty",
        ])  # fmt: skip

    def notes(self, hospital_id, doctor, session_id, started) -> None:
        """The doctor's notes of a session: complaints, a line of history, one or two diagnoses, and the
        audit event the record's service writes (field names only)."""
        rnd = self.random
        when = started + timedelta(minutes=2)
        record_id = self.records.add(
            hospital_id, when, session_id, f"{rnd.choice(NOTES)}.", "", rnd.choice(ADVICE), None,
            rnd.choice((None, 3, 5, 7)), when,
        )  # fmt: skip
        for position, (text, duration) in enumerate(rnd.sample(COMPLAINTS, rnd.choice((1, 2, 2, 3))), start=1):
            self.complaints.add(hospital_id, when, position, record_id, text, duration)
        for position, (code, title) in enumerate(rnd.sample(DIAGNOSES, rnd.choice((1, 1, 2))), start=1):
            kind = "primary" if position == 1 else "secondary"
            self.diagnoses.add(hospital_id, when, position, record_id, code, title, kind, rnd.choice(CERTAINTIES))
        self.event(
            when, doctor, hospital_id, "consultation.record_update", "consultations.consultationrecord", record_id,
            f"Wrote the record of session {session_id}", {"session": session_id,
            "fields": ["advice", "complaints", "diagnoses", "history"], "record_created": True},
        )  # fmt: skip

    def stop_item(self, item_id, session_id, when) -> None:
        """Marks an item, still buffered for COPY, stopped in `session_id`."""
        # Flushes happen between days, so an item added in this visit is still buffered.
        line_index = len(self.items.lines) - (self.items.next_id - item_id)
        fields = self.items.lines[line_index].split("\t")
        status = self.items.columns.index("status")  # status, stopped_in_session_id, stopped_at, in that order
        fields[status : status + 3] = ["stopped", str(session_id), when.isoformat()]
        self.items.lines[line_index] = "\t".join(fields)

    def live_day(self, hospital_id, day, count) -> None:
        """Today: the earliest visits are furthest along, the latest still waiting."""
        rnd = self.random
        staff = self.staff[hospital_id]
        now_minutes = (self.now.astimezone(self.zone) - self.at(day, 0).astimezone(self.zone)).total_seconds() / 60
        start = max(1.0, now_minutes - 8 * 60)
        end = max(start + 1, now_minutes - 2)
        stages = ["dispensed"] * 3 + ["printed"] + ["pending"] * 2 + ["consulting"] + ["waiting"] * 3
        bench_doctor = staff["doctor"][0]
        plan = [(stages[i * len(stages) // max(count, 1)], staff["doctor"][i % DOCTORS]) for i in range(count)]
        if hospital_id == 1:
            plan += [("waiting", bench_doctor)] * BENCH_QUEUE
        minutes = sorted(rnd.uniform(start, end) for _ in plan)
        for (stage, doctor), minute in zip(plan, minutes, strict=True):
            visit_id, created, desk, token = self.new_visit(hospital_id, day, minute, doctor)
            if stage == "waiting":
                self.session(hospital_id, visit_id, doctor, desk, 1, token, day, created, started=None, completed=None)
                continue
            started = min(created + timedelta(minutes=rnd.randint(1, 20)), self.now - timedelta(seconds=60))
            done = stage != "consulting"
            completed = min(started + timedelta(minutes=rnd.randint(3, 10)), self.now) if done else None
            session_id = self.session(
                hospital_id, visit_id, doctor, desk, 1, token, day, created, started=started, completed=completed
            )
            self.bill(hospital_id, visit_id, session_id, doctor, desk, day, created)
            prescription_id = self.prescriptions.add(hospital_id, started, visit_id)
            medicines = rnd.sample(MEDICINES, rnd.choice((1, 2, 3)))
            self.consult(hospital_id, doctor, (session_id, 1, visit_id), prescription_id, started, medicines)
            self.notes(hospital_id, doctor, session_id, started)
            if done:
                self.complete(hospital_id, doctor, (session_id, 1, visit_id), prescription_id, completed, stage)

    def finish(self, cursor) -> None:
        """Counters, chain heads and sequences catch up with the ids written, and the planner learns the data."""
        cursor.executemany(
            "INSERT INTO audit_auditchainhead (chain, seq) VALUES (%s, %s)",
            [(hospital_id, seq) for hospital_id, (seq, _) in self.chains.items()],
        )
        cursor.executemany(
            "INSERT INTO billing_receiptcounter (hospital_id, created_at, kind, financial_year, last_number) "
            "VALUES (%s, now(), 'payment', %s, %s)",
            [(hospital_id, year, number) for (hospital_id, year), number in self.receipts.items()],
        )
        for hospital_id, ids in self.patient_ids.items():
            cursor.execute(
                "UPDATE hospitals_hospital SET last_patient_number = %s WHERE id = %s", [len(ids), hospital_id]
            )
        for table in self.tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), %s, true)", [max(table.next_id - 1, 1)]
            )

    def verify_foreign_keys(self, cursor) -> None:
        """Every foreign key of every generated row points at a row: one anti-join per key."""
        from django.apps import apps

        for model in apps.get_models():
            table = model._meta.db_table
            if table not in {t.name for t in self.tables}:
                continue
            for key in (f for f in model._meta.concrete_fields if f.is_relation):
                parent = key.related_model._meta.db_table
                cursor.execute(
                    f"SELECT count(*) FROM {table} c WHERE c.{key.column} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {parent} p WHERE p.id = c.{key.column})"
                )
                dangling = cursor.fetchone()[0]
                if dangling:
                    raise RuntimeError(f"{dangling} rows of {table}.{key.column} point at no {parent} row.")


def generate(size_name: str) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL to an empty PostgreSQL database.")
    size = SIZES[size_name]
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hospitals_hospital")
        if cursor.fetchone()[0]:
            sys.exit(f"{settings.DATABASES['default']['NAME']} already holds data; give the generator an empty one.")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SET session_replication_role TO replica")
        counts = Generator(size, cursor.connection).run()
    loaded = time.monotonic()
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT max(id) FROM audit_auditevent")
        generated_up_to = cursor.fetchone()[0]
    from bench.conformance import check

    vacuumed = time.monotonic()
    check(size_name, generated_up_to)  # exits naming each difference from what the services write
    checked = time.monotonic()
    rows = sum(counts.values())
    print(
        json.dumps(
            {
                "size": size_name,
                "rows": counts,
                "total_rows": rows,
                "load_seconds": round(loaded - started, 1),
                "conformance_seconds": round(checked - vacuumed, 1),
                "total_seconds": round(time.monotonic() - started, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    args = parser.parse_args()
    django.setup()
    generate(args.size)


if __name__ == "__main__":
    main()
