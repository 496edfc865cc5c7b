"""The record and ICD-10 endpoints: strict input, clear refusals, the doctor's own sessions only."""

import pytest

from apps.audit.models import AuditEvent
from apps.consultations.models import ConsultationRecord
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


def url(session):
    return f"/api/v1/sessions/{session.pk}/record/"


def test_the_doctor_writes_and_reads_the_record(api_as, doctor, session):
    client = api_as(doctor)
    body = {
        "complaints": [{"text": "Fever", "duration": "3 days"}],
        "history": "Since Monday",
        "diagnoses": [{"icd_code": "I10", "certainty": "confirmed"}, {"text": "Anxiety?", "kind": "secondary"}],
        "investigations": [{"text": "CBC"}],
        "follow_up_days": 7,
    }
    answer = client.patch(url(session), body, format="json")
    assert answer.status_code == 200, answer.content
    again = client.get(url(session)).json()
    assert again == answer.json()
    assert again["diagnoses"][0] == {
        "icd_code": "I10",
        "text": "Essential (primary) hypertension",
        "kind": "primary",
        "certainty": "confirmed",
    }
    assert again["complaints"] == [{"text": "Fever", "duration": "3 days"}]
    assert again["review_date"] is not None


def test_an_empty_record_reads_with_every_part_empty(api_as, doctor, session):
    body = api_as(doctor).get(url(session)).json()
    assert body["complaints"] == []
    assert body["history"] == ""
    assert body["updated_at"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"histroy": "typo"}, "histroy"),
        ({"complaints": [{"text": "Fever", "since": "Monday"}]}, "complaints"),
        ({"history": "x" * 4001}, "history"),
        ({"history": "\u200b\u200b"}, "history"),
        ({"complaints": [{"text": " \u200b "}]}, "complaints"),
        ({"diagnoses": [{"icd_code": "ZZZ"}]}, "diagnoses"),
        ({"follow_up_days": 0}, "follow_up_days"),
        ({"follow_up_date": "tomorrow"}, "follow_up_date"),
        ({"complaints": "Fever"}, "complaints"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api_as, doctor, session, body, field):
    answer = api_as(doctor).patch(url(session), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert not ConsultationRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="consultation.record_update").exists()


def test_a_completed_session_is_a_409(api_as, doctor, hospital):
    done = ConsultationSessionFactory(visit=VisitFactory(hospital=hospital, doctor=doctor), completed=True)
    answer = api_as(doctor).patch(url(done), {"history": "x"}, format="json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "session_not_open"


def test_another_hospitals_session_is_a_404(api_as, session, other_hospital):
    from apps.accounts.tests.factories import UserFactory
    from common.constants import Role

    stranger = UserFactory(role=Role.DOCTOR, hospital=other_hospital)
    assert api_as(stranger).patch(url(session), {"history": "x"}, format="json").status_code == 404
    assert api_as(stranger).get(url(session)).status_code == 404


def test_icd_search_ranks_the_shorthand_first(api_as, doctor):
    answer = api_as(doctor).get("/api/v1/icd10/", {"q": "HTN"})
    assert answer.status_code == 200
    assert answer.json()[0] == {"code": "I10", "title": "Essential (primary) hypertension"}


def test_icd_search_needs_a_query(api_as, doctor):
    assert api_as(doctor).get("/api/v1/icd10/").status_code == 400
    assert api_as(doctor).get("/api/v1/icd10/", {"q": "x" * 101}).status_code == 400


def test_icd_search_costs_one_query(api_as, doctor, django_assert_max_num_queries):
    client = api_as(doctor)
    client.get("/api/v1/icd10/", {"q": "warm"})
    with django_assert_max_num_queries(4):  # token, user and hospital, the shorthand
        client.get("/api/v1/icd10/", {"q": "fever"})


def test_the_hospital_admin_edits_lists_and_shorthand(api_as, hospital_admin, doctor):
    admin = api_as(hospital_admin)
    entry = admin.post("/api/v1/pick-lists/entries/", {"kind": "advice", "text": "Walk daily"}, format="json")
    assert entry.status_code == 201
    assert "Walk daily" in api_as(doctor).get("/api/v1/pick-lists/").json()["advice"]
    again = admin.post("/api/v1/pick-lists/entries/", {"kind": "advice", "text": "walk daily"}, format="json")
    assert again.status_code == 400
    synonym = admin.post("/api/v1/icd10/synonyms/", {"term": "ht2", "icd_code": "I15.9"}, format="json")
    assert synonym.json()["term"] == "HT2"
    assert api_as(doctor).get("/api/v1/icd10/", {"q": "HT2"}).json()[0]["code"] == "I15.9"
    bad = admin.post("/api/v1/icd10/synonyms/", {"term": "X", "icd_code": "Q99.99"}, format="json")
    assert bad.status_code == 400
    assert "icd_code" in bad.json()


@pytest.mark.parametrize("lines", [1, 10])
def test_the_record_costs_the_same_queries_at_one_line_and_ten(
    api_as, doctor, session, lines, django_assert_max_num_queries
):
    client = api_as(doctor)
    body = {
        "complaints": [{"text": f"Complaint {n}"} for n in range(lines)],
        "diagnoses": [{"text": f"Diagnosis {n}"} for n in range(lines)],
        "investigations": [{"text": f"Test {n}"} for n in range(lines)],
    }
    assert client.patch(url(session), body, format="json").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url(session)).status_code == 200
    body["history"] = "changed"
    with django_assert_max_num_queries(16):  # unchanged lists are not rewritten; a changed one is one bulk insert
        assert client.patch(url(session), body, format="json").status_code == 200
