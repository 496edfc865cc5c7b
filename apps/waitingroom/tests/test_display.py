"""Display keys and the waiting-room display (SPEC §11)."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.consultations import services as queue
from apps.patients.tests.factories import PatientFactory
from apps.visits.services import create_visit_with_vitals, move_visit
from apps.waitingroom import services
from apps.waitingroom.models import DisplayKey
from apps.waitingroom.selectors import display_board, display_for_key
from common.exceptions import DisplayKeyRevoked, Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def display(hospital_admin):
    display, raw = services.create_display_key(by=hospital_admin, name="Waiting hall TV")
    display.raw = raw
    return display


def register(receptionist, doctor, n=1, name="Asha Rao"):
    return [
        create_visit_with_vitals(
            by=receptionist, patient=PatientFactory(hospital=doctor.hospital, full_name=name), doctor=doctor
        ).opened_session
        for _ in range(n)
    ]


def state(client, display, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(reverse("display:state", args=[display.raw]), **headers)


def test_a_key_is_long_random_stored_hashed_and_audited_without_it(display, hospital_admin):
    assert len(display.raw) >= 43
    stored = DisplayKey.objects.get(pk=display.pk)
    assert display.raw not in (stored.key_hash, stored.key_prefix)
    assert stored.key_prefix == display.raw[:6]
    event = AuditEvent.objects.get(action="display.create")
    assert display.raw not in str(event.changes) + event.summary
    assert event.changes["name"] == "Waiting hall TV"


def test_only_the_hospital_admin_manages_keys(receptionist, doctor, display):
    with pytest.raises(PermissionDenied):
        services.create_display_key(by=receptionist, name="TV")
    with pytest.raises(PermissionDenied):
        services.revoke_display_key(by=doctor, display=display)


def test_bad_names_and_doctors_are_refused(hospital_admin, receptionist, other_hospital):
    from apps.accounts.tests.factories import UserFactory
    from common.constants import Role

    for name in ("", "   ", "x" * 81, "TV\x07"):
        with pytest.raises(Invalid):
            services.create_display_key(by=hospital_admin, name=name)
    with pytest.raises(Invalid):
        services.create_display_key(by=hospital_admin, name="TV", doctor=receptionist)
    with pytest.raises(NotFound):
        services.create_display_key(
            by=hospital_admin, name="TV", doctor=UserFactory(role=Role.DOCTOR, hospital=other_hospital)
        )
    assert not DisplayKey.objects.exists()


def test_a_revoked_key_is_a_404_at_once(client, display, hospital_admin):
    assert client.get(reverse("display:board", args=[display.raw])).status_code == 200
    etag = state(client, display)["ETag"]

    services.revoke_display_key(by=hospital_admin, display=display)

    assert client.get(reverse("display:board", args=[display.raw])).status_code == 404
    assert state(client, display, etag).status_code == 404
    with pytest.raises(DisplayKeyRevoked):
        services.revoke_display_key(by=hospital_admin, display=display)
    assert AuditEvent.objects.filter(action="display.revoke").count() == 1


def test_once_the_latest_call_is_seen_an_earlier_call_still_waiting_is_the_one_now(display, receptionist, doctor):
    from apps.opd.services import complete_consultation, start_consultation

    register(receptionist, doctor, 2)
    first = queue.call_next(by=doctor)
    second = queue.call_next(by=doctor)
    complete_consultation(by=doctor, session=start_consultation(by=doctor, session=second))
    [board] = display_board(display=display)["doctors"]
    assert board["now"]["token"] == first.token_number
    assert [entry["token"] for entry in board["recent"]] == [second.token_number]


def test_an_unknown_key_is_a_404(client):
    assert client.get("/display/not-a-key/").status_code == 404
    assert client.get("/display/not-a-key/state/").status_code == 404
    with pytest.raises(NotFound):
        display_for_key(raw_key="x" * 500)


def test_the_display_shows_tokens_called_and_next_without_names(client, display, receptionist, doctor):
    register(receptionist, doctor, 4, name="Secret Patientname")
    queue.call_next(by=doctor)
    queue.call_next(by=doctor)

    page = client.get(reverse("display:board", args=[display.raw]))
    body = state(client, display).json()

    assert b"Secret" not in page.content
    assert "Secret" not in str(body)
    [column] = body["doctors"]
    assert column["now"]["token"] == 2
    assert [t["token"] for t in column["recent"]] == [1]
    assert [t["token"] for t in column["next"]] == [3, 4]
    assert "initials" not in column["now"]


def test_initials_appear_only_when_the_hospital_turns_them_on(client, display, receptionist, doctor, hospital_admin):
    register(receptionist, doctor, 1, name="Meera Kulkarni")
    queue.call_next(by=doctor)
    etag = state(client, display)["ETag"]

    services.set_display_initials(by=hospital_admin, show_initials=True)

    answer = state(client, display, etag)
    assert answer.status_code == 200  # the setting is part of the ETag: screens redraw
    assert answer.json()["doctors"][0]["now"]["initials"] == "M.K."
    assert "Meera" not in str(answer.json())
    assert AuditEvent.objects.filter(action="display.settings").count() == 1


def test_a_doctors_display_shows_that_doctor_only(client, hospital_admin, receptionist, doctor, other_doctor):
    display, raw = services.create_display_key(by=hospital_admin, name="Room 2", doctor=other_doctor)
    display.raw = raw
    register(receptionist, doctor, 1)
    register(receptionist, other_doctor, 2)

    [column] = state(client, display).json()["doctors"]

    assert column["doctor"] == other_doctor.display_name
    assert [t["token"] for t in column["next"]] == [1, 2]


def test_an_unchanged_board_is_a_304_and_every_queue_change_a_200(client, display, receptionist, doctor, other_doctor):
    [first, second] = register(receptionist, doctor, 2)
    etag = state(client, display)["ETag"]
    assert state(client, display, etag).status_code == 304

    changes = [
        lambda: queue.call_next(by=doctor),
        lambda: queue.recall_patient(by=doctor, session=first),
        lambda: queue.skip_patient(by=doctor, session=first),
        lambda: queue.set_queue_priority(by=receptionist, session=second, priority="emergency"),
        lambda: register(receptionist, doctor, 1),
        lambda: move_visit(by=receptionist, visit=second.visit, doctor=other_doctor),
    ]
    for change in changes:
        change()
        answer = state(client, display, etag)
        assert answer.status_code == 200
        etag = answer["ETag"]
        assert state(client, display, etag).status_code == 304


def test_a_display_held_across_many_calls_and_a_restart_keeps_up(client, display, receptionist, doctor):
    """A day's screen: it keeps its ETag; the server process is replaced (nothing of it is in memory: the
    ETag comes from the data), and the screen gets a 304 from the new one, then every later call."""
    register(receptionist, doctor, 30)
    etag = state(client, display)["ETag"]
    for n in range(1, 31):
        queue.call_next(by=doctor)
        answer = state(client, display, etag)
        assert answer.status_code == 200
        assert answer.json()["doctors"][0]["now"]["token"] == n
        etag = answer["ETag"]
        if n == 15:
            from django.test import Client

            client = Client()  # a new process and a new connection: the screen only has its ETag
            assert state(client, display, etag).status_code == 304


def test_the_key_is_no_credential_for_anything_else(client, display, api_as):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {display.raw}")
    assert api.get("/api/v1/me/").status_code == 401
    assert api.get("/api/v1/queue/").status_code == 401
    board = client.get(reverse("display:board", args=[display.raw]))
    assert "sessionid" not in board.cookies
    assert "csrftoken" not in board.cookies
    for page in ("/consultations/queue/", "/visits/", "/displays/", "/pharmacy/"):
        answer = client.get(page)
        assert answer.status_code == 302
        assert "/login" in answer["Location"]


def test_the_display_costs_two_queries_unchanged_and_few_when_changed(
    client, display, receptionist, doctor, django_assert_max_num_queries
):
    register(receptionist, doctor, 20)
    queue.call_next(by=doctor)
    etag = state(client, display)["ETag"]
    with django_assert_max_num_queries(2):
        assert state(client, display, etag).status_code == 304
    queue.call_next(by=doctor)
    with django_assert_max_num_queries(4):
        assert state(client, display, etag).status_code == 200


def test_the_board_reads_in_two_queries_whatever_the_day(
    display, receptionist, doctor, other_doctor, django_assert_max_num_queries
):
    register(receptionist, doctor, 10)
    register(receptionist, other_doctor, 10)
    display = display_for_key(raw_key=display.raw)
    with django_assert_max_num_queries(2):
        board = display_board(display=display)
    assert len(board["doctors"]) == 2
