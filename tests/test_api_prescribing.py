"""The item endpoint's two shapes: the texts as before, and a structured dose from a catalogue entry."""

import pytest

from apps.prescriptions.models import PrescriptionItem

pytestmark = pytest.mark.django_db


def items_url(w):
    return f"/api/v1/prescriptions/{w.prescription.pk}/items/"


def test_a_catalogue_item_fills_name_strength_and_rounds_to_packs(world, api_as, django_assert_max_num_queries):
    client = api_as(world.doctor)
    body = {"session": world.session.pk, "formulary_entry": world.entry.pk, "dose_pattern": "1-0-1",
            "food_relation": "after", "duration_value": 7, "duration_unit": "days"}  # fmt: skip
    with django_assert_max_num_queries(12):
        answer = client.post(items_url(world), body, format="json")
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert (data["medicine_name"], data["dosage"], data["dose_unit"]) == ("Zinc", "20 mg", "tablet")
    assert (data["frequency"], data["duration"], data["quantity"]) == ("1-0-1", "7 days", 20)  # 14 → 2 strips of 10
    assert (data["formulary_entry"], data["is_uncatalogued"]) == (world.entry.pk, False)


def test_the_old_shape_still_works_and_is_marked_uncatalogued(world, api_as):
    body = {"session": world.session.pk, "medicine_name": "Cetirizine", "dosage": "10 mg", "frequency": "HS",
            "duration": "3 days"}  # fmt: skip
    answer = api_as(world.doctor).post(items_url(world), body, format="json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["is_uncatalogued"], answer.json()["quantity"], answer.json()["dose_pattern"]) == (
        True,
        None,
        "",
    )


def test_another_hospitals_entry_is_refused_by_field(world, api_as):
    body = {"session": world.session.pk, "formulary_entry": world.other.entry.pk, "dose_pattern": "OD",
            "duration_value": 3, "duration_unit": "days"}  # fmt: skip
    answer = api_as(world.doctor).post(items_url(world), body, format="json")
    assert answer.status_code == 400
    assert answer.json()["formulary_entry"] == ["No such formulary entry."]
    assert not PrescriptionItem.objects.filter(medicine_name="Zinc").exists()


def test_items_written_before_keep_showing_their_texts(world, api_as):
    # world.item was written in the old shape (tests/api_world.py): it reads as it was written.
    answer = api_as(world.doctor).get(f"/api/v1/prescriptions/{world.prescription.pk}/")
    [item] = [i for i in answer.json()["items"] if i["id"] == world.item.pk]
    assert (item["frequency"], item["duration"], item["dose_pattern"], item["quantity"]) == (
        "1-0-1",
        "5 days",
        "",
        None,
    )
