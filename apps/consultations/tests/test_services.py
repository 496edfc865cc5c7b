import pytest

from apps.audit.models import AuditEvent
from apps.consultations.selectors import consultation_get, get_doctor_queue
from apps.consultations.services import complete_session, open_session
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.models import Prescription
from apps.prescriptions.services import add_prescription_item
from apps.visits.tests.factories import ConsultationSessionFactory, VisitFactory
from common.constants import SessionStatus
from common.exceptions import Conflict, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(hospital, doctor):
    return ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1)


def test_the_queue_is_the_doctors_open_sessions_oldest_first(hospital, doctor, other_doctor):
    first = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor))
    second = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor))
    ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=other_doctor))
    ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), completed=True)
    assert list(get_doctor_queue(doctor=doctor)) == [first, second]


def test_opening_marks_it_started_creates_the_prescription_and_records_the_read(session, doctor):
    opened = open_session(by=doctor, session=session)
    assert opened.started_at is not None
    assert Prescription.objects.filter(visit=session.visit).count() == 1
    assert AuditEvent.objects.filter(action="consultation.view", object_id=str(session.pk)).count() == 1
    open_session(by=doctor, session=session)
    assert Prescription.objects.filter(visit=session.visit).count() == 1
    assert AuditEvent.objects.filter(action="consultation.view").count() == 2


def test_another_doctor_cannot_open_the_session(session, other_doctor):
    with pytest.raises(PermissionDenied):
        open_session(by=other_doctor, session=session)
    assert not AuditEvent.objects.exists()


def test_a_session_of_another_hospital_is_not_found(doctor, other_hospital):
    foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital))
    with pytest.raises(NotFound):
        open_session(by=doctor, session=foreign)
    with pytest.raises(NotFound):
        consultation_get(hospital=doctor.hospital, session_id=foreign.pk)


def test_completing_with_active_items_sends_it_to_the_pharmacy(session, doctor):
    add_prescription_item(
        by=doctor, session=session, medicine_name="Paracetamol", dosage="500 mg", frequency="1-0-1", duration="3 days"
    )
    completed = complete_session(by=doctor, session=session)
    assert (completed.status, completed.completed_at is not None) == (SessionStatus.COMPLETED, True)
    assert DispenseRecord.objects.filter(session=session).count() == 1
    assert AuditEvent.objects.filter(action="session.complete").count() == 1


def test_completing_with_no_items_creates_no_dispense_record(session, doctor):
    complete_session(by=doctor, session=session)
    assert not DispenseRecord.objects.exists()


def test_completing_twice_is_refused(session, doctor):
    complete_session(by=doctor, session=session)
    with pytest.raises(Conflict, match="already completed"):
        complete_session(by=doctor, session=session)
    assert AuditEvent.objects.filter(action="session.complete").count() == 1


def test_another_doctor_cannot_complete_it(session, other_doctor):
    with pytest.raises(PermissionDenied):
        complete_session(by=other_doctor, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
