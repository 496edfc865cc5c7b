"""The doctor's two refusals of SPEC §9, web and API: a medicine matching an active allergy (unless overridden
with a reason), and completing a prescription without a registration number. And the pharmacy sees both."""

import pytest
from django.urls import reverse

from apps.accounts.services import update_staff_details
from apps.audit.models import AuditEvent
from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.opd.services import complete_consultation
from apps.patients.tests.factories import PatientAllergyFactory
from apps.pharmacy.models import DispenseRecord
from apps.pharmacy.services import get_or_create_dispense_record
from apps.prescriptions.models import PrescriptionItem
from apps.prescriptions.services import add_prescription_item
from apps.visits.tests.factories import PatientVitalsFactory, VisitFactory
from common.constants import SessionStatus
from common.exceptions import AllergyConflict, Invalid, PermissionDenied, RegistrationMissing

pytestmark = pytest.mark.django_db
DOSING = {"dosage": "500 mg", "frequency": "1-0-1", "duration": "5 days"}
REASON = "Tolerated it in hospital last year; watched for 30 minutes"


@pytest.fixture
def session(hospital, doctor):
    visit = VisitFactory(hospital=hospital, doctor=doctor, patient__full_name="Kavya Menon")
    PatientVitalsFactory(visit=visit)
    return ConsultationSessionFactory(visit=visit, session_number=1, started=True)


@pytest.fixture
def allergy(session):
    return PatientAllergyFactory(patient=session.visit.patient, substance="Penicillin", reaction="Rash all over")


def add(session, name, **extra):
    return add_prescription_item(by=session.doctor, session=session, medicine_name=name, **DOSING, **extra)


def unregister(hospital_admin, doctor):
    return update_staff_details(by=hospital_admin, user=doctor, registration_number="")


class TestAllergyRefusal:
    def test_a_matching_medicine_is_refused_with_a_clear_message_and_nothing_written(self, session, allergy):
        events = AuditEvent.objects.count()
        with pytest.raises(AllergyConflict) as refused:
            add(session, "Penicillin V 250 mg")
        assert "allergic to Penicillin (severe: Rash all over)" in refused.value.message
        assert "give a reason to override" in refused.value.message
        assert refused.value.extra == {"allergies": [allergy.pk]}
        assert not PrescriptionItem.objects.exists()
        assert AuditEvent.objects.count() == events

    def test_an_override_with_a_reason_is_kept_and_audited_without_the_substance_or_the_reason(self, session, allergy):
        item = add(session, "Penicillin V", allergy_override_reason=f"  {REASON} ")
        assert (item.allergy_override_reason, item.allergy_overridden) == (REASON, True)
        event = AuditEvent.objects.latest("id")
        assert event.action == "prescription.item_add"
        assert (event.changes["allergy_override"], event.changes["allergies"]) == (True, [allergy.pk])
        assert event.changes["allergy_override_reason"] == "withheld"
        assert "Penicillin" not in str(event.changes) + event.summary

    def test_a_blank_or_white_space_reason_is_no_override(self, session, allergy):
        with pytest.raises(AllergyConflict):
            add(session, "Penicillin", allergy_override_reason="   ")

    def test_what_does_not_match_is_added_and_a_needless_reason_is_not_kept(self, session, allergy):
        item = add(session, "Amoxicillin", allergy_override_reason="just in case")
        assert item.allergy_override_reason == ""
        assert "allergy_override" not in AuditEvent.objects.latest("id").changes

    def test_a_retired_allergy_or_a_condition_refuses_nothing(self, session):
        PatientAllergyFactory(patient=session.visit.patient, substance="Aspirin", is_active=False,
                              retired_at="2026-01-01T00:00Z")  # fmt: skip
        PatientAllergyFactory(patient=session.visit.patient, category="condition", substance="Ibuprofen", kind="",
                              severity="", reaction="")  # fmt: skip
        add(session, "Aspirin")
        add(session, "Ibuprofen")

    def test_an_over_long_reason_is_invalid(self, session, allergy):
        with pytest.raises(Invalid):
            add(session, "Penicillin", allergy_override_reason="x" * 301)

    def test_the_api_answers_409_allergy_conflict_naming_the_allergy_then_takes_the_override(
        self, api_as, session, allergy
    ):
        prescription = add(session, "Paracetamol").prescription
        client = api_as(session.doctor)
        path = f"/api/v1/prescriptions/{prescription.pk}/items/"
        body = {**DOSING, "session": session.pk, "medicine_name": "penicillin G"}
        refused = client.post(path, body, format="json")
        assert refused.status_code == 409
        assert (refused.json()["code"], refused.json()["allergies"]) == ("allergy_conflict", [allergy.pk])
        assert "Penicillin" in refused.json()["detail"]
        invisible = client.post(path, body | {"allergy_override_reason": "\u200b"}, format="json")
        assert invisible.status_code == 400
        added = client.post(path, body | {"allergy_override_reason": REASON}, format="json")
        assert (added.status_code, added.json()["allergy_override_reason"]) == (201, REASON)

    def test_the_consultation_page_shows_the_banner_and_refuses_on_the_form_keeping_the_input(
        self, client, session, allergy
    ):
        client.force_login(session.doctor)
        page = client.get(reverse("opd:session", args=[session.pk])).content.decode()
        assert 'data-testid="allergy-banner"' in page
        assert "Allergy: Penicillin" in page
        assert 'name="allergy_override_reason"' in page
        form = {"medicine_name": "Penicillin V", **DOSING}
        refused = client.post(reverse("opd:add_item", args=[session.pk]), form)
        text = refused.content.decode()
        assert refused.status_code == 400
        assert "allergic to Penicillin" in text
        assert 'value="Penicillin V"' in text
        assert not PrescriptionItem.objects.exists()
        added = client.post(reverse("opd:add_item", args=[session.pk]), form | {"allergy_override_reason": REASON},
                            follow=True)  # fmt: skip
        text = added.content.decode()
        assert "Added Penicillin V (allergy overridden)." in text
        assert 'data-testid="allergy-override"' in text

    def test_htmx_shows_the_refusal_inside_the_section(self, client, session, allergy):
        client.force_login(session.doctor)
        answer = client.post(
            reverse("opd:add_item", args=[session.pk]),
            {"medicine_name": "Penicillin", **DOSING},
            HTTP_HX_REQUEST="true",
        )
        assert answer.status_code == 200
        assert "allergic to Penicillin" in answer.content.decode()
        assert answer.templates[0].name == "opd/_prescription.html"

    def test_no_override_field_for_a_patient_without_allergies(self, client, session):
        client.force_login(session.doctor)
        page = client.get(reverse("opd:session", args=[session.pk])).content.decode()
        assert 'name="allergy_override_reason"' not in page
        assert 'data-testid="allergy-banner"' not in page

    def test_the_session_api_lists_the_allergies(self, api_as, session, allergy):
        body = api_as(session.doctor).get(f"/api/v1/sessions/{session.pk}/").json()
        assert [row["substance"] for row in body["allergies"]] == ["Penicillin"]

    def test_the_session_api_reads_session_and_prescription_in_one_query_and_its_doctor_not_again(
        self, api_as, session, allergy, django_assert_max_num_queries
    ):
        add(session, "Paracetamol")
        client = api_as(session.doctor)
        # token, the session with visit, patient, vitals and prescription, the audit event (savepoint, head,
        # insert, release), the items, the allergies: the doctor is the reader's own row (opd.selectors)
        with django_assert_max_num_queries(8):
            body = client.get(f"/api/v1/sessions/{session.pk}/").json()
        assert body["doctor"] == {
            "id": session.doctor.pk,
            "username": session.doctor.username,
            "display_name": session.doctor.display_name,
        }
        assert [item["medicine_name"] for item in body["prescription"]["items"]] == ["Paracetamol"]
        assert [row["substance"] for row in body["allergies"]] == ["Penicillin"]

    @pytest.mark.parametrize("rows", [1, 30])
    def test_the_consultation_page_with_allergies_costs_the_same(self, client, session, rows,
                                                                 django_assert_max_num_queries):  # fmt: skip
        for n in range(rows):
            PatientAllergyFactory(patient=session.visit.patient, substance=f"Substance {n}")
        client.force_login(session.doctor)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("opd:session", args=[session.pk])).status_code == 200


class TestRegistrationNumber:
    def test_a_doctor_without_one_cannot_complete_a_prescription_and_is_told_who_adds_it(self, session, hospital_admin):
        add(session, "Paracetamol")
        doctor = unregister(hospital_admin, session.doctor)
        events = AuditEvent.objects.count()
        with pytest.raises(RegistrationMissing, match="Ask your hospital admin to add it"):
            complete_consultation(by=doctor, session=session)
        session.refresh_from_db()
        assert session.status == SessionStatus.OPEN
        assert not DispenseRecord.objects.exists()
        assert AuditEvent.objects.count() == events

    def test_without_active_items_the_session_completes(self, session, hospital_admin):
        doctor = unregister(hospital_admin, session.doctor)
        assert complete_consultation(by=doctor, session=session).status == SessionStatus.COMPLETED

    def test_once_the_admin_adds_it_the_session_completes(self, session, hospital_admin):
        add(session, "Paracetamol")
        doctor = unregister(hospital_admin, session.doctor)
        with pytest.raises(RegistrationMissing):
            complete_consultation(by=doctor, session=session)
        doctor = update_staff_details(by=hospital_admin, user=doctor, registration_number="MMC-2011/04567")
        assert complete_consultation(by=doctor, session=session).status == SessionStatus.COMPLETED

    def test_the_api_answers_409_registration_missing(self, api_as, session, hospital_admin):
        add(session, "Paracetamol")
        doctor = unregister(hospital_admin, session.doctor)
        answer = api_as(doctor).post(f"/api/v1/sessions/{session.pk}/complete/")
        assert (answer.status_code, answer.json()["code"]) == (409, "registration_missing")
        assert "hospital admin" in answer.json()["detail"]

    def test_the_page_shows_the_message_and_keeps_the_session_open(self, client, session, hospital_admin):
        add(session, "Paracetamol")
        doctor = unregister(hospital_admin, session.doctor)
        client.force_login(doctor)
        answer = client.post(
            reverse("opd:complete", args=[session.pk]), HTTP_REFERER=reverse("opd:session", args=[session.pk]),
            follow=True,
        )  # fmt: skip
        assert "Ask your hospital admin to add it" in answer.content.decode()
        session.refresh_from_db()
        assert session.status == SessionStatus.OPEN


class TestDoctorProfile:
    def test_the_hospital_admin_edits_it_audited_with_one_event(self, hospital_admin, doctor):
        events = AuditEvent.objects.count()
        doctor = update_staff_details(
            by=hospital_admin,
            user=doctor,
            qualification=" MBBS,  MD ",
            registration_council="Maharashtra Medical Council",
            registration_number="MMC-2011/04567",
            signature_text="Dr. A. Rao",
        )
        assert (doctor.qualification, doctor.registration_number) == ("MBBS, MD", "MMC-2011/04567")
        assert AuditEvent.objects.count() == events + 1
        event = AuditEvent.objects.latest("id")
        assert event.action == "user.update"
        assert event.changes["registration_number"][1] == "MMC-2011/04567"

    @pytest.mark.parametrize(
        ("values", "error"),
        [
            ({"registration_number": "MMC<2011>"}, Invalid),
            ({"registration_number": "x" * 51}, Invalid),
            ({"qualification": "q" * 121}, Invalid),
        ],
    )
    def test_bad_values_are_refused(self, hospital_admin, doctor, values, error):
        with pytest.raises(error):
            update_staff_details(by=hospital_admin, user=doctor, **values)

    def test_only_a_doctor_has_one(self, hospital_admin, receptionist):
        with pytest.raises(Invalid, match="Only a doctor"):
            update_staff_details(by=hospital_admin, user=receptionist, registration_number="MMC-1")

    def test_a_super_admin_does_not_edit_it(self, super_admin, hospital_admin):
        with pytest.raises(PermissionDenied):
            update_staff_details(by=super_admin, user=hospital_admin, registration_number="MMC-1")

    def test_the_api_patch_sets_it_and_answers_with_it(self, api_as, hospital_admin, doctor):
        answer = api_as(hospital_admin).patch(
            f"/api/v1/users/{doctor.pk}/",
            {"qualification": "MBBS", "registration_council": "MMC", "registration_number": "MMC-2011/04567"},
            format="json",
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["registration_number"] == "MMC-2011/04567"
        bad = api_as(hospital_admin).patch(f"/api/v1/users/{doctor.pk}/", {"registration_number": "\u200b"},
                                           format="json")  # fmt: skip
        assert (bad.status_code, "registration_number" in bad.json()) == (400, True)

    def test_the_staff_page_edits_it_and_the_roster_shows_a_missing_number(self, client, hospital_admin, doctor):
        unregister(hospital_admin, doctor)
        client.force_login(hospital_admin)
        assert "No registration number" in client.get(reverse("accounts:staff")).content.decode()
        edit = reverse("accounts:staff_edit", args=[doctor.pk])
        assert 'name="registration_number"' in client.get(edit).content.decode()
        form = {"username": doctor.username, "qualification": "MBBS", "registration_council": "MMC",
                "registration_number": "MMC-2011/04567", "signature_text": ""}  # fmt: skip
        assert client.post(edit, form).status_code == 302
        doctor.refresh_from_db()
        assert doctor.registration_number == "MMC-2011/04567"
        assert "Reg. No. MMC-2011/04567" in client.get(reverse("accounts:staff")).content.decode()

    def test_a_receptionists_edit_page_has_no_profile(self, client, hospital_admin, receptionist):
        client.force_login(hospital_admin)
        page = client.get(reverse("accounts:staff_edit", args=[receptionist.pk])).content.decode()
        assert 'name="registration_number"' not in page


class TestPharmacySeesThem:
    @pytest.fixture
    def record(self, session, allergy):
        add(session, "Paracetamol")
        add(session, "Penicillin V", allergy_override_reason=REASON)
        return get_or_create_dispense_record(session=complete_consultation(by=session.doctor, session=session))

    @pytest.mark.parametrize("page", ["pharmacy:detail", "pharmacy:print_view", "pharmacy:labels"])
    def test_every_page_of_the_record_shows_the_allergy_and_the_override(self, client, medical_staff, record, page):
        client.force_login(medical_staff)
        text = client.get(reverse(page, args=[record.pk])).content.decode()
        assert "Penicillin" in text
        if page == "pharmacy:labels":
            assert text.count("Allergy overridden by the doctor") == 1
            assert text.count("Allergy:") >= 2  # on each label
        else:
            assert 'data-testid="allergy-banner"' in text
            assert REASON in text

    def test_the_print_carries_the_doctors_credentials(self, client, medical_staff, record, doctor):
        client.force_login(medical_staff)
        text = client.get(reverse("pharmacy:print_view", args=[record.pk])).content.decode()
        assert f"Reg. No. {doctor.registration_number}" in text

    def test_the_list_marks_the_row(self, client, medical_staff, record):
        client.force_login(medical_staff)
        text = client.get(reverse("pharmacy:list")).content.decode()
        assert 'data-testid="allergy-marker"' in text
        assert 'data-testid="override-marker"' in text

    def test_the_api_record_carries_the_allergies_and_the_override(self, api_as, medical_staff, record):
        body = api_as(medical_staff).get(f"/api/v1/pharmacy/dispense-records/{record.pk}/").json()
        assert [row["substance"] for row in body["allergies"]] == ["Penicillin"]
        assert [item["allergy_override_reason"] for item in body["items"]] == ["", REASON]

    @pytest.mark.parametrize("rows", [1, 30])
    def test_the_list_with_allergies_costs_the_same(self, client, medical_staff, hospital, rows,
                                                    django_assert_max_num_queries):  # fmt: skip
        for _ in range(rows):
            visit = VisitFactory(hospital=hospital)
            PatientAllergyFactory(patient=visit.patient)
            session = ConsultationSessionFactory(visit=visit, session_number=1, started=True)
            add(session, "Paracetamol")
            complete_consultation(by=session.doctor, session=session)
        client.force_login(medical_staff)
        with django_assert_max_num_queries(9):
            text = client.get(reverse("pharmacy:list")).content.decode()
        assert text.count('data-testid="allergy-marker"') == min(rows, 25)  # a page
