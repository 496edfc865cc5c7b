import threading

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from apps.patients.models import Patient
from apps.patients.tests.factories import PatientFactory
from common import submissions
from common.testing import run_concurrently

pytestmark = pytest.mark.django_db
NEW_PATIENT = {"full_name": "Kavya Menon", "age": "31", "gender": "F", "phone_number": "+91 98450 12345"}


def test_registering_shows_the_mrn_and_opens_the_chart(client, receptionist):
    client.force_login(receptionist)
    response = client.post(reverse("patients:create"), NEW_PATIENT, follow=True)
    assert "Registered Kavya Menon as P-000001." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("visits:patient", args=[Patient.objects.get().pk])


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, receptionist):
    client.force_login(receptionist)
    response = client.post(reverse("patients:create"), NEW_PATIENT | {"phone_number": "12345"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a 10-digit Indian mobile number" in page
    assert 'value="Kavya Menon"' in page
    assert not Patient.objects.exists()


def test_a_name_with_markup_is_shown_as_text(client, receptionist):
    client.force_login(receptionist)
    client.post(reverse("patients:create"), NEW_PATIENT | {"full_name": "<script>alert(1)</script>"})
    page = client.get(reverse("visits:front_desk") + "?q=script").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("fixture", ["doctor", "medical_staff", "hospital_admin"])
def test_only_the_front_desk_registers(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.post(reverse("patients:create"), NEW_PATIENT).status_code == 403
    assert not Patient.objects.exists()


def test_another_hospitals_patient_is_404(client, receptionist, other_hospital):
    stranger = PatientFactory(hospital=other_hospital)
    client.force_login(receptionist)
    assert client.get(reverse("patients:edit", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("visits:patient", args=[stranger.pk])).status_code == 404


class TestDoubleSubmit:
    """A double click (or a resend of the same form) registers one patient and shows the same result."""

    def test_the_same_form_sent_twice_registers_one_patient(self, client, receptionist):
        client.force_login(receptionist)
        form = NEW_PATIENT | {submissions.FIELD: submissions.new_token()}
        first = client.post(reverse("patients:create"), form)
        second = client.post(reverse("patients:create"), form, follow=True)
        patient = Patient.objects.get()
        assert first["Location"] == second.redirect_chain[-1][0] == reverse("visits:patient", args=[patient.pk])
        page = second.content.decode()
        assert "This form was already sent; nothing was saved twice." in page
        assert "Registered Kavya Menon as P-000001." in page

    def test_a_refused_form_can_be_corrected_and_sent_again(self, client, receptionist):
        client.force_login(receptionist)
        form = NEW_PATIENT | {submissions.FIELD: submissions.new_token()}
        assert client.post(reverse("patients:create"), form | {"phone_number": "12345"}).status_code == 200
        assert client.post(reverse("patients:create"), form).status_code == 302
        assert Patient.objects.count() == 1

    def test_every_form_page_carries_a_fresh_token(self, client, receptionist):
        client.force_login(receptionist)
        pages = [client.get(reverse("patients:create")).content.decode() for _ in range(2)]
        tokens = [page.split(f'name="{submissions.FIELD}" value="')[1].split('"')[0] for page in pages]
        assert tokens[0] != tokens[1]

    def test_a_repeat_while_the_first_is_still_saving_waits_for_its_result(self, client, receptionist):
        client.force_login(receptionist)
        token = submissions.new_token()
        key = f"submission:{receptionist.pk}:{token}"
        cache.set(key, submissions.PENDING)
        done = submissions.Done("/visits/patients/1/", "Registered Kavya Menon as P-000001.")
        threading.Timer(0.2, cache.set, args=(key, done)).start()
        response = client.post(reverse("patients:create"), NEW_PATIENT | {submissions.FIELD: token})
        assert response["Location"] == done.url
        assert not Patient.objects.exists()

    @pytest.mark.concurrency
    @pytest.mark.django_db(transaction=True)
    def test_two_simultaneous_clicks_register_one_patient(self, receptionist):
        token = submissions.new_token()

        def click(_):
            browser = Client()
            browser.force_login(receptionist)
            return browser.post(reverse("patients:create"), NEW_PATIENT | {submissions.FIELD: token})["Location"]

        locations = run_concurrently(2, click)
        patient = Patient.objects.get()
        assert locations == [reverse("visits:patient", args=[patient.pk])] * 2
