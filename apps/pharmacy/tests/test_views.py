import pytest
from django.urls import reverse

from apps.pharmacy.services import get_or_create_dispense_record, mark_as_printed
from apps.pharmacy.tests.test_services import completed_session_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(hospital):
    return get_or_create_dispense_record(session=completed_session_with_items(hospital, "Paracetamol", "Cetirizine"))


def test_list_filters_by_status(client, medical_staff, record):
    client.force_login(medical_staff)
    assert "Paracetamol" in client.get(reverse("pharmacy:list")).content.decode()
    assert "Paracetamol" not in client.get(reverse("pharmacy:list") + "?status=dispensed").content.decode()


def test_print_marks_printed_and_shows_the_printable_page(client, medical_staff, record, hospital):
    client.force_login(medical_staff)
    response = client.post(reverse("pharmacy:print", args=[record.pk]), follow=True)
    page = response.content.decode()
    assert hospital.name in page
    assert "Doctor’s signature" in page
    record.refresh_from_db()
    assert (record.is_printed, record.print_count) == (True, 1)


def test_dispensing_before_printing_shows_the_refusal(client, medical_staff, record):
    client.force_login(medical_staff)
    response = client.post(reverse("pharmacy:dispense", args=[record.pk]), follow=True)
    assert "Print the prescription before dispensing it." in response.content.decode()
    record.refresh_from_db()
    assert not record.is_dispensed


def test_dispense_twice_shows_the_refusal(client, medical_staff, record):
    mark_as_printed(by=medical_staff, record=record)
    client.force_login(medical_staff)
    client.post(reverse("pharmacy:dispense", args=[record.pk]))
    response = client.post(reverse("pharmacy:dispense", args=[record.pk]), follow=True)
    assert "Already dispensed by pharma" in response.content.decode()


@pytest.mark.parametrize("fixture", ["doctor", "receptionist", "hospital_admin"])
def test_other_roles_get_403(request, client, record, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("pharmacy:list")).status_code == 403
    assert client.post(reverse("pharmacy:dispense", args=[record.pk])).status_code == 403


def test_another_hospitals_record_is_404(client, medical_staff, other_hospital):
    foreign = get_or_create_dispense_record(session=completed_session_with_items(other_hospital, "Iron"))
    client.force_login(medical_staff)
    assert client.get(reverse("pharmacy:detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("pharmacy:print", args=[foreign.pk])).status_code == 404


def test_an_unknown_status_filter_is_a_clear_message_not_a_500(client, medical_staff):
    client.force_login(medical_staff)
    response = client.get(reverse("pharmacy:list") + "?status=lost", follow=True)
    assert response.status_code == 200
    assert "Choose one of: pending, printed, dispensed." in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_list_makes_a_fixed_number_of_queries(client, medical_staff, hospital, rows, django_assert_max_num_queries):
    for n in range(rows):
        get_or_create_dispense_record(session=completed_session_with_items(hospital, f"Medicine {n}", "Extra"))
    client.force_login(medical_staff)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("pharmacy:list")).content.decode()
    assert page.count("To print") == rows
