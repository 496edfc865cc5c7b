import pytest
from django.urls import reverse

from apps.pharmacy.services import get_or_create_dispense_record, mark_as_printed
from apps.pharmacy.tests.test_services import completed_session_with_items
from apps.pharmacy.views import PharmacyListView
from common.constants import ItemStatus

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
    assert page.count("To print") == min(rows, PharmacyListView.page_size)


def test_the_list_pages_and_keeps_the_filter(client, medical_staff, hospital):
    for n in range(PharmacyListView.page_size + 2):
        get_or_create_dispense_record(session=completed_session_with_items(hospital, f"Medicine {n}"))
    client.force_login(medical_staff)
    first = client.get(reverse("pharmacy:list") + "?status=pending")
    assert first.content.decode().count("To print") == PharmacyListView.page_size
    next_url = first.context["page"].next_url
    assert "status=pending" in next_url
    assert "cursor=" in next_url
    second = client.get(next_url)
    assert second.content.decode().count("To print") == 2
    assert second.context["page"].next_url is None
    assert "status=pending" in second.context["page"].previous_url
    # A mangled link shows the first page, not an error.
    assert client.get(reverse("pharmacy:list") + "?status=pending&cursor=garbage").status_code == 200


def test_labels_show_one_label_per_active_item_with_patient_and_mrn(client, medical_staff, hospital):
    session = completed_session_with_items(hospital, "Paracetamol", "Cetirizine", "Iron")
    session.items_added.filter(medicine_name="Iron").update(
        status=ItemStatus.STOPPED, stopped_in_session=session, stopped_at=session.created_at
    )
    record = get_or_create_dispense_record(session=session)
    client.force_login(medical_staff)
    response = client.get(reverse("pharmacy:labels", args=[record.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="label-card"') == 2
    assert "Iron" not in page
    patient = session.visit.patient
    assert page.count(patient.mrn) >= 2
    assert "labels-sheet" in page
    assert "labels-roll" in client.get(reverse("pharmacy:labels", args=[record.pk]) + "?layout=roll").content.decode()


def test_the_record_links_to_its_labels(client, medical_staff, record):
    client.force_login(medical_staff)
    page = client.get(reverse("pharmacy:detail", args=[record.pk])).content.decode()
    assert reverse("pharmacy:labels", args=[record.pk]) in page


@pytest.mark.parametrize("rows", [1, 30])
def test_labels_make_a_fixed_number_of_queries(client, medical_staff, hospital, rows, django_assert_max_num_queries):
    record = get_or_create_dispense_record(
        session=completed_session_with_items(hospital, *[f"Medicine {n}" for n in range(rows)])
    )
    client.force_login(medical_staff)
    # 8 for the page, 4 for the dispense.view audit event (who read the prescription): its transaction, and the
    # event's 2 statements, one more than before the hash chain (its next place: apps.audit.chain.link).
    with django_assert_max_num_queries(12):
        page = client.get(reverse("pharmacy:labels", args=[record.pk])).content.decode()
    assert page.count('class="label-card"') == rows


@pytest.mark.parametrize("fixture", ["doctor", "receptionist", "hospital_admin", "super_admin"])
def test_labels_and_print_view_are_403_for_other_roles_and_say_nothing(request, client, record, fixture):
    client.force_login(request.getfixturevalue(fixture))
    for name in ("pharmacy:labels", "pharmacy:print_view", "pharmacy:detail"):
        response = client.get(reverse(name, args=[record.pk]))
        assert response.status_code == 403
        assert "Access refused" in response.content.decode()
        assert record.prescription.visit.patient.full_name not in response.content.decode()


def test_another_hospitals_labels_are_a_styled_404(client, medical_staff, other_hospital):
    foreign = get_or_create_dispense_record(session=completed_session_with_items(other_hospital, "Iron"))
    client.force_login(medical_staff)
    response = client.get(reverse("pharmacy:labels", args=[foreign.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page
    assert "Iron" not in page
    assert foreign.prescription.visit.patient.full_name not in page
