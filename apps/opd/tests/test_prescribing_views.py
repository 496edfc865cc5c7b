"""The consultation page's structured prescribing: suggestions as the doctor types, picking, uncatalogued."""

import pytest
from django.urls import reverse

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.formulary.tests.factories import FormularyEntryFactory
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import stop_prescription_item
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor)
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


@pytest.fixture
def paracetamol(hospital):
    return FormularyEntryFactory(
        hospital=hospital, generic_name="Paracetamol", strength="650 mg", brand_names="Dolo", pack_size=15,
        default_dose_pattern="1-0-1", default_food_relation="after", default_duration_value=3,
        default_duration_unit="days",
    )  # fmt: skip


def test_typing_a_misspelt_name_suggests_the_entry(client, doctor, session, paracetamol, other_hospital):
    FormularyEntryFactory(hospital=other_hospital, generic_name="Paracetamol forte")
    client.force_login(doctor)
    answer = client.get(
        reverse("opd:medicine_suggest", args=[session.pk]), {"medicine_name": "paracetmol"}, headers=HTMX
    )
    fragment = answer.content.decode()
    assert answer.status_code == 200
    assert "Paracetamol 650 mg tablet" in fragment
    assert "(Dolo)" in fragment
    assert "forte" not in fragment
    assert "<html" not in fragment


def test_without_javascript_find_lists_the_matches_on_the_page(client, doctor, session, paracetamol):
    client.force_login(doctor)
    page = client.get(reverse("opd:medicine_suggest", args=[session.pk]), {"q": "dolo"}).content.decode()
    assert "<html" in page
    assert reverse("opd:pick_medicine", args=[session.pk, paracetamol.pk]) in page


def test_picking_fills_the_form_and_adding_computes_the_quantity_in_packs(client, doctor, session, paracetamol):
    client.force_login(doctor)
    picked = client.get(reverse("opd:pick_medicine", args=[session.pk, paracetamol.pk]), headers=HTMX).content.decode()
    for value in ("650 mg", "1-0-1", "3 days"):
        assert f'value="{value}"' in picked
    form = {"medicine_name": "Paracetamol", "dosage": "650 mg", "frequency": "1-1-1", "dose_unit": "tablet",
            "food_relation": "after", "duration": "3 days", "formulary_entry": paracetamol.pk}  # fmt: skip
    answer = client.post(reverse("opd:add_item", args=[session.pk]), form, headers=HTMX)
    assert "Added Paracetamol." in answer.content.decode()
    item = PrescriptionItem.objects.get()
    assert (item.formulary_entry, item.is_uncatalogued, item.quantity) == (paracetamol, False, 15)  # 9 → a strip


def test_a_formulary_medicine_written_out_without_a_pick_is_the_catalogues_not_uncatalogued(
    client, api_as, doctor, session, paracetamol
):
    # SPEC §10 marks uncatalogued only what the formulary does not hold; the doctor need not click a suggestion.
    client.force_login(doctor)
    form = {"medicine_name": "paracetamol", "dosage": "650mg", "frequency": "1-1-1", "dose_unit": "tablet",
            "duration": "3 days"}  # fmt: skip
    client.post(reverse("opd:add_item", args=[session.pk]), form)
    item = PrescriptionItem.objects.get()
    assert (item.formulary_entry, item.is_uncatalogued, item.quantity) == (paracetamol, False, 15)  # in strips
    # Another strength than the catalogue's is not that entry.
    body = {"session": session.pk, "medicine_name": "Paracetamol", "dosage": "500 mg", "frequency": "1-0-1",
            "duration": "3 days"}  # fmt: skip
    stop_prescription_item(by=doctor, session=session, medicine_name="Paracetamol")
    added = api_as(doctor).post(f"/api/v1/prescriptions/{item.prescription_id}/items/", body, format="json")
    assert (added.status_code, added.json()["is_uncatalogued"], added.json()["formulary_entry"]) == (201, True, None)


def test_a_medicine_typed_outside_the_formulary_is_marked_uncatalogued(client, doctor, session, paracetamol):
    client.force_login(doctor)
    form = {
        "medicine_name": "Herbal tonic",
        "dosage": "10 ml",
        "frequency": "BD",
        "dose_unit": "ml",
        "duration": "5 days",
        "formulary_entry": paracetamol.pk,
    }  # fmt: skip  (renamed after picking)
    client.post(reverse("opd:add_item", args=[session.pk]), form)
    item = PrescriptionItem.objects.get()
    assert (item.formulary_entry, item.is_uncatalogued, item.quantity) == (None, True, 10)
    assert "uncatalogued" in client.get(reverse("opd:session", args=[session.pk])).content.decode()


@pytest.mark.parametrize("frequency", ["9-9-9-9", "-1", "1" * 10_000])
def test_a_bad_dose_is_refused_by_the_field_and_the_input_kept(client, doctor, session, frequency):
    client.force_login(doctor)
    form = {"medicine_name": "Paracetamol", "dosage": "500 mg", "frequency": frequency, "duration": "5 days"}
    answer = client.post(reverse("opd:add_item", args=[session.pk]), form, headers=HTMX)
    assert answer.status_code == 200
    assert 'value="Paracetamol"' in answer.content.decode()
    assert not PrescriptionItem.objects.exists()


def test_another_hospitals_entry_cannot_be_picked(client, doctor, session, other_hospital):
    foreign = FormularyEntryFactory(hospital=other_hospital)
    client.force_login(doctor)
    assert client.get(reverse("opd:pick_medicine", args=[session.pk, foreign.pk])).status_code == 404


def test_only_the_doctor_gets_suggestions(client, receptionist, session):
    client.force_login(receptionist)
    assert client.get(reverse("opd:medicine_suggest", args=[session.pk]), {"q": "para"}).status_code == 403


def test_repeat_and_templates_from_the_page_say_what_was_skipped(client, doctor, session):
    from apps.prescriptions.services import add_prescription_item

    earlier = ConsultationSessionFactory(
        visit=VisitFactory(hospital=session.hospital, doctor=doctor, patient=session.visit.patient),
        session_number=1, started=True, token_number=77,
    )  # fmt: skip
    dose = {"dosage": "500 mg", "dose_pattern": "1-0-1", "duration_value": 5, "duration_unit": "days"}
    for name in ("Paracetamol", "Cetirizine"):
        add_prescription_item(by=doctor, session=earlier, medicine_name=name, **dose)
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **dose)
    client.force_login(doctor)
    page = client.post(reverse("opd:repeat", args=[session.pk]), headers=HTMX).content.decode()
    assert "1 added, 1 skipped" in page
    assert "Paracetamol not added: already on this prescription." in page
    page = client.post(reverse("opd:save_template", args=[session.pk]), {"name": "Cold"}, headers=HTMX).content.decode()
    assert "Saved the medicines as “Cold”." in page
    assert '<option value="' in page


def test_the_doctor_updates_and_deletes_a_template_from_the_page_with_and_without_javascript(client, doctor, session):
    from apps.prescriptions.models import PrescriptionTemplate
    from apps.prescriptions.services import add_prescription_item, create_template

    dose = {"dosage": "500 mg", "dose_pattern": "1-0-1", "duration_value": 5, "duration_unit": "days"}
    add_prescription_item(by=doctor, session=session, medicine_name="Paracetamol", **dose)
    template = create_template(by=doctor, session=session, name="Cold")
    add_prescription_item(by=doctor, session=session, medicine_name="Cetirizine", **dose)
    client.force_login(doctor)
    page = client.get(reverse("opd:session", args=[session.pk])).content.decode()
    assert reverse("opd:update_template", args=[session.pk]) in page  # the buttons, as formaction and hx-post
    answer = client.post(reverse("opd:update_template", args=[session.pk]), {"template": template.pk}, headers=HTMX)
    assert "“Cold” now holds these medicines." in answer.content.decode()
    assert sorted(template.items.values_list("medicine_name", flat=True)) == ["Cetirizine", "Paracetamol"]
    answer = client.post(reverse("opd:delete_template", args=[session.pk]), {"template": template.pk})
    assert answer.status_code == 302  # no JavaScript: back to the page
    assert not PrescriptionTemplate.objects.filter(pk=template.pk).exists()
    answer = client.post(reverse("opd:delete_template", args=[session.pk]), {"template": template.pk})
    assert answer.status_code == 404


def test_a_half_tablet_pattern_is_added_by_the_page_and_by_the_api_and_what_the_api_answers_is_taken_back(
    client, api_as, doctor, session
):
    # Every text input is NFKC-normalised, which spells "½" as "1⁄2": SPEC §10 names ½-0-½ as a pattern.
    client.force_login(doctor)
    form = {"medicine_name": "Metformin", "dosage": "500 mg", "frequency": "½-0-½", "dose_unit": "tablet",
            "duration": "5 days"}  # fmt: skip
    added_on_the_page = client.post(reverse("opd:add_item", args=[session.pk]), form, headers=HTMX)
    assert "Added Metformin." in added_on_the_page.content.decode()
    prescription = PrescriptionItem.objects.get().prescription
    api = api_as(doctor)
    path = f"/api/v1/prescriptions/{prescription.pk}/items/"
    body = {"session": session.pk, "medicine_name": "Glimepiride", "dosage": "1 mg", "dose_pattern": "1½-0-½",
            "dose_unit": "tablet", "duration_value": 5, "duration_unit": "days"}  # fmt: skip
    added = api.post(path, body, format="json")
    assert added.status_code == 201, added.json()
    assert (added.json()["dose_pattern"], added.json()["frequency"]) == ("1½-0-½", "1½-0-½")  # as it prints
    again = api.post(path, body | {"medicine_name": "Voglibose", "dose_pattern": added.json()["dose_pattern"]},
                     format="json")  # fmt: skip
    assert again.status_code == 201, again.json()
    assert sorted(PrescriptionItem.objects.values_list("dose_pattern", flat=True)) == ["1½-0-½", "1½-0-½", "½-0-½"]
    assert sorted(PrescriptionItem.objects.values_list("frequency", flat=True)) == ["1½-0-½", "1½-0-½", "½-0-½"]
