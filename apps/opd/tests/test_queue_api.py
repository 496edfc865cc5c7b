"""The queue's API and pages (SPEC §4, §11): each action answers with the new queue state."""

import pytest
from django.urls import reverse

from apps.consultations import services as queue
from apps.patients.tests.factories import PatientFactory
from apps.visits.services import create_visit_with_vitals

pytestmark = pytest.mark.django_db


def register(receptionist, doctor, n=1):
    return [
        create_visit_with_vitals(
            by=receptionist, patient=PatientFactory(hospital=doctor.hospital), doctor=doctor
        ).opened_session
        for _ in range(n)
    ]


def test_call_next_answers_with_the_called_token_and_the_queue(api_as, receptionist, doctor):
    register(receptionist, doctor, 3)

    answer = api_as(doctor).post("/api/v1/queue/call-next/")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["session"]["token_number"], body["session"]["queue_state"]) == (1, "called")
    assert [(e["token_number"], e["queue_state"]) for e in body["queue"]] == [
        (1, "called"),
        (2, "waiting"),
        (3, "waiting"),
    ]


def test_skip_recall_and_start_through_the_api(api_as, receptionist, doctor):
    register(receptionist, doctor, 3)
    api = api_as(doctor)
    first = api.post("/api/v1/queue/call-next/").json()["session"]["id"]

    assert api.post(f"/api/v1/sessions/{first}/recall/").json()["session"]["recall_count"] == 1
    skipped = api.post(f"/api/v1/sessions/{first}/skip/").json()
    assert [e["token_number"] for e in skipped["queue"]] == [2, 3, 1]
    second = api.post("/api/v1/queue/call-next/").json()["session"]["id"]
    started = api.post(f"/api/v1/sessions/{second}/start/")
    assert started.status_code == 200
    assert started.json()["queue_state"] == "in_consultation"


def test_the_front_desk_requeues_a_no_show_marks_priority_and_moves(api_as, receptionist, doctor, other_doctor):
    [session] = register(receptionist, doctor)
    for _ in range(2):
        queue.call_next(by=doctor)
        session = queue.skip_patient(by=doctor, session=session)
    api = api_as(receptionist)

    requeued = api.post(f"/api/v1/visits/{session.visit_id}/requeue/")
    assert requeued.status_code == 200
    assert requeued.json()["session"]["queue_state"] == "waiting"
    prioritised = api.post(f"/api/v1/visits/{session.visit_id}/priority/", {"priority": "elderly"}, format="json")
    assert prioritised.json()["session"]["priority"] == "elderly"
    moved = api.post(f"/api/v1/visits/{session.visit_id}/move/", {"doctor": other_doctor.pk}, format="json")
    assert moved.status_code == 200
    assert moved.json()["session"]["token_number"] == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("priority", {"priority": "vip"}, "priority"),
        ("priority", {}, "priority"),
        ("priority", {"priority": "elderly", "extra": 1}, "extra"),
        ("move", {"doctor": 99999999}, "doctor"),
        ("move", {"doctor": "x"}, "doctor"),
        ("move", {"doctor": 2**70}, "doctor"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, receptionist, doctor, path, body, field):
    [session] = register(receptionist, doctor)
    answer = api_as(receptionist).post(f"/api/v1/visits/{session.visit_id}/{path}/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()


def test_moving_to_a_receptionist_is_refused_on_the_doctor_field(api_as, receptionist, doctor):
    [session] = register(receptionist, doctor)
    answer = api_as(receptionist).post(
        f"/api/v1/visits/{session.visit_id}/move/", {"doctor": receptionist.pk}, format="json"
    )
    assert answer.status_code == 400


@pytest.mark.parametrize("rows", [1, 20])
def test_call_next_costs_the_same_for_a_short_and_a_long_queue(
    api_as, receptionist, doctor, rows, django_assert_max_num_queries
):
    register(receptionist, doctor, rows)
    api = api_as(doctor)
    with django_assert_max_num_queries(14):
        assert api.post("/api/v1/queue/call-next/").status_code == 200


def test_the_doctors_page_calls_skips_and_recalls_with_htmx(client, receptionist, doctor):
    register(receptionist, doctor, 3)
    client.force_login(doctor)

    page = client.post(reverse("opd:call_next"), HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Calling token 1" in html
    assert 'data-state="called"' in html
    called = queue.call_next(by=doctor)  # token 2, from another tab
    html = client.post(reverse("opd:skip", args=[called.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "skipped" in html


def test_without_javascript_call_next_posts_and_returns_to_the_queue(client, receptionist, doctor):
    client.force_login(doctor)
    answer = client.post(reverse("opd:call_next"))
    assert answer.status_code == 302
    page = client.get(reverse("opd:queue")).content.decode()
    assert "Nobody is waiting for you." in page


def test_queue_actions_are_the_doctors_own(client, receptionist, doctor, other_doctor):
    [session] = register(receptionist, doctor)
    queue.call_next(by=doctor)
    client.force_login(other_doctor)
    assert client.post(reverse("opd:recall", args=[session.pk])).status_code == 403
    client.force_login(receptionist)
    assert client.post(reverse("opd:call_next")).status_code == 403


def test_the_front_desk_sees_waits_queues_and_acts(client, receptionist, doctor, other_doctor):
    [session] = register(receptionist, doctor)
    client.force_login(receptionist)

    page = client.get(reverse("visits:front_desk")).content.decode()
    assert 'data-testid="queue-overview"' in page
    assert 'data-testid="estimated-wait">10 min<' in page  # one waiting x 10 minutes before any average

    client.post(reverse("visits:priority", args=[session.visit_id]), {"priority": "emergency"})
    session.refresh_from_db()
    assert session.priority == "emergency"
    client.post(reverse("visits:move", args=[session.visit_id]), {"doctor": other_doctor.pk})
    session.refresh_from_db()
    assert session.doctor == other_doctor
    answer = client.post(reverse("visits:requeue", args=[session.visit_id]), follow=True)
    assert "Only a no-show" in answer.content.decode()
    client.force_login(doctor)
    assert client.post(reverse("visits:priority", args=[session.visit_id]), {"priority": "none"}).status_code == 403
