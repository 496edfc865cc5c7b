import pytest

from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.prescriptions.models import Prescription, PrescriptionItem
from apps.prescriptions.selectors import get_active_items, items_active_at_end_of, prescription_get
from apps.prescriptions.services import add_prescription_item, ensure_prescription, stop_prescription_item
from apps.visits.tests.factories import VisitFactory
from common.constants import ItemStatus, Role, SessionStatus
from common.exceptions import Conflict, Invalid, ItemNotActive, NotFound, PermissionDenied
from common.testing import REFUSED, run_concurrently

MEDICINE = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}


@pytest.fixture
def session(hospital, doctor):
    return ConsultationSessionFactory(
        visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1, started=True
    )


def add(session, name="Paracetamol", by=None, **extra):
    return add_prescription_item(by=by or session.doctor, session=session, medicine_name=name, **(MEDICINE | extra))


@pytest.mark.django_db
class TestLazyPrescription:
    def test_first_add_creates_the_visits_one_prescription_and_its_one_event_says_so(self, session):
        item = add(session)
        assert item.prescription.visit == session.visit
        assert Prescription.objects.count() == 1
        [event] = AuditEvent.objects.all()
        assert (event.action, event.changes["prescription_created"]) == ("prescription.item_add", item.prescription_id)
        add(session, "Cetirizine")
        assert "prescription_created" not in AuditEvent.objects.latest("id").changes

    def test_ensuring_twice_gives_the_same_prescription(self, session):
        first, created = ensure_prescription(visit=session.visit)
        assert (ensure_prescription(visit=session.visit), created) == ((first, False), True)

    def test_another_doctor_adding_starts_no_prescription(self, session, other_doctor):
        with pytest.raises(PermissionDenied):
            add_prescription_item(
                by=other_doctor, session=session, medicine_name="X", dosage="1", frequency="OD", duration="1 day"
            )
        assert not Prescription.objects.exists()


@pytest.mark.django_db
class TestAddItem:
    def test_adds_an_active_item_in_the_session_with_one_audit_event(self, session):
        item = add(session, "  Amoxicillin   250 ", instructions="after food")
        assert (item.medicine_name, item.status, item.session) == ("Amoxicillin 250", ItemStatus.ACTIVE, session)
        assert AuditEvent.objects.filter(action="prescription.item_add", object_id=str(item.pk)).count() == 1

    def test_refused_in_a_completed_session(self, session):
        session.status, session.completed_at = SessionStatus.COMPLETED, session.created_at
        session.save()
        with pytest.raises(Conflict, match="completed"):
            add(session)
        assert not PrescriptionItem.objects.exists()

    def test_refused_for_another_doctor(self, session, other_doctor):
        with pytest.raises(PermissionDenied):
            add(session, by=other_doctor)

    @pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.MEDICAL_STAFF])
    def test_refused_for_other_roles(self, session, hospital, role):
        with pytest.raises(PermissionDenied):
            add(session, by=UserFactory(hospital=hospital, role=role))

    def test_a_session_of_another_hospital_is_not_found(self, doctor, other_hospital):
        foreign = ConsultationSessionFactory(visit=VisitFactory(hospital=other_hospital))
        with pytest.raises(NotFound):
            add(foreign, by=doctor)

    def test_a_duplicate_active_medicine_is_refused_case_insensitively(self, session):
        add(session, "Paracetamol")
        with pytest.raises(Conflict, match=r"^Paracetamol is already on this prescription"):
            add(session, " paracetamol ")
        assert PrescriptionItem.objects.count() == 1

    def test_the_same_medicine_may_be_added_again_after_stopping_it(self, session):
        first = add(session, "Paracetamol")
        stop_prescription_item(by=session.doctor, session=session, item=first)
        assert add(session, "PARACETAMOL", dosage="650 mg").dosage == "650 mg"

    @pytest.mark.parametrize(
        ("field", "value"),
        [("medicine_name", "  "), ("medicine_name", "x" * 201), ("dosage", ""), ("frequency", ""), ("duration", "")],
    )
    def test_missing_or_oversized_fields_are_refused_and_nothing_is_written(self, session, field, value):
        kwargs = {"name": value} if field == "medicine_name" else {field: value}
        with pytest.raises(Invalid) as error:
            add(session, **kwargs)
        assert field in error.value.errors
        assert not PrescriptionItem.objects.exists()
        assert not AuditEvent.objects.filter(action="prescription.item_add").exists()


@pytest.mark.django_db
class TestStopItem:
    def test_stop_by_id(self, session):
        item = stop_prescription_item(by=session.doctor, session=session, item=add(session))
        assert (item.status, item.stopped_in_session, item.stopped_at is not None) == (
            ItemStatus.STOPPED,
            session,
            True,
        )
        assert AuditEvent.objects.filter(action="prescription.item_stop").count() == 1

    def test_stop_by_medicine_name_ignores_case(self, session):
        add(session, "Cetirizine")
        assert (
            stop_prescription_item(by=session.doctor, session=session, medicine_name="CETIRIZINE").status == "stopped"
        )

    def test_stopping_what_is_already_stopped_is_the_same_conflict_by_id_or_by_name(self, session):
        item = add(session)
        stop_prescription_item(by=session.doctor, session=session, item=item)
        with pytest.raises(ItemNotActive, match="already stopped"):
            stop_prescription_item(by=session.doctor, session=session, item=item)
        with pytest.raises(ItemNotActive, match="already stopped"):
            stop_prescription_item(by=session.doctor, session=session, medicine_name=item.medicine_name.upper())

    def test_stopping_a_name_that_is_not_on_the_prescription_is_refused(self, session):
        with pytest.raises(Invalid, match="No item named Ibuprofen"):
            stop_prescription_item(by=session.doctor, session=session, medicine_name="Ibuprofen")

    @pytest.mark.parametrize("both", [True, False])
    def test_naming_neither_or_both_is_refused(self, session, both):
        item = add(session)
        kwargs = {"item": item, "medicine_name": "Paracetamol"} if both else {}
        with pytest.raises(Invalid):
            stop_prescription_item(by=session.doctor, session=session, **kwargs)

    def test_an_item_of_another_visit_is_not_found(self, session, hospital, doctor):
        other_session = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), started=True)
        foreign_item = add(other_session)
        with pytest.raises(NotFound):
            stop_prescription_item(by=doctor, session=session, item=foreign_item)
        foreign_item.refresh_from_db()
        assert foreign_item.is_active

    def test_refused_for_another_doctor(self, session, other_doctor):
        item = add(session)
        with pytest.raises(PermissionDenied):
            stop_prescription_item(by=other_doctor, session=session, item=item)


@pytest.mark.django_db
def test_items_carry_over_and_each_sessions_end_is_remembered(session):
    paracetamol, cetirizine = add(session, "Paracetamol"), add(session, "Cetirizine")
    session.status, session.completed_at = SessionStatus.COMPLETED, session.created_at
    session.save()
    second = ConsultationSessionFactory(visit=session.visit, session_number=2, started=True)
    stop_prescription_item(by=second.doctor, session=second, item=cetirizine)
    iron = add(second, "Iron")
    assert list(get_active_items(prescription=paracetamol.prescription)) == [paracetamol, iron]
    assert list(items_active_at_end_of(session=session)) == [paracetamol, cetirizine]
    assert list(items_active_at_end_of(session=second)) == [paracetamol, iron]


@pytest.mark.django_db
def test_prescription_of_another_hospital_is_not_found(session, other_hospital):
    prescription = add(session).prescription
    with pytest.raises(NotFound):
        prescription_get(hospital=other_hospital, prescription_id=prescription.pk)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [2, 10])
def test_simultaneous_first_opens_create_one_prescription(count):
    hospital = HospitalFactory()
    visit = VisitFactory(hospital=hospital)
    outcomes = run_concurrently(count, lambda n: ensure_prescription(visit=visit))
    assert len({prescription.pk for prescription, _ in outcomes}) == 1
    assert [created for _, created in outcomes].count(True) == 1
    assert Prescription.objects.filter(visit=visit).count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_of_one_medicine_keep_one_active_item():
    session = ConsultationSessionFactory(visit=VisitFactory(hospital=HospitalFactory()), session_number=1, started=True)
    outcomes = run_concurrently(5, lambda n: add(session, "Paracetamol"))
    assert outcomes.count(REFUSED) == 4
    assert PrescriptionItem.objects.filter(status=ItemStatus.ACTIVE).count() == 1


STRUCTURED = {"dosage": "500 mg", "dose_pattern": "1-0-1", "dose_unit": "tablet", "food_relation": "after",
              "duration_value": 5, "duration_unit": "days"}  # fmt: skip


@pytest.mark.django_db
class TestStructuredDosing:
    def test_a_structured_item_gets_its_texts_and_quantity_derived(self, session):
        item = add_prescription_item(by=session.doctor, session=session, medicine_name="Paracetamol", **STRUCTURED)
        item.refresh_from_db()
        assert (item.frequency, item.duration, item.quantity, item.dose_pattern) == ("1-0-1", "5 days", 10, "1-0-1")
        assert item.dose_words == "Morning 1 · Afternoon 0 · Night 1 — after food — 5 days"

    def test_the_pattern_is_stored_in_its_canonical_form(self, session):
        item = add(session, dosage="5 mg", dose_pattern="1/2 - 0 - 1/2", duration_value=2, duration_unit="weeks")
        assert (item.dose_pattern, item.quantity, item.duration) == ("½-0-½", 14, "2 weeks")

    def test_sos_and_continue_have_no_quantity(self, session):
        sos = add(session, "Ibuprofen", dose_pattern="SOS", duration_value=3, duration_unit="days")
        ongoing = add(session, "Amlodipine", dose_pattern="OD", duration_unit="continue")
        assert (sos.quantity, ongoing.quantity, ongoing.duration) == (None, None, "continue")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"dose_pattern": "9-9-9-9"}, "dose_pattern"),
            ({"dose_pattern": "-1"}, "dose_pattern"),
            ({"dose_pattern": "1" * 10_000}, "dose_pattern"),
            ({"duration_value": 0}, "duration_value"),
            ({"duration_unit": ""}, "duration_unit"),
            ({"dose_unit": "bucket"}, "dose_unit"),
            ({"food_relation": "never"}, "food_relation"),
            ({"dose_pattern": "", "food_relation": "after"}, "dose_pattern"),
            (
                {"dose_pattern": "30-30-30", "dose_unit": "ml", "duration_value": 12, "duration_unit": "months"},
                "dose_pattern",
            ),
        ],
    )
    def test_bad_doses_are_refused_on_their_field_and_nothing_is_written(self, session, overrides, field):
        with pytest.raises(Invalid) as error:
            add_prescription_item(
                by=session.doctor, session=session, medicine_name="Paracetamol", **(STRUCTURED | overrides)
            )
        assert field in error.value.errors
        assert not PrescriptionItem.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_an_item_written_before_structured_dosing_keeps_its_texts(self, session):
        item = add(session, instructions="after food")  # the old shape
        item.refresh_from_db()
        assert (item.frequency, item.duration, item.instructions) == ("1-0-1", "5 days", "after food")
        assert (item.dose_pattern, item.quantity, item.is_structured) == ("", None, False)
        assert item.dose_words == "1-0-1 · 5 days · after food"

    def test_the_audit_event_withholds_the_dose(self, session):
        add_prescription_item(by=session.doctor, session=session, medicine_name="Paracetamol", **STRUCTURED)
        event = AuditEvent.objects.get(action="prescription.item_add")
        assert "1-0-1" not in str(event.changes)
        assert event.changes["dose_pattern"] == "withheld"
