import pytest

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.selectors import dispense_record_get, dispense_record_list, record_items
from apps.pharmacy.services import get_or_create_dispense_record, mark_as_dispensed, mark_as_printed
from apps.prescriptions.tests.factories import PrescriptionItemFactory
from common.constants import ItemStatus, Role, SessionStatus
from common.exceptions import Conflict, Invalid, NotFound, PermissionDenied
from common.testing import REFUSED, run_concurrently


def completed_session_with_items(hospital, *names):
    item = PrescriptionItemFactory(hospital=hospital, prescription__visit__hospital=hospital, medicine_name=names[0])
    session = item.session
    for name in names[1:]:
        PrescriptionItemFactory(prescription=item.prescription, session=session, medicine_name=name)
    session.status, session.completed_at = SessionStatus.COMPLETED, session.created_at
    session.save()
    return session


@pytest.fixture
def record(hospital):
    return get_or_create_dispense_record(session=completed_session_with_items(hospital, "Paracetamol", "Cetirizine"))


@pytest.mark.django_db
class TestRecord:
    def test_a_completed_session_with_active_items_gets_one_record(self, hospital, record):
        assert get_or_create_dispense_record(session=record.session) == record
        assert [
            item.medicine_name for item in record_items(dispense_record_get(hospital=hospital, record_id=record.pk))
        ] == [
            "Paracetamol",
            "Cetirizine",
        ]
        # A step of completing the session: session.complete names the record; no event of its own.
        assert not AuditEvent.objects.exists()

    def test_no_record_when_nothing_is_active(self, hospital):
        session = completed_session_with_items(hospital, "Paracetamol")
        session.items_added.update(status=ItemStatus.STOPPED, stopped_in_session=session, stopped_at=session.created_at)
        assert get_or_create_dispense_record(session=session) is None
        assert not DispenseRecord.objects.exists()

    def test_no_record_for_an_open_session(self, hospital):
        with pytest.raises(Conflict):
            get_or_create_dispense_record(session=ConsultationSessionFactory(visit__hospital=hospital))


@pytest.mark.django_db
class TestPrintAndDispense:
    def test_printing_may_repeat_and_keeps_the_first_time(self, record, medical_staff):
        first = mark_as_printed(by=medical_staff, record=record)
        again = mark_as_printed(by=medical_staff, record=record)
        assert (again.is_printed, again.print_count, again.printed_at) == (True, 2, first.printed_at)
        assert AuditEvent.objects.filter(action="dispense.print").count() == 2

    def test_dispensing_before_printing_is_refused(self, record, medical_staff):
        with pytest.raises(Conflict, match="Print the prescription before dispensing"):
            mark_as_dispensed(by=medical_staff, record=record)
        record.refresh_from_db()
        assert not record.is_dispensed
        assert not AuditEvent.objects.filter(action="dispense.dispense").exists()

    def test_dispense_twice_is_refused(self, record, medical_staff):
        mark_as_printed(by=medical_staff, record=record)
        done = mark_as_dispensed(by=medical_staff, record=record)
        assert (done.is_dispensed, done.dispensed_by) == (True, medical_staff)
        with pytest.raises(Conflict, match="Already dispensed by pharma"):
            mark_as_dispensed(by=medical_staff, record=record)
        assert AuditEvent.objects.filter(action="dispense.dispense").count() == 1

    def test_dispensing_with_no_active_items_is_refused(self, record, medical_staff):
        mark_as_printed(by=medical_staff, record=record)
        record.session.items_added.update(
            status=ItemStatus.STOPPED, stopped_in_session=record.session, stopped_at=record.created_at
        )
        with pytest.raises(Conflict, match="no active medicine"):
            mark_as_dispensed(by=medical_staff, record=record)

    @pytest.mark.parametrize("role", [Role.DOCTOR, Role.RECEPTIONIST, Role.HOSPITAL_ADMIN])
    def test_only_medical_staff_print_and_dispense(self, record, hospital, role):
        actor = UserFactory(hospital=hospital, role=role)
        with pytest.raises(PermissionDenied):
            mark_as_printed(by=actor, record=record)
        with pytest.raises(PermissionDenied):
            mark_as_dispensed(by=actor, record=record)

    def test_another_hospitals_record_is_not_found(self, other_hospital, medical_staff):
        foreign = get_or_create_dispense_record(session=completed_session_with_items(other_hospital, "Iron"))
        with pytest.raises(NotFound):
            mark_as_printed(by=medical_staff, record=foreign)
        with pytest.raises(NotFound):
            dispense_record_get(hospital=medical_staff.hospital, record_id=foreign.pk)


@pytest.mark.django_db
class TestList:
    def test_filters_by_status(self, hospital, medical_staff):
        waiting, printed, dispensed = (
            get_or_create_dispense_record(session=completed_session_with_items(hospital, name))
            for name in ("A", "B", "C")
        )
        for record in (printed, dispensed):
            mark_as_printed(by=medical_staff, record=record)
        mark_as_dispensed(by=medical_staff, record=dispensed)

        def listed(status):
            return [record.pk for record in dispense_record_list(hospital=hospital, status=status)]

        assert listed("pending") == [waiting.pk, printed.pk]
        assert listed("printed") == [printed.pk]
        assert listed("dispensed") == [dispensed.pk]

    def test_an_unknown_status_is_refused(self, hospital):
        with pytest.raises(Invalid):
            dispense_record_list(hospital=hospital, status="lost")

    def test_never_lists_another_hospitals_records(self, hospital, other_hospital):
        get_or_create_dispense_record(session=completed_session_with_items(other_hospital, "Iron"))
        assert list(dispense_record_list(hospital=hospital)) == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [2, 10])
def test_simultaneous_dispenses_let_exactly_one_win(count):
    hospital = HospitalFactory()
    pharmacist = UserFactory(hospital=hospital, role=Role.MEDICAL_STAFF)
    record = get_or_create_dispense_record(session=completed_session_with_items(hospital, "Paracetamol"))
    mark_as_printed(by=pharmacist, record=record)
    outcomes = run_concurrently(count, lambda n: mark_as_dispensed(by=pharmacist, record=record).is_dispensed)
    assert sorted(outcomes, key=str) == [True] + [REFUSED] * (count - 1)
    assert AuditEvent.objects.filter(action="dispense.dispense").count() == 1
