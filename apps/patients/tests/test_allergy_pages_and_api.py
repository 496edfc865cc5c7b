"""Allergies on the web (the allergies page, the chart's banner) and in the API (SPEC §4, §9)."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.patients.models import PatientAllergy
from apps.patients.tests.factories import PatientAllergyFactory, PatientFactory
from common import submissions

pytestmark = pytest.mark.django_db
EGG = {"category": "allergy", "substance": "Egg", "kind": "food", "severity": "moderate", "reaction": "Hives"}


@pytest.fixture
def patient(hospital):
    return PatientFactory(hospital=hospital)


def url(patient, *rest):
    return f"/api/v1/patients/{patient.pk}/allergies/" + "".join(f"{part}/" for part in rest)


class TestApi:
    def test_recording_listing_and_retiring(self, api_as, receptionist, doctor, patient):
        created = api_as(receptionist).post(url(patient), EGG, format="json")
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["substance"], body["kind"], body["is_active"], body["created_by"]) == (
            "Egg", "food", True, receptionist.pk
        )  # fmt: skip
        condition = api_as(doctor).post(
            url(patient), {"category": "condition", "substance": "Asthma", "icd_code": "J45"}, format="json"
        )
        assert condition.status_code == 201, condition.content
        retired = api_as(doctor).patch(url(patient, body["id"]), {"is_active": False}, format="json")
        assert (retired.status_code, retired.json()["is_active"]) == (200, False)
        listing = api_as(receptionist).get(url(patient)).json()
        assert listing["count"] == 2
        assert [row["substance"] for row in listing["results"]] == ["Asthma", "Egg"]  # active first

    def test_the_pharmacy_reads_them(self, api_as, medical_staff, patient):
        PatientAllergyFactory(patient=patient)
        answer = api_as(medical_staff).get(url(patient))
        assert (answer.status_code, answer.json()["count"]) == (200, 1)
        assert api_as(medical_staff).post(url(patient), EGG, format="json").status_code == 403

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            (EGG | {"severty": "mild"}, "severty"),  # an unknown field, named
            (EGG | {"substance": ""}, "substance"),
            (EGG | {"substance": "\u200b\u200b"}, "substance"),  # only invisible characters
            (EGG | {"reaction": "\u200b"}, "reaction"),
            (EGG | {"substance": "x" * 121}, "substance"),
            (EGG | {"kind": "fruit"}, "kind"),
            (EGG | {"substance": 12}, "substance"),
            ({k: v for k, v in EGG.items() if k != "severity"}, "severity"),  # the service's rule
            ({"category": "condition", "substance": "Asthma", "severity": "mild"}, "severity"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(self, api_as, receptionist, patient, body, field):
        answer = api_as(receptionist).post(url(patient), body, format="json")
        assert answer.status_code == 400, answer.content
        assert field in answer.json(), answer.json()
        assert not PatientAllergy.objects.exists()
        assert not AuditEvent.objects.filter(action="allergy.create").exists()

    def test_a_retired_entry_stays_retired_and_the_patch_takes_only_is_active(self, api_as, doctor, patient):
        allergy = PatientAllergyFactory(patient=patient)
        client = api_as(doctor)
        assert (
            client.patch(url(patient, allergy.pk), {"substance": "X", "is_active": False}, format="json").status_code
            == 400
        )
        assert client.patch(url(patient, allergy.pk), {"is_active": False}, format="json").status_code == 200
        again = client.patch(url(patient, allergy.pk), {"is_active": True}, format="json")
        assert (again.status_code, again.json()["code"]) == (400, "invalid")
        assert "is_active" in again.json()

    def test_another_hospitals_patient_or_allergy_is_404(self, api_as, receptionist, other_hospital, patient):
        foreign = PatientAllergyFactory(patient__hospital=other_hospital)
        client = api_as(receptionist)
        assert client.get(url(foreign.patient)).status_code == 404
        assert client.post(url(foreign.patient), EGG, format="json").status_code == 404
        assert client.patch(url(foreign.patient, foreign.pk), {"is_active": False}, format="json").status_code == 404
        # Another patient's allergy under this patient's path: not found either.
        assert client.patch(url(patient, foreign.pk), {"is_active": False}, format="json").status_code == 404
        foreign.refresh_from_db()
        assert foreign.is_active

    @pytest.mark.parametrize("rows", [1, 30])
    def test_the_list_costs_the_same_for_1_and_30_rows(self, api_as, receptionist, patient, rows,
                                                       django_assert_max_num_queries):  # fmt: skip
        for n in range(rows):
            PatientAllergyFactory(patient=patient, substance=f"Substance {n}")
        client = api_as(receptionist)
        with django_assert_max_num_queries(8):
            assert client.get(url(patient)).json()["count"] == rows


class TestPages:
    def page(self, patient):
        return reverse("patients:allergies", args=[patient.pk])

    @pytest.mark.parametrize("fixture", ["receptionist", "doctor"])
    def test_recording_shows_it_in_the_list_and_on_the_chart(self, request, client, patient, fixture):
        client.force_login(request.getfixturevalue(fixture))
        answer = client.post(self.page(patient), EGG | {submissions.FIELD: submissions.new_token()}, follow=True)
        assert "Recorded the allergy." in answer.content.decode()
        chart = client.get(reverse("visits:patient", args=[patient.pk])).content.decode()
        assert "Allergy: Egg" in chart
        assert 'data-testid="allergy-banner"' in chart

    def test_a_refused_form_keeps_the_input_and_says_why_next_to_the_field(self, client, receptionist, patient):
        client.force_login(receptionist)
        answer = client.post(self.page(patient), EGG | {"severity": ""})
        page = answer.content.decode()
        assert answer.status_code == 400
        assert "Choose how severe it is." in page
        assert 'value="Hives"' in page
        assert not PatientAllergy.objects.exists()

    def test_the_same_form_sent_twice_records_one(self, client, receptionist, patient):
        client.force_login(receptionist)
        form = EGG | {submissions.FIELD: submissions.new_token()}
        client.post(self.page(patient), form)
        client.post(self.page(patient), form)
        assert PatientAllergy.objects.count() == 1

    def test_retiring_moves_it_to_the_history(self, client, doctor, patient):
        allergy = PatientAllergyFactory(patient=patient, substance="Sulfa")
        client.force_login(doctor)
        answer = client.post(reverse("patients:retire_allergy", args=[patient.pk, allergy.pk]), follow=True)
        page = answer.content.decode()
        assert "Retired; it stays in the history below." in page
        assert 'data-testid="retired-allergies"' in page
        assert 'data-testid="allergy-banner"' not in page

    def test_a_substance_with_markup_is_shown_as_text(self, client, receptionist, patient):
        PatientAllergyFactory(patient=patient, substance="<script>alert(1)</script>")
        client.force_login(receptionist)
        page = client.get(reverse("visits:patient", args=[patient.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;" in page

    @pytest.mark.parametrize("fixture", ["medical_staff", "hospital_admin", "super_admin"])
    def test_other_roles_get_403(self, request, client, patient, fixture):
        allergy = PatientAllergyFactory(patient=patient)
        client.force_login(request.getfixturevalue(fixture))
        assert client.get(self.page(patient)).status_code == 403
        assert client.post(self.page(patient), EGG).status_code == 403
        assert client.post(reverse("patients:retire_allergy", args=[patient.pk, allergy.pk])).status_code == 403
        assert PatientAllergy.objects.filter(is_active=True).count() == 1

    def test_another_hospitals_patient_is_404(self, client, receptionist, other_hospital):
        foreign = PatientAllergyFactory(patient__hospital=other_hospital)
        client.force_login(receptionist)
        assert client.get(self.page(foreign.patient)).status_code == 404
        assert client.post(self.page(foreign.patient), EGG).status_code == 404
        retire = reverse("patients:retire_allergy", args=[foreign.patient.pk, foreign.pk])
        assert client.post(retire).status_code == 404

    def test_a_chart_without_allergies_shows_no_banner(self, client, receptionist, patient):
        client.force_login(receptionist)
        assert (
            'data-testid="allergy-banner"'
            not in client.get(reverse("visits:patient", args=[patient.pk])).content.decode()
        )
