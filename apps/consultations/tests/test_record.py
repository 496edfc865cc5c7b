"""The consultation record (SPEC §9): what the doctor writes, who may write it, what the audit keeps."""

import datetime

import pytest

from apps.audit.models import AuditEvent
from apps.consultations.models import Complaint, ConsultationRecord, Diagnosis
from apps.consultations.selectors import record_for_session, records_by_session
from apps.consultations.services import update_consultation_record
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.visits.tests.factories import VisitFactory
from common.exceptions import Invalid, NotFound, PermissionDenied, SessionNotOpen, SessionNotStarted

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(hospital, doctor):
    return ConsultationSessionFactory(
        visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1, started=True
    )


def events():
    return AuditEvent.objects.filter(action="consultation.record_update")


def test_the_doctor_writes_each_part_and_reads_it_back(session, doctor, hospital):
    update_consultation_record(
        by=doctor,
        session=session,
        complaints=[{"text": " fever ", "duration": "3 days"}, {"text": "Cough"}],
        history="Fever since Monday.\n  Worse at night.  ",
        examination="Throat congested",
        diagnoses=[{"icd_code": "j069"}, {"text": "Viral fever", "kind": "secondary", "certainty": "confirmed"}],
        investigations=["CBC", {"text": "Dengue NS1"}],
        advice="Plenty of fluids",
        follow_up_days=5,
    )
    record = record_for_session(hospital=hospital, session=session)
    assert [(c.text, c.duration) for c in record.complaints] == [("fever", "3 days"), ("Cough", "")]
    assert record.history == "Fever since Monday.\nWorse at night."
    assert [(d.icd_code, d.text, d.kind, d.certainty) for d in record.diagnoses] == [
        ("J06.9", "Acute upper respiratory infection, unspecified", "primary", "provisional"),
        ("", "Viral fever", "secondary", "confirmed"),
    ]
    assert [i.text for i in record.investigations] == ["CBC", "Dengue NS1"]
    assert record.review_date == session.token_date + datetime.timedelta(days=5)


def test_each_change_writes_one_event_naming_the_fields_never_their_values(session, doctor):
    update_consultation_record(by=doctor, session=session, history="Headache for a week")
    update_consultation_record(by=doctor, session=session, history="Headache for a week", advice="Rest")
    first, second = events().order_by("id")
    assert first.changes == {"session": session.pk, "fields": ["history"], "record_created": True}
    assert second.changes == {"session": session.pk, "fields": ["advice"]}
    assert "Headache" not in str(first.changes) + first.summary


def test_saving_what_is_already_there_records_nothing(session, doctor):
    update_consultation_record(by=doctor, session=session, complaints=[{"text": "Fever"}])
    update_consultation_record(by=doctor, session=session, complaints=[{"text": "Fever"}])
    assert events().count() == 1


def test_a_list_is_replaced_whole(session, doctor, hospital):
    update_consultation_record(by=doctor, session=session, complaints=[{"text": "Fever"}, {"text": "Cough"}])
    update_consultation_record(by=doctor, session=session, complaints=[{"text": "Cough"}])
    assert [c.text for c in record_for_session(hospital=hospital, session=session).complaints] == ["Cough"]
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"history": "x" * 4001}, "history"),
        ({"advice": "x" * 2001}, "advice"),
        ({"complaints": [{"text": "x" * 201}]}, "complaints"),
        ({"complaints": [{"text": "   "}]}, "complaints"),
        ({"complaints": [{"text": "Fever"}] * 21}, "complaints"),
        ({"diagnoses": [{"icd_code": "Q99.99"}]}, "diagnoses"),
        ({"diagnoses": [{"text": ""}]}, "diagnoses"),
        ({"diagnoses": [{"text": "Flu", "kind": "main"}]}, "diagnoses"),
        ({"follow_up_days": 0}, "follow_up_days"),
        ({"follow_up_days": 366}, "follow_up_days"),
        ({"follow_up_date": datetime.date(2000, 1, 1)}, "follow_up_date"),
        ({"follow_up_date": datetime.date(2100, 1, 1), "follow_up_days": 3}, "follow_up_date"),
        ({"vitals": "x"}, "vitals"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(session, doctor, changes, field):
    with pytest.raises(Invalid) as refused:
        update_consultation_record(by=doctor, session=session, **changes)
    assert field in refused.value.errors
    assert not ConsultationRecord.objects.exists()
    assert not events().exists()


def test_a_date_clears_the_days_and_days_clear_the_date(session, doctor, hospital):
    update_consultation_record(by=doctor, session=session, follow_up_days=7)
    update_consultation_record(by=doctor, session=session, follow_up_date=datetime.date(2100, 1, 2))
    record = record_for_session(hospital=hospital, session=session)
    assert (record.follow_up_date, record.follow_up_days) == (datetime.date(2100, 1, 2), None)


def test_only_the_sessions_doctor_writes_it(session, other_doctor):
    with pytest.raises(PermissionDenied):
        update_consultation_record(by=other_doctor, session=session, history="x")
    assert not events().exists()


def test_another_hospitals_session_is_not_found(session, other_hospital):
    from apps.accounts.tests.factories import UserFactory
    from common.constants import Role

    stranger = UserFactory(role=Role.DOCTOR, hospital=other_hospital)
    with pytest.raises(NotFound):
        update_consultation_record(by=stranger, session=session, history="x")
    with pytest.raises(NotFound):
        record_for_session(hospital=other_hospital, session=session)


def test_a_session_not_started_or_completed_is_refused(hospital, doctor):
    waiting = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor))
    done = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), completed=True)
    with pytest.raises(SessionNotStarted):
        update_consultation_record(by=doctor, session=waiting, history="x")
    with pytest.raises(SessionNotOpen):
        update_consultation_record(by=doctor, session=done, history="x")
    assert not ConsultationRecord.objects.exists()


def test_an_empty_record_reads_as_empty(session, hospital):
    record = record_for_session(hospital=hospital, session=session)
    assert record.is_empty
    assert record.complaints == []
    assert record.review_date is None


def test_records_of_many_sessions_cost_four_queries(hospital, doctor, django_assert_max_num_queries):
    sessions = []
    for _ in range(12):
        s = ConsultationSessionFactory(
            visit=VisitFactory(hospital=hospital, doctor=doctor), session_number=1, started=True
        )
        update_consultation_record(
            by=doctor, session=s, complaints=[{"text": "Fever"}], diagnoses=[{"icd_code": "I10"}]
        )
        sessions.append(s)
    with django_assert_max_num_queries(4):
        records = records_by_session(hospital=hospital, session_ids=[s.pk for s in sessions])
        assert all(r.diagnoses[0].icd_code == "I10" for r in records.values())
    assert Diagnosis.objects.filter(hospital=hospital).count() == 12
