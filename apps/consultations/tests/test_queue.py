"""The waiting room's queue (SPEC §11): call next, recall, skip and no-show, requeue, priority, move."""

import pytest

from apps.audit.models import AuditEvent
from apps.consultations import services as queue
from apps.consultations.models import ReleasedToken
from apps.consultations.selectors import (
    get_doctor_queue,
    hospital_average_minutes,
    queue_overview,
    waiting_in_call_order,
)
from apps.opd.services import complete_consultation, start_consultation
from apps.patients.tests.factories import PatientFactory
from apps.visits.services import create_visit_with_vitals, move_visit
from common.exceptions import (
    AlreadyStarted,
    DuplicateActiveVisit,
    Invalid,
    NotCalled,
    NotFound,
    NotNoShow,
    PermissionDenied,
    QueueEmpty,
)

pytestmark = pytest.mark.django_db


def register(receptionist, doctor, n=1):
    """n new patients with a visit each with `doctor`: their sessions, in token order."""
    return [
        create_visit_with_vitals(
            by=receptionist, patient=PatientFactory(hospital=doctor.hospital), doctor=doctor
        ).opened_session
        for _ in range(n)
    ]


def tokens(doctor):
    return [s.token_number for s in waiting_in_call_order(hospital_id=doctor.hospital_id, doctor_id=doctor.pk)]


def test_call_next_takes_the_oldest_waiting_token(receptionist, doctor):
    first, second = register(receptionist, doctor, 2)

    called = queue.call_next(by=doctor)

    assert called == first
    assert called.queue_state == "called"
    assert queue.call_next(by=doctor) == second
    with pytest.raises(QueueEmpty):
        queue.call_next(by=doctor)


def test_priority_tokens_are_called_first_emergency_before_elderly_and_pregnant(receptionist, doctor):
    plain, elderly, emergency, pregnant = register(receptionist, doctor, 4)
    for session, priority in ((elderly, "elderly"), (emergency, "emergency"), (pregnant, "pregnant")):
        queue.set_queue_priority(by=receptionist, session=session, priority=priority)

    order = [queue.call_next(by=doctor) for _ in range(4)]

    assert order == [emergency, elderly, pregnant, plain]


def test_only_a_doctor_calls_and_only_from_their_own_queue(receptionist, doctor, other_doctor):
    register(receptionist, doctor, 1)
    with pytest.raises(PermissionDenied):
        queue.call_next(by=receptionist)
    with pytest.raises(QueueEmpty):
        queue.call_next(by=other_doctor)
    assert not AuditEvent.objects.filter(action="queue.call").exists()


def test_recall_calls_again_and_counts(receptionist, doctor, other_doctor):
    [session] = register(receptionist, doctor)
    with pytest.raises(NotCalled):
        queue.recall_patient(by=doctor, session=session)
    called = queue.call_next(by=doctor)

    recalled = queue.recall_patient(by=doctor, session=called)

    assert recalled.recall_count == 1
    assert recalled.called_at >= called.called_at
    with pytest.raises(PermissionDenied):
        queue.recall_patient(by=other_doctor, session=called)


def test_a_skip_goes_back_behind_the_next_two_waiting_tokens(receptionist, doctor):
    register(receptionist, doctor, 4)  # tokens 1..4
    first = queue.call_next(by=doctor)

    queue.skip_patient(by=doctor, session=first)

    assert tokens(doctor) == [2, 3, 1, 4]


def test_a_skip_with_fewer_than_two_behind_goes_to_the_end(receptionist, doctor):
    register(receptionist, doctor, 2)
    first = queue.call_next(by=doctor)

    queue.skip_patient(by=doctor, session=first)

    assert tokens(doctor) == [2, 1]


def test_a_skipped_priority_token_goes_back_two_places_past_lower_priorities_too(receptionist, doctor):
    *_, elderly = register(receptionist, doctor, 4)
    queue.set_queue_priority(by=receptionist, session=elderly, priority="elderly")
    called = queue.call_next(by=doctor)
    assert called == elderly

    skipped = queue.skip_patient(by=doctor, session=called)

    assert tokens(doctor) == [1, 2, 4, 3]
    assert skipped.priority == "elderly"  # the badge stays; the place is two back


def test_the_second_skip_is_a_no_show_that_the_front_desk_requeues_at_the_back(receptionist, doctor):
    register(receptionist, doctor, 3)
    first = queue.call_next(by=doctor)
    queue.skip_patient(by=doctor, session=first)  # behind 2 and 3
    queue.call_next(by=doctor)  # 2
    queue.call_next(by=doctor)  # 3
    again = queue.call_next(by=doctor)
    assert again == first

    no_show = queue.skip_patient(by=doctor, session=again)

    assert (no_show.queue_state, no_show.skip_count) == ("no_show", 2)
    assert tokens(doctor) == []
    with pytest.raises(QueueEmpty):
        queue.call_next(by=doctor)
    with pytest.raises(PermissionDenied):
        queue.requeue_no_show(by=doctor, session=no_show)
    register(receptionist, doctor, 1)  # token 4

    back = queue.requeue_no_show(by=receptionist, session=no_show)

    assert (back.queue_state, back.skip_count) == ("waiting", 0)
    assert tokens(doctor) == [4, 1]
    with pytest.raises(NotNoShow):
        queue.requeue_no_show(by=receptionist, session=back)


def test_skipping_a_token_not_called_is_refused_and_records_nothing(receptionist, doctor):
    [session] = register(receptionist, doctor)
    before = AuditEvent.objects.count()
    with pytest.raises(NotCalled):
        queue.skip_patient(by=doctor, session=session)
    assert AuditEvent.objects.count() == before


def test_start_accepts_a_called_token_and_an_uncalled_one(receptionist, doctor):
    called_one, direct = register(receptionist, doctor, 2)
    queue.call_next(by=doctor)

    assert start_consultation(by=doctor, session=called_one).queue_state == "in_consultation"
    started = start_consultation(by=doctor, session=direct)

    assert started.queue_state == "in_consultation"
    assert started.called_at is not None  # started without a call: called and started at once


def test_priority_refuses_a_started_consultation_and_an_unknown_priority(receptionist, doctor):
    [session] = register(receptionist, doctor)
    with pytest.raises(Invalid) as error:
        queue.set_queue_priority(by=receptionist, session=session, priority="vip")
    assert "priority" in error.value.errors
    start_consultation(by=doctor, session=session)
    with pytest.raises(AlreadyStarted):
        queue.set_queue_priority(by=receptionist, session=session, priority="elderly")


def test_priority_is_audited_without_saying_which(receptionist, doctor):
    [session] = register(receptionist, doctor)
    queue.set_queue_priority(by=receptionist, session=session, priority="pregnant")
    event = AuditEvent.objects.get(action="queue.priority")
    assert "pregnant" not in str(event.changes) + event.summary


def test_a_move_gives_a_new_token_in_the_new_doctors_day_and_releases_the_old_one(receptionist, doctor, other_doctor):
    register(receptionist, other_doctor, 2)  # the new doctor's tokens 1, 2
    _, moving = register(receptionist, doctor, 2)  # tokens 1, 2 with the first doctor

    moved = move_visit(by=receptionist, visit=moving.visit, doctor=other_doctor)

    assert (moved.doctor, moved.token_number, moved.queue_state) == (other_doctor, 3, "waiting")
    moving.visit.refresh_from_db()
    assert moving.visit.doctor == other_doctor
    assert ReleasedToken.objects.filter(doctor=doctor, token_number=2).exists()
    # The released token 2 is never handed out again: the first doctor's next patient gets 3.
    [next_one] = register(receptionist, doctor, 1)
    assert next_one.token_number == 3
    assert [s.token_number for s in get_doctor_queue(doctor=doctor)] == [1, 3]
    event = AuditEvent.objects.get(action="visit.move")
    assert event.changes["token_number"] == [2, 3]


def test_a_move_is_refused_once_started_to_the_same_doctor_or_into_a_duplicate_visit(
    receptionist, doctor, other_doctor, hospital
):
    [session] = register(receptionist, doctor)
    with pytest.raises(Invalid):
        move_visit(by=receptionist, visit=session.visit, doctor=doctor)
    create_visit_with_vitals(by=receptionist, patient=session.visit.patient, doctor=other_doctor)
    with pytest.raises(DuplicateActiveVisit):
        move_visit(by=receptionist, visit=session.visit, doctor=other_doctor)
    [started] = register(receptionist, doctor)
    start_consultation(by=doctor, session=started)
    with pytest.raises(AlreadyStarted):
        move_visit(by=receptionist, visit=started.visit, doctor=other_doctor)
    with pytest.raises(PermissionDenied):
        move_visit(by=doctor, visit=session.visit, doctor=other_doctor)


def test_another_hospitals_session_or_doctor_is_not_found(receptionist, doctor, other_hospital):
    from apps.accounts.tests.factories import UserFactory
    from common.constants import Role

    [session] = register(receptionist, doctor)
    foreign_desk = UserFactory(role=Role.RECEPTIONIST, hospital=other_hospital)
    foreign_doctor = UserFactory(role=Role.DOCTOR, hospital=other_hospital)
    with pytest.raises(NotFound):
        queue.set_queue_priority(by=foreign_desk, session=session, priority="elderly")
    with pytest.raises(NotFound):
        move_visit(by=receptionist, visit=session.visit, doctor=foreign_doctor)
    with pytest.raises(NotFound):
        queue.recall_patient(by=foreign_doctor, session=session)


def test_the_overview_counts_each_doctors_queue_and_estimates_the_wait(receptionist, doctor, other_doctor, hospital):
    register(receptionist, doctor, 3)
    first = queue.call_next(by=doctor)

    overview = {d.pk: d for d in queue_overview(hospital=hospital)}

    assert overview[doctor.pk].queue_length == 3  # one called, two waiting: none started yet
    assert overview[doctor.pk].average_minutes is None
    assert overview[doctor.pk].estimated_wait_minutes == 30  # 3 ahead x 10 minutes before any average
    assert overview[other_doctor.pk].queue_length == 0
    start_consultation(by=doctor, session=first)
    overview = {d.pk: d for d in queue_overview(hospital=hospital)}
    assert (overview[doctor.pk].queue_length, overview[doctor.pk].in_consultation) == (2, 1)


def test_an_average_that_rounds_to_nothing_is_no_average_and_the_estimate_says_so(receptionist, doctor, hospital):
    # Started and completed within a second or two (as the demo does): "average 0.0 min" beside a 10-minute guess.
    register(receptionist, doctor, 2)
    first = start_consultation(by=doctor, session=queue.call_next(by=doctor))
    complete_consultation(by=doctor, session=first)
    [overview] = [d for d in queue_overview(hospital=hospital) if d.pk == doctor.pk]
    assert (overview.average_minutes, overview.estimated_wait_minutes) == (None, 10)  # one waiting x 10 min
    assert hospital_average_minutes([overview]) is None


def test_the_overview_costs_one_query_whatever_the_doctors_and_patients(
    receptionist, doctor, other_doctor, hospital, django_assert_max_num_queries
):
    register(receptionist, doctor, 5)
    register(receptionist, other_doctor, 5)
    with django_assert_max_num_queries(1):
        len(queue_overview(hospital=hospital))


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_calls_over_ten_waiting_call_each_exactly_once():
    from apps.accounts.tests.factories import UserFactory
    from apps.hospitals.tests.factories import HospitalFactory
    from common.constants import Role
    from common.testing import REFUSED, run_concurrently

    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    doctor = UserFactory(hospital=hospital, role=Role.DOCTOR)
    register(desk, doctor, 10)

    outcomes = run_concurrently(20, lambda n: queue.call_next(by=doctor).pk)

    called = [outcome for outcome in outcomes if outcome != REFUSED]
    assert len(called) == 10
    assert len(set(called)) == 10
    assert AuditEvent.objects.filter(action="queue.call").count() == 10


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_moves_and_registrations_at_once_never_share_or_reuse_a_token():
    from apps.accounts.tests.factories import UserFactory
    from apps.consultations.models import ConsultationSession
    from apps.hospitals.tests.factories import HospitalFactory
    from common.constants import Role
    from common.testing import run_concurrently

    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    a = UserFactory(hospital=hospital, role=Role.DOCTOR)
    b = UserFactory(hospital=hospital, role=Role.DOCTOR)
    moving = register(desk, a, 5)

    def work(n):
        if n < 5:
            return move_visit(by=desk, visit=moving[n].visit, doctor=b).token_number
        return register(desk, a if n % 2 else b)[0].token_number

    run_concurrently(10, work)

    for doctor in (a, b):
        held = list(ConsultationSession.objects.filter(doctor=doctor).values_list("token_number", flat=True))
        released = list(ReleasedToken.objects.filter(doctor=doctor).values_list("token_number", flat=True))
        assert len(set(held)) == len(held)
        assert not set(held) & set(released)
