import pytest

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.audit.policy import WITHHELD
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.models import Patient
from apps.patients.selectors import patient_get, patient_search
from apps.patients.services import create_patient, normalise_phone, update_patient
from apps.patients.tests.factories import PatientFactory
from common.constants import Role
from common.exceptions import Invalid, NotFound, PermissionDenied
from common.testing import run_concurrently


def register(by, name="Kavya Menon", age=31, gender="F", phone="9845012345", **extra):
    return create_patient(by=by, full_name=name, age=age, gender=gender, phone_number=phone, **extra)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("9876543210", "9876543210"),
        ("+91 98765 43210", "9876543210"),
        ("+919876543210", "9876543210"),
        ("919876543210", "9876543210"),
        ("09876543210", "9876543210"),
        ("98765-43210", "9876543210"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_numbers_are_stored_normalised(raw, stored):
    assert normalise_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "5876543210", "98765432101", "+1 415 555 0100", "98765abcde"])
def test_a_phone_that_is_not_an_indian_mobile_is_refused(raw):
    with pytest.raises(Invalid) as error:
        normalise_phone(raw)
    assert "phone_number" in error.value.errors


@pytest.mark.django_db
class TestRegistration:
    def test_registration_trims_the_name_and_gives_the_first_mrn(self, receptionist):
        patient = register(receptionist, name="  Kavya   Menon  ", phone="+91 98450 12345")
        assert (patient.full_name, patient.phone_number, patient.mrn) == ("Kavya Menon", "9845012345", "P-000001")
        assert patient.hospital == receptionist.hospital

    def test_mrns_are_sequential_per_hospital(self, receptionist, other_hospital):
        other_desk = UserFactory(hospital=other_hospital, role=Role.RECEPTIONIST)
        assert [register(receptionist).mrn, register(receptionist).mrn] == ["P-000001", "P-000002"]
        assert register(other_desk).mrn == "P-000001"

    def test_a_failed_registration_does_not_use_up_a_number(self, receptionist):
        with pytest.raises(Invalid):
            register(receptionist, age=200)
        assert register(receptionist).mrn == "P-000001"

    @pytest.mark.parametrize(
        ("field", "kwargs"),
        [
            ("full_name", {"name": "   "}),
            ("full_name", {"name": "x" * 121}),
            ("age", {"age": -1}),
            ("age", {"age": 131}),
            ("gender", {"gender": "X"}),
            ("phone_number", {"phone": "12345"}),
        ],
    )
    def test_bad_input_is_refused_and_nothing_is_written(self, receptionist, field, kwargs):
        with pytest.raises(Invalid) as error:
            register(receptionist, **kwargs)
        assert field in error.value.errors
        assert not Patient.objects.exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("age", [0, 130])
    def test_age_bounds_are_accepted(self, receptionist, age):
        assert register(receptionist, age=age).age == age

    @pytest.mark.parametrize("role", [Role.DOCTOR, Role.MEDICAL_STAFF, Role.HOSPITAL_ADMIN])
    def test_only_the_front_desk_registers(self, hospital, role):
        with pytest.raises(PermissionDenied):
            register(UserFactory(hospital=hospital, role=role))

    def test_registration_writes_one_audit_event(self, receptionist):
        patient = register(receptionist)
        event = AuditEvent.objects.get()
        assert (event.action, event.object_id, event.hospital_id) == (
            "patient.create",
            str(patient.pk),
            patient.hospital_id,
        )

    def test_update_records_which_fields_changed_but_not_their_values_and_keeps_the_mrn(self, receptionist):
        patient = register(receptionist)
        update_patient(by=receptionist, patient=patient, phone_number="+91 90000 00001", age=32)
        patient.refresh_from_db()
        assert (patient.phone_number, patient.age, patient.mrn) == ("9000000001", 32, "P-000001")
        # The log's readers (both admins) may see no patient's details: the names of the fields alone.
        assert AuditEvent.objects.get(action="patient.update").changes == {"age": WITHHELD, "phone_number": WITHHELD}

    def test_another_hospitals_patient_cannot_be_edited(self, receptionist, other_hospital):
        stranger = PatientFactory(hospital=other_hospital, full_name="Stranger")
        with pytest.raises(NotFound):
            update_patient(by=receptionist, patient=stranger, full_name="Mine")
        stranger.refresh_from_db()
        assert stranger.full_name == "Stranger"

    def test_a_doctor_cannot_edit_a_patient(self, doctor, hospital):
        with pytest.raises(PermissionDenied):
            update_patient(by=doctor, patient=PatientFactory(hospital=hospital), age=40)


@pytest.mark.django_db
class TestSearch:
    def test_a_shared_phone_returns_the_whole_family(self, hospital):
        family = PatientFactory.create_batch(3, hospital=hospital, phone_number="9876500001")
        PatientFactory(hospital=hospital, phone_number="9876500002")
        assert set(patient_search(hospital=hospital, q="+91 98765 00001")) == set(family)

    @pytest.mark.parametrize("q", ["P-000002", "p-2", "2", "#2", "000002"])
    def test_search_by_mrn(self, hospital, q):
        _, second = PatientFactory.create_batch(2, hospital=hospital)
        assert second in patient_search(hospital=hospital, q=q)

    def test_search_by_name_fragment_ignores_case(self, hospital):
        kavya = PatientFactory(hospital=hospital, full_name="Kavya Menon")
        PatientFactory(hospital=hospital, full_name="Ravi Kumar")
        assert list(patient_search(hospital=hospital, q="MENO")) == [kavya]

    def test_search_never_returns_another_hospitals_patients(self, hospital, other_hospital):
        PatientFactory(hospital=other_hospital, full_name="Kavya Other", phone_number="9876500001")
        for q in ("Kavya", "9876500001", "P-000001", ""):
            assert list(patient_search(hospital=hospital, q=q)) == []

    def test_patient_get_of_another_hospital_is_not_found(self, hospital, other_hospital):
        stranger = PatientFactory(hospital=other_hospital)
        with pytest.raises(NotFound):
            patient_get(hospital=hospital, patient_id=stranger.pk)

    @pytest.mark.parametrize("patient_id", ["abc", None, "999999"])
    def test_patient_get_of_a_bad_id_is_not_found(self, hospital, patient_id):
        with pytest.raises(NotFound):
            patient_get(hospital=hospital, patient_id=patient_id)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_get_distinct_mrns_without_gaps():
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    outcomes = run_concurrently(10, lambda n: register(desk, name=f"Patient {n}").mrn)
    assert len(set(outcomes)) == 10, outcomes
    assert sorted(Patient.objects.filter(hospital=hospital).values_list("mrn_number", flat=True)) == list(range(1, 11))
