import pytest

from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.opd.services import complete_consultation, start_consultation
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.models import Prescription
from apps.prescriptions.services import add_prescription_item
from apps.visits.tests.factories import VisitFactory
from common.constants import SessionStatus
from common.exceptions import Conflict, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(hospital, doctor):
    return ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1)


@pytest.fixture
def started(session, doctor):
    return start_consultation(by=doctor, session=session)


def test_starting_marks_it_in_consultation_and_creates_the_prescription(session, doctor):
    started = start_consultation(by=doctor, session=session)

    assert started.started_at is not None
    assert Prescription.objects.filter(visit=session.visit).count() == 1
    [event] = AuditEvent.objects.filter(action="session.start", object_id=str(session.pk))
    assert event.changes["prescription_created"] == session.visit.prescription.pk


def test_starting_again_changes_nothing_and_records_nothing(started, doctor):
    first_start = started.started_at

    again = start_consultation(by=doctor, session=started)

    assert again.started_at == first_start
    assert Prescription.objects.count() == 1
    assert AuditEvent.objects.filter(action="session.start").count() == 1


def test_a_follow_up_session_starts_on_the_visits_existing_prescription(started, doctor):
    complete_consultation(by=doctor, session=started)
    second = ConsultationSessionFactory(visit=started.visit, session_number=2)

    start_consultation(by=doctor, session=second)

    assert Prescription.objects.count() == 1
    assert "prescription_created" not in AuditEvent.objects.filter(action="session.start").latest("id").changes


def test_another_doctor_cannot_start_the_session(session, other_doctor):
    with pytest.raises(PermissionDenied):
        start_consultation(by=other_doctor, session=session)
    assert not AuditEvent.objects.exists()
    assert not Prescription.objects.exists()


def test_a_session_of_another_hospital_is_not_found(doctor, other_hospital):
    foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital))
    with pytest.raises(NotFound):
        start_consultation(by=doctor, session=foreign)
    with pytest.raises(NotFound):
        complete_consultation(by=doctor, session=foreign)


def test_a_completed_session_cannot_be_started(started, doctor):
    complete_consultation(by=doctor, session=started)
    with pytest.raises(Conflict, match="already completed"):
        start_consultation(by=doctor, session=started)


def test_completing_with_active_items_sends_it_to_the_pharmacy(started, doctor):
    add_prescription_item(
        by=doctor, session=started, medicine_name="Paracetamol", dosage="500 mg", frequency="1-0-1", duration="3 days"
    )
    completed = complete_consultation(by=doctor, session=started)
    assert (completed.status, completed.completed_at is not None) == (SessionStatus.COMPLETED, True)
    assert DispenseRecord.objects.filter(session=started).count() == 1
    assert AuditEvent.objects.filter(action="session.complete").count() == 1


def test_completing_with_no_items_creates_no_dispense_record(started, doctor):
    complete_consultation(by=doctor, session=started)
    assert not DispenseRecord.objects.exists()


def test_a_session_not_started_cannot_be_completed(session, doctor):
    with pytest.raises(Conflict, match="Start the consultation"):
        complete_consultation(by=doctor, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert not AuditEvent.objects.exists()


def test_completing_twice_is_refused(started, doctor):
    complete_consultation(by=doctor, session=started)
    with pytest.raises(Conflict, match="already completed"):
        complete_consultation(by=doctor, session=started)
    assert AuditEvent.objects.filter(action="session.complete").count() == 1


def test_another_doctor_cannot_complete_it(started, other_doctor):
    with pytest.raises(PermissionDenied):
        complete_consultation(by=other_doctor, session=started)
    started.refresh_from_db()
    assert started.status == SessionStatus.OPEN
