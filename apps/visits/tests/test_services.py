from datetime import timedelta
from decimal import Decimal

import pytest

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationSession
from apps.consultations.selectors import session_get
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.tests.factories import PatientFactory
from apps.visits.models import PatientVitals, Visit
from apps.visits.selectors import todays_visits, visit_get, visit_stage, visits_for_patient
from apps.visits.services import (
    build_vitals,
    close_visit,
    create_visit_with_vitals,
    parse_blood_pressure,
    start_follow_up,
)
from common.constants import Role, SessionStatus
from common.exceptions import Conflict, DoctorInactive, DuplicateActiveVisit, Invalid, NotFound, PermissionDenied
from common.testing import REFUSED, run_concurrently


@pytest.fixture
def patient(hospital):
    return PatientFactory(hospital=hospital, full_name="Kavya Menon")


def open_visit(receptionist, patient, doctor, **kwargs):
    return create_visit_with_vitals(by=receptionist, patient=patient, doctor=doctor, **kwargs)


def complete_all_sessions(visit):
    visit.sessions.update(status=SessionStatus.COMPLETED, completed_at=visit.created_at)


# Vitals ---------------------------------------------------------------------

VITALS_BOUNDS = [
    # field, lowest accepted, highest accepted, just below, just above
    ("height_cm", "30", "250", "29.9", "250.1"),
    ("weight_kg", "0.5", "350", "0.4", "350.1"),
    ("pulse_rate", "20", "250", "19", "251"),
    ("temperature_c", "30.0", "45.0", "29.9", "45.1"),
]


@pytest.mark.parametrize(("field", "low", "high", "below", "above"), VITALS_BOUNDS)
def test_each_vitals_bound_is_accepted(field, low, high, below, above):
    assert getattr(build_vitals({field: low}), field) == Decimal(low)
    assert getattr(build_vitals({field: high}), field) == Decimal(high)


@pytest.mark.parametrize(("field", "low", "high", "below", "above"), VITALS_BOUNDS)
@pytest.mark.parametrize("side", ["below", "above"])
def test_each_vitals_value_just_outside_its_range_is_refused(field, low, high, below, above, side):
    with pytest.raises(Invalid) as error:
        build_vitals({field: below if side == "below" else above})
    assert list(error.value.errors) == [field]


@pytest.mark.parametrize("value", ["abc", "1e400", "NaN", True, "12,5"])
def test_a_vitals_value_that_is_not_a_number_is_refused(value):
    with pytest.raises(Invalid) as error:
        build_vitals({"weight_kg": value})
    assert error.value.errors == {"weight_kg": ["Enter a number."]}


def test_pulse_must_be_a_whole_number():
    with pytest.raises(Invalid, match="whole number"):
        build_vitals({"pulse_rate": "72.5"})


def test_every_bad_vitals_field_is_reported_at_once():
    with pytest.raises(Invalid) as error:
        build_vitals({"height_cm": "5", "pulse_rate": "999", "blood_pressure": "high"})
    assert set(error.value.errors) == {"height_cm", "pulse_rate", "blood_pressure"}


def test_all_vitals_are_optional():
    vitals = build_vitals({"height_cm": "", "blood_pressure": " "})
    assert (vitals.height_cm, vitals.bp_systolic, vitals.bmi) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "reading"),
    [("120/80", (120, 80)), (" 120 / 80 ", (120, 80)), ("50/20", (50, 20)), ("300/200", (300, 200)), ("", None)],
)
def test_blood_pressure_is_parsed(text, reading):
    assert parse_blood_pressure(text) == reading


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("120", "SYS/DIA"),
        ("120-80", "SYS/DIA"),
        ("abc/def", "SYS/DIA"),
        ("120/80/60", "SYS/DIA"),
        ("49/30", "Systolic"),
        ("301/80", "Systolic"),
        ("120/19", "Diastolic"),
        ("250/201", "Diastolic"),
        ("120/120", "lower than systolic"),
        ("100/110", "lower than systolic"),
    ],
)
def test_a_bad_blood_pressure_is_refused_with_a_clear_message(text, message):
    with pytest.raises(Invalid, match=message) as error:
        parse_blood_pressure(text)
    assert list(error.value.errors) == ["blood_pressure"]


def test_bmi_is_derived_from_height_and_weight():
    assert build_vitals({"height_cm": "170", "weight_kg": "68"}).bmi == Decimal("23.5")
    assert build_vitals({"height_cm": "170"}).bmi is None


# Creating a visit ---------------------------------------------------------------


@pytest.mark.django_db
class TestCreateVisit:
    def test_creates_visit_vitals_and_session_one_with_a_token(self, receptionist, patient, doctor, hospital):
        visit = open_visit(receptionist, patient, doctor, vitals={"height_cm": "160", "blood_pressure": "118/76"})
        assert (visit.validity_days, visit.is_active, visit.visit_date) == (7, True, hospital.local_date())
        assert (visit.vitals.height_cm, visit.vitals.blood_pressure) == (Decimal("160.0"), "118/76")
        session = visit.sessions.get()
        assert (session.session_number, session.token_number, session.status) == (1, 1, SessionStatus.OPEN)
        event = AuditEvent.objects.get()
        assert (event.action, event.object_id) == ("visit.create", str(visit.pk))

    def test_validity_defaults_to_the_hospitals(self, receptionist, patient, doctor, hospital):
        hospital.default_visit_validity_days = 30
        hospital.save()
        patient.hospital.refresh_from_db()
        assert open_visit(receptionist, patient, doctor).validity_days == 30

    @pytest.mark.parametrize("days", [0, 366, "x"])
    def test_validity_outside_1_to_365_is_refused(self, receptionist, patient, doctor, days):
        with pytest.raises(Invalid) as error:
            open_visit(receptionist, patient, doctor, validity_days=days)
        assert "validity_days" in error.value.errors

    def test_bad_vitals_write_nothing(self, receptionist, patient, doctor):
        with pytest.raises(Invalid):
            open_visit(receptionist, patient, doctor, vitals={"temperature_c": "50"})
        assert not Visit.objects.exists()
        assert not PatientVitals.objects.exists()
        assert not ConsultationSession.objects.exists()
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("role", [Role.DOCTOR, Role.MEDICAL_STAFF, Role.HOSPITAL_ADMIN])
    def test_only_the_front_desk_creates_visits(self, hospital, patient, doctor, role):
        with pytest.raises(PermissionDenied):
            open_visit(UserFactory(hospital=hospital, role=role), patient, doctor)

    def test_another_hospitals_patient_is_not_found(self, receptionist, doctor, other_hospital):
        with pytest.raises(NotFound):
            open_visit(receptionist, PatientFactory(hospital=other_hospital), doctor)
        assert not Visit.objects.exists()

    def test_another_hospitals_doctor_is_not_found(self, receptionist, patient, other_hospital):
        with pytest.raises(NotFound):
            open_visit(receptionist, patient, UserFactory(hospital=other_hospital, role=Role.DOCTOR))
        assert not Visit.objects.exists()

    def test_an_inactive_doctor_is_refused(self, receptionist, patient, hospital):
        with pytest.raises(Invalid) as error:
            open_visit(receptionist, patient, UserFactory(hospital=hospital, role=Role.DOCTOR, is_active=False))
        assert "doctor" in error.value.errors

    def test_someone_who_is_not_a_doctor_is_refused(self, receptionist, patient, medical_staff):
        with pytest.raises(Invalid):
            open_visit(receptionist, patient, medical_staff)


@pytest.mark.django_db
class TestDuplicateActiveVisit:
    def test_a_second_active_visit_with_the_same_doctor_is_refused_naming_the_first(
        self, receptionist, patient, doctor
    ):
        first = open_visit(receptionist, patient, doctor)
        with pytest.raises(DuplicateActiveVisit) as error:
            open_visit(receptionist, patient, doctor)
        assert error.value.existing_visit == first
        assert f"visit #{first.pk}" in error.value.message
        assert "follow-up" in error.value.message
        assert isinstance(error.value, Conflict)
        assert Visit.objects.count() == 1

    def test_a_visit_with_another_doctor_is_allowed(self, receptionist, patient, doctor, other_doctor):
        open_visit(receptionist, patient, doctor)
        assert open_visit(receptionist, patient, other_doctor)

    def test_allowed_once_the_first_has_expired(self, receptionist, patient, doctor):
        first = open_visit(receptionist, patient, doctor)
        Visit.objects.filter(pk=first.pk).update(visit_date=first.visit_date - timedelta(days=8))
        assert open_visit(receptionist, patient, doctor).pk != first.pk

    def test_allowed_once_the_first_is_closed(self, receptionist, patient, doctor):
        first = open_visit(receptionist, patient, doctor)
        complete_all_sessions(first)
        close_visit(by=receptionist, visit=first)
        assert open_visit(receptionist, patient, doctor).pk != first.pk


@pytest.mark.django_db
class TestExpiry:
    def test_a_visit_is_valid_through_its_end_date_and_expired_after(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor, validity_days=7)
        end = visit.validity_end_date()
        assert end == visit.visit_date + timedelta(days=7)
        assert not visit.is_expired(today=end)
        assert visit.is_expired(today=end + timedelta(days=1))


@pytest.mark.django_db
class TestFollowUp:
    def test_opens_the_next_session_with_a_new_token(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        session = start_follow_up(by=receptionist, visit=visit)
        assert (session.session_number, session.token_number) == (2, 2)
        assert AuditEvent.objects.filter(action="visit.follow_up").count() == 1

    def test_refused_while_a_session_is_open(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        with pytest.raises(Conflict, match="Session 1 of this visit is still open"):
            start_follow_up(by=receptionist, visit=visit)
        assert visit.sessions.count() == 1

    def test_refused_on_an_expired_visit_with_the_date(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor, validity_days=3)
        complete_all_sessions(visit)
        Visit.objects.filter(pk=visit.pk).update(visit_date=visit.visit_date - timedelta(days=10))
        visit.refresh_from_db()
        expected = f"expired on {visit.validity_end_date():%d %b %Y}; create a new visit"
        with pytest.raises(Conflict, match=expected):
            start_follow_up(by=receptionist, visit=visit)
        assert not AuditEvent.objects.filter(action="visit.follow_up").exists()

    def test_refused_when_the_doctor_has_been_deactivated_offering_another_doctor(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        doctor.is_active = False
        doctor.save(update_fields=["is_active"])
        with pytest.raises(DoctorInactive, match=r"Dr\. .+ is no longer active; open a new visit with another doctor"):
            start_follow_up(by=receptionist, visit=visit)
        assert visit.sessions.count() == 1
        assert not AuditEvent.objects.filter(action="visit.follow_up").exists()

    def test_refused_on_a_closed_visit(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        close_visit(by=receptionist, visit=visit)
        with pytest.raises(Conflict, match="closed"):
            start_follow_up(by=receptionist, visit=visit)

    def test_a_doctor_cannot_start_a_follow_up(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        with pytest.raises(PermissionDenied):
            start_follow_up(by=doctor, visit=visit)

    def test_another_hospitals_visit_is_not_found(self, receptionist, other_hospital):
        from apps.visits.tests.factories import VisitFactory

        with pytest.raises(NotFound):
            start_follow_up(by=receptionist, visit=VisitFactory(hospital=other_hospital))


@pytest.mark.django_db
class TestTokens:
    def test_tokens_count_per_doctor_per_day(self, receptionist, hospital, doctor, other_doctor):
        patients = PatientFactory.create_batch(3, hospital=hospital)
        tokens = [open_visit(receptionist, p, doctor).sessions.get().token_number for p in patients]
        assert tokens == [1, 2, 3]
        assert open_visit(receptionist, patients[0], other_doctor).sessions.get().token_number == 1

    def test_tokens_restart_on_the_hospitals_next_day(self, receptionist, hospital, doctor):
        first, second = PatientFactory.create_batch(2, hospital=hospital)
        visit = open_visit(receptionist, first, doctor)
        visit.sessions.update(token_date=visit.visit_date - timedelta(days=1))
        assert open_visit(receptionist, second, doctor).sessions.get().token_number == 1


@pytest.mark.django_db
class TestCloseVisit:
    def test_refused_while_a_session_is_open(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        with pytest.raises(Conflict, match="session still open"):
            close_visit(by=receptionist, visit=visit)
        visit.refresh_from_db()
        assert visit.is_active

    def test_the_visits_doctor_may_close_it(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        visit = close_visit(by=doctor, visit=visit)
        assert (visit.is_active, visit.closed_at is not None, visit.closed_by) == (False, True, doctor)
        assert AuditEvent.objects.filter(action="visit.close").count() == 1

    def test_another_doctor_may_not(self, receptionist, patient, doctor, other_doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        with pytest.raises(PermissionDenied):
            close_visit(by=other_doctor, visit=visit)

    def test_closing_twice_is_refused(self, receptionist, patient, doctor):
        visit = open_visit(receptionist, patient, doctor)
        complete_all_sessions(visit)
        close_visit(by=receptionist, visit=visit)
        with pytest.raises(Conflict, match="already closed"):
            close_visit(by=receptionist, visit=visit)


@pytest.mark.django_db
class TestSelectors:
    def test_visit_and_session_of_another_hospital_are_not_found(self, receptionist, patient, doctor, other_hospital):
        visit = open_visit(receptionist, patient, doctor)
        with pytest.raises(NotFound):
            visit_get(hospital=other_hospital, visit_id=visit.pk)
        with pytest.raises(NotFound):
            session_get(hospital=other_hospital, session_id=visit.sessions.get().pk)
        assert list(visits_for_patient(hospital=other_hospital, patient=patient)) == []
        assert list(todays_visits(hospital=other_hospital)) == []

    def test_todays_visits_show_where_each_patient_is(self, receptionist, hospital, doctor):
        waiting, consulting, done = (
            open_visit(receptionist, p, doctor) for p in PatientFactory.create_batch(3, hospital=hospital)
        )
        consulting.sessions.update(started_at=consulting.created_at)
        complete_all_sessions(done)
        stages = {visit.pk: visit_stage(visit) for visit in todays_visits(hospital=hospital)}
        assert stages == {waiting.pk: "waiting", consulting.pk: "in_consultation", done.pk: "completed"}


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_visits_for_one_doctor_get_tokens_one_to_ten():
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    patients = PatientFactory.create_batch(10, hospital=hospital)
    run_concurrently(10, lambda n: open_visit(desk, patients[n], doctor))
    tokens = ConsultationSession.objects.filter(doctor=doctor).values_list("token_number", flat=True)
    assert sorted(tokens) == list(range(1, 11))


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_follow_ups_open_exactly_one_session():
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    visit = open_visit(desk, PatientFactory(hospital=hospital), doctor)
    complete_all_sessions(visit)
    outcomes = run_concurrently(10, lambda n: start_follow_up(by=desk, visit=visit))
    assert sum(1 for outcome in outcomes if outcome != REFUSED) == 1
    assert visit.sessions.count() == 2


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicate_visits_create_one():
    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    patient = PatientFactory(hospital=hospital)
    run_concurrently(5, lambda n: open_visit(desk, patient, doctor))
    assert Visit.objects.filter(patient=patient).count() == 1
