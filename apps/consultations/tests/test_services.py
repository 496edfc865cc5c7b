import pytest

from apps.audit.models import AuditEvent
from apps.consultations.selectors import get_doctor_queue, session_get
from apps.consultations.services import record_session_view
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.visits.tests.factories import VisitFactory
from common.exceptions import NotFound, PermissionDenied

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


def test_reading_a_session_changes_nothing_but_records_who_read_it(session, doctor):
    record_session_view(by=doctor, session=session)
    record_session_view(by=doctor, session=session)

    session.refresh_from_db()
    assert session.started_at is None
    assert not hasattr(session.visit, "prescription")
    assert AuditEvent.objects.filter(action="consultation.view", object_id=str(session.pk)).count() == 2


def test_another_doctor_cannot_read_the_session(session, other_doctor):
    with pytest.raises(PermissionDenied):
        record_session_view(by=other_doctor, session=session)
    assert not AuditEvent.objects.exists()


def test_a_session_of_another_hospital_is_not_found(doctor, other_hospital):
    foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital))
    with pytest.raises(NotFound):
        record_session_view(by=doctor, session=foreign)
    with pytest.raises(NotFound):
        session_get(hospital=doctor.hospital, session_id=foreign.pk)
