import pytest
from django.urls import reverse

from apps.patients.models import Patient
from apps.patients.tests.factories import PatientFactory

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
