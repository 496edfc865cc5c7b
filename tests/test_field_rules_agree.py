"""One rule, one place (issue 13 §4): the form, the API and the service give the same answer for each bound.

Each case feeds one value (just inside or just outside a bound, a boolean, invisible text) through the
web form, the API and the service; all three must accept it, or all three refuse it with the same
message on the same field. The rules themselves are `common.field_rules`.
"""

import pytest

from apps.hospitals.forms import HospitalForm
from apps.hospitals.services import create_hospital
from apps.opd.services import start_consultation
from apps.patients.forms import PatientForm
from apps.patients.services import create_patient
from apps.patients.tests.factories import PatientFactory
from apps.prescriptions.forms import ItemForm
from apps.prescriptions.services import add_prescription_item
from apps.visits.forms import VisitForm
from apps.visits.selectors import active_doctors
from apps.visits.services import create_visit_with_vitals
from common.exceptions import Invalid

pytestmark = pytest.mark.django_db

PATIENT = {"full_name": "Asha Rao", "age": 30, "gender": "F", "phone_number": "", "address": ""}
ITEM = {"medicine_name": "Cetirizine", "dosage": "10 mg", "frequency": "OD", "duration": "5 days", "instructions": ""}
ZWSP, BOM, RLO, LRI, PDI = "\u200b", "\ufeff", "\u202e", "\u2066", "\u2069"

OK = None  # accepted by all three
# (target, field, value, the message all three refuse it with — or OK)
CASES = [
    # Patients
    ("patient", "full_name", "A", OK),
    ("patient", "full_name", "x" * 120, OK),
    ("patient", "full_name", "x" * 121, "Enter at most 120 characters (it has 121)."),
    ("patient", "full_name", "", "Enter the patient's name."),
    ("patient", "full_name", "   ", "Enter the patient's name."),
    ("patient", "full_name", ZWSP * 3, "Full name has no visible characters."),
    ("patient", "full_name", BOM, "Full name has no visible characters."),
    ("patient", "full_name", RLO + LRI + PDI, "Full name has no visible characters."),
    ("patient", "full_name", " \u3164 ", "Full name has no visible characters."),
    ("patient", "age", 0, OK),
    ("patient", "age", 130, OK),
    ("patient", "age", -1, "Enter a value from 0 to 130 years."),
    ("patient", "age", 131, "Enter a value from 0 to 130 years."),
    ("patient", "age", 32767, "Enter a value from 0 to 130 years."),
    ("patient", "age", 1.5, "Enter a whole number."),
    ("patient", "age", "old", "Enter a number."),
    ("patient", "phone_number", "9876543210", OK),
    ("patient", "phone_number", "+91 98765 43210", OK),
    ("patient", "phone_number", "5876543210", "Enter a 10-digit Indian mobile number (optionally with +91)."),
    ("patient", "phone_number", "98765", "Enter a 10-digit Indian mobile number (optionally with +91)."),
    ("patient", "phone_number", "+91 98765 4321", "Enter a 10-digit Indian mobile number (optionally with +91)."),
    ("patient", "address", "x" * 500, OK),
    ("patient", "address", "x" * 501, "Enter at most 500 characters (it has 501)."),
    # Vitals (all optional) and the visit's validity
    ("vitals", "height_cm", 30, OK),
    ("vitals", "height_cm", 250, OK),
    ("vitals", "height_cm", 29.9, "Enter a value from 30 to 250 cm."),
    ("vitals", "height_cm", 250.1, "Enter a value from 30 to 250 cm."),
    ("vitals", "weight_kg", 0.5, OK),
    ("vitals", "weight_kg", 350, OK),
    ("vitals", "weight_kg", 0.4, "Enter a value from 0.5 to 350 kg."),
    ("vitals", "weight_kg", 350.1, "Enter a value from 0.5 to 350 kg."),
    ("vitals", "pulse_rate", 20, OK),
    ("vitals", "pulse_rate", 250, OK),
    ("vitals", "pulse_rate", 19, "Enter a value from 20 to 250 beats per minute."),
    ("vitals", "pulse_rate", 251, "Enter a value from 20 to 250 beats per minute."),
    ("vitals", "pulse_rate", 72.5, "Enter a whole number."),
    ("vitals", "temperature_c", 30.0, OK),
    ("vitals", "temperature_c", 45.0, OK),
    ("vitals", "temperature_c", 29.9, "Enter a value from 30.0 to 45.0 °C."),
    ("vitals", "temperature_c", 45.1, "Enter a value from 30.0 to 45.0 °C."),
    ("vitals", "temperature_c", "1e400", "Enter a number."),
    ("vitals", "blood_pressure", "50/20", OK),
    ("vitals", "blood_pressure", "300/200", OK),
    ("vitals", "blood_pressure", "49/20", "Systolic pressure must be from 50 to 300 mmHg."),
    ("vitals", "blood_pressure", "301/80", "Systolic pressure must be from 50 to 300 mmHg."),
    ("vitals", "blood_pressure", "120/19", "Diastolic pressure must be from 20 to 200 mmHg."),
    ("vitals", "blood_pressure", "250/201", "Diastolic pressure must be from 20 to 200 mmHg."),
    ("vitals", "blood_pressure", "120/120", "Diastolic pressure must be lower than systolic."),
    ("vitals", "blood_pressure", "high", "Enter blood pressure as SYS/DIA, e.g. 120/80."),
    ("visit", "validity_days", 1, OK),
    ("visit", "validity_days", 365, OK),
    ("visit", "validity_days", 0, "Enter a value from 1 to 365 days."),
    ("visit", "validity_days", 366, "Enter a value from 1 to 365 days."),
    # Prescription items
    ("item", "medicine_name", "x" * 200, OK),
    ("item", "medicine_name", "x" * 201, "Enter at most 200 characters (it has 201)."),
    ("item", "medicine_name", "", "Enter the medicine's name."),
    ("item", "medicine_name", ZWSP + BOM, "Medicine has no visible characters."),
    ("item", "dosage", "x" * 100, OK),
    ("item", "dosage", "x" * 101, "Enter at most 100 characters (it has 101)."),
    ("item", "frequency", "x" * 51, "Enter at most 50 characters (it has 51)."),
    ("item", "duration", "x" * 51, "Enter at most 50 characters (it has 51)."),
    ("item", "instructions", "x" * 300, OK),
    ("item", "instructions", "x" * 301, "Enter at most 300 characters (it has 301)."),
    ("item", "instructions", LRI + PDI, "Instructions has no visible characters."),
]


class Channels:
    """Feeds one field's value through the form, the API and the service of its target."""

    def __init__(self, hospital, receptionist, doctor, api_as):
        self.hospital, self.receptionist, self.doctor = hospital, receptionist, doctor
        self.desk_api, self.doctor_api = api_as(receptionist), api_as(doctor)

    def _session(self):
        patient = PatientFactory(hospital=self.hospital)
        visit = create_visit_with_vitals(by=self.receptionist, patient=patient, doctor=self.doctor)
        return start_consultation(by=self.doctor, session=visit.sessions.get())

    # Each returns the message the value was refused with, or OK.
    def form(self, target, field, value):
        text = "" if value is None else str(value)
        if target == "patient":
            form = PatientForm({**PATIENT, field: text})
        elif target == "item":
            form = ItemForm({**ITEM, field: text})
        else:
            patient = PatientFactory(hospital=self.hospital)
            form = VisitForm(
                {"patient": patient.pk, "doctor": self.doctor.pk, field: text},
                doctors=active_doctors(hospital=self.hospital),
            )
        return OK if form.is_valid() else form.errors[field][0]

    def api(self, target, field, value):
        if target == "patient":
            answer = self.desk_api.post("/api/v1/patients/", {**PATIENT, field: value}, format="json")
            errors = answer.json()
        elif target == "item":
            session = self._session()
            path = f"/api/v1/prescriptions/{session.visit.prescription.pk}/items/"
            answer = self.doctor_api.post(path, {**ITEM, field: value, "session": session.pk}, format="json")
            errors = answer.json()
        else:
            body = {"patient": PatientFactory(hospital=self.hospital).pk, "doctor": self.doctor.pk}
            body |= {"vitals": {field: value}} if target == "vitals" else {field: value}
            answer = self.desk_api.post("/api/v1/visits/", body, format="json")
            errors = answer.json().get("vitals", {}) if target == "vitals" else answer.json()
        if answer.status_code == 201:
            return OK
        assert answer.status_code == 400, answer.content
        return errors[field][0]

    def service(self, target, field, value):
        try:
            if target == "patient":
                create_patient(by=self.receptionist, **{**PATIENT, field: value})
            elif target == "item":
                add_prescription_item(by=self.doctor, session=self._session(), **{**ITEM, field: value})
            else:
                values = {"vitals": {field: value}} if target == "vitals" else {field: value}
                patient = PatientFactory(hospital=self.hospital)
                create_visit_with_vitals(by=self.receptionist, patient=patient, doctor=self.doctor, **values)
        except Invalid as error:
            return error.errors[field][0]
        return OK


@pytest.fixture
def channels(hospital, receptionist, doctor, api_as):
    return Channels(hospital, receptionist, doctor, api_as)


@pytest.mark.parametrize(
    ("target", "field", "value", "expected"), CASES, ids=[f"{c[1]}={str(c[2])[:12]!r}" for c in CASES]
)
def test_the_form_the_api_and_the_service_give_the_same_answer(channels, target, field, value, expected):
    answers = {channel: getattr(channels, channel)(target, field, value) for channel in ("form", "api", "service")}
    assert answers == dict.fromkeys(answers, expected)


@pytest.mark.parametrize(
    ("target", "field"),
    [("patient", "age"), ("vitals", "height_cm"), ("vitals", "weight_kg"), ("vitals", "pulse_rate"),
     ("vitals", "temperature_c"), ("visit", "validity_days")],
)  # fmt: skip
@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number_in_the_api_or_the_service(channels, target, field, value):
    """`true` is 1 to Python and to DRF's FloatField: a weight of `true` was stored as 1 kg."""
    assert channels.api(target, field, value) == "Enter a number."
    assert channels.service(target, field, value) == "Enter a number."
    assert channels.form(target, field, value) == "Enter a number."  # a form posts the text "True"


HOSPITAL = {"max_doctors": 1, "max_receptionists": 1, "max_medical_staff": 1, "time_zone": "Asia/Kolkata"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, OK), (365, OK), (0, "Enter a value from 1 to 365 days."), (366, "Enter a value from 1 to 365 days.")],
)
def test_a_hospitals_default_validity_is_the_visits_rule_in_the_form_the_api_and_the_service(
    api_as, super_admin, value, expected
):
    field = "default_visit_validity_days"
    form = HospitalForm({**HOSPITAL, "name": "By form", field: str(value)})
    answers = {"form": OK if form.is_valid() else form.errors[field][0]}
    answer = api_as(super_admin).post("/api/v1/hospitals/", {**HOSPITAL, "name": "By API", field: value}, format="json")
    answers["api"] = OK if answer.status_code == 201 else answer.json()[field][0]
    try:
        create_hospital(by=super_admin, **HOSPITAL, name="By service", **{field: value})
        answers["service"] = OK
    except Invalid as error:
        answers["service"] = error.errors[field][0]
    assert answers == dict.fromkeys(answers, expected)
