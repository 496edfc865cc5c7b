"""Allergies and chronic conditions (SPEC §9): recording, retiring, matching medicines, the banner's reads."""

import factory
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.audit.models import AuditEvent
from apps.patients.allergy_matching import matches, matching_allergies, normalise
from apps.patients.models import AllergyCategory, PatientAllergy
from apps.patients.selectors import active_allergies, allergies_for_patient, allergy_get
from apps.patients.services import record_allergy, retire_allergy
from apps.patients.tests.factories import PatientAllergyFactory, PatientFactory
from common.exceptions import DeletionRefused, Invalid, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
PENICILLIN = {"substance": "Penicillin", "kind": "drug", "severity": "severe", "reaction": "Rash"}


@pytest.fixture
def patient(hospital):
    return PatientFactory(hospital=hospital)


class TestRecord:
    @pytest.mark.parametrize("fixture", ["receptionist", "doctor"])
    def test_the_front_desk_or_a_doctor_records_an_allergy_with_one_event(self, request, patient, fixture):
        by = request.getfixturevalue(fixture)
        allergy = record_allergy(by=by, patient=patient, **PENICILLIN)
        assert (allergy.hospital_id, allergy.category, allergy.is_active) == (patient.hospital_id, "allergy", True)
        [event] = AuditEvent.objects.all()
        assert event.action == "allergy.create"
        assert event.changes["patient"] == patient.mrn
        assert event.changes["substance"] == event.changes["reaction"] == event.changes["severity"] == "withheld"
        assert "Penicillin" not in event.summary

    def test_a_chronic_condition_takes_its_text_and_an_icd_code(self, receptionist, patient):
        condition = record_allergy(
            by=receptionist, patient=patient, category="condition", substance=" Type 2   diabetes ", icd_code="e11"
        )
        assert (condition.substance, condition.icd_code, condition.kind) == ("Type 2 diabetes", "E11", "")
        spelt_without_its_dot = record_allergy(
            by=receptionist, patient=patient, category="condition", substance="Asthma", icd_code="j459"
        )
        assert spelt_without_its_dot.icd_code == "J45.9"  # the classification's spelling, as a diagnosis keeps it

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"substance": "", "kind": "drug", "severity": "mild"}, "substance"),
            ({"substance": "x" * 121, "kind": "drug", "severity": "mild"}, "substance"),
            ({"substance": "Egg", "severity": "mild"}, "kind"),
            ({"substance": "Egg", "kind": "food"}, "severity"),
            ({"substance": "Egg", "kind": "fruit", "severity": "mild"}, "kind"),
            ({"substance": "Egg", "kind": "food", "severity": "mild", "reaction": "r" * 201}, "reaction"),
            ({"substance": "Egg", "kind": "food", "severity": "mild", "icd_code": "T78.1"}, "icd_code"),
            ({"category": "condition", "substance": "Asthma", "severity": "severe"}, "severity"),
            ({"category": "condition", "substance": "Asthma", "reaction": "wheeze"}, "reaction"),
            ({"category": "illness", "substance": "Asthma"}, "category"),
            ({"category": "condition", "substance": "Diabetes", "icd_code": "NOTACODE"}, "icd_code"),
            ({"category": "condition", "substance": "Diabetes", "icd_code": "E11.99"}, "icd_code"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(self, receptionist, patient, values, field):
        with pytest.raises(Invalid) as refused:
            record_allergy(by=receptionist, patient=patient, **values)
        assert field in refused.value.errors
        assert not PatientAllergy.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_the_same_active_allergy_is_refused_case_insensitively_but_a_retired_one_may_return(
        self, receptionist, patient
    ):
        first = record_allergy(by=receptionist, patient=patient, **PENICILLIN)
        with pytest.raises(Invalid, match="already recorded"):
            record_allergy(by=receptionist, patient=patient, **(PENICILLIN | {"substance": "PENICILLIN"}))
        retire_allergy(by=receptionist, allergy=first)
        again = record_allergy(by=receptionist, patient=patient, **PENICILLIN)
        assert again.pk != first.pk

    @pytest.mark.parametrize("fixture", ["medical_staff", "hospital_admin", "super_admin"])
    def test_other_roles_may_not_record(self, request, patient, fixture):
        with pytest.raises((PermissionDenied, NotFound)):
            record_allergy(by=request.getfixturevalue(fixture), patient=patient, **PENICILLIN)
        assert not PatientAllergy.objects.exists()

    def test_another_hospitals_patient_is_not_found(self, receptionist, other_hospital):
        with pytest.raises(NotFound):
            record_allergy(by=receptionist, patient=PatientFactory(hospital=other_hospital), **PENICILLIN)


class TestRetire:
    def test_retiring_keeps_the_row_and_says_who_and_when_with_one_event(self, doctor, hospital):
        allergy = PatientAllergyFactory(patient__hospital=hospital)
        retired = retire_allergy(by=doctor, allergy=allergy)
        assert (retired.is_active, retired.retired_by, retired.retired_at is not None) == (False, doctor, True)
        [event] = AuditEvent.objects.all()
        assert (event.action, event.changes["is_active"]) == ("allergy.retire", [True, False])

    def test_retiring_twice_changes_nothing_and_records_nothing(self, doctor, hospital):
        allergy = retire_allergy(by=doctor, allergy=PatientAllergyFactory(patient__hospital=hospital))
        retire_allergy(by=doctor, allergy=allergy)
        assert AuditEvent.objects.count() == 1

    def test_another_hospitals_allergy_is_not_found(self, doctor, other_hospital):
        with pytest.raises(NotFound):
            retire_allergy(by=doctor, allergy=PatientAllergyFactory(patient__hospital=other_hospital))

    def test_an_allergy_is_never_deleted(self, hospital):
        allergy = PatientAllergyFactory(patient__hospital=hospital)
        with pytest.raises(DeletionRefused):
            allergy.delete()
        with pytest.raises(DeletionRefused):
            PatientAllergy.objects.all().delete()


class TestSelectors:
    def test_the_banner_lists_active_allergies_severe_first_then_conditions(self, hospital, patient):
        PatientAllergyFactory(patient=patient, category=AllergyCategory.CONDITION, substance="Asthma", kind="",
                              severity="", reaction="")  # fmt: skip
        PatientAllergyFactory(patient=patient, substance="Egg", kind="food", severity="mild")
        PatientAllergyFactory(patient=patient, substance="Sulfa", severity="severe")
        PatientAllergyFactory(patient=patient, substance="Aspirin", is_active=False, retired_at="2026-01-01T00:00Z")
        banner = active_allergies(hospital=hospital, patient=patient)
        assert [a.substance for a in banner] == ["Sulfa", "Egg", "Asthma"]
        assert len(allergies_for_patient(hospital=hospital, patient=patient)) == 4

    def test_the_banner_costs_one_query(self, hospital, patient, django_assert_num_queries):
        PatientAllergyFactory.create_batch(3, patient=patient, substance=factory.Sequence(lambda n: f"Substance {n}"))
        with django_assert_num_queries(1):
            active_allergies(hospital=hospital, patient=patient)

    def test_another_patients_or_hospitals_allergy_is_not_found(self, hospital, other_hospital, patient):
        mine = PatientAllergyFactory(patient=patient)
        with pytest.raises(NotFound):
            allergy_get(hospital=hospital, patient=PatientFactory(hospital=hospital), allergy_id=mine.pk)
        with pytest.raises(NotFound):
            allergy_get(hospital=other_hospital, patient=patient, allergy_id=mine.pk)
        assert active_allergies(hospital=other_hospital, patient=patient) == []


class TestMatching:
    """What counts as a match (apps/patients/allergy_matching.py): whole words, in order, case-insensitive."""

    @pytest.mark.parametrize(
        ("substance", "medicine"),
        [
            ("Penicillin", "Penicillin"),
            ("penicillin", "PENICILLIN-V 250 mg"),
            ("Penicillin", "Benzathine penicillin"),
            ("Amoxicillin", "Amoxicillin + Clavulanic acid"),
            ("Amoxicillin", "Augmentin (amoxicillin)"),
            ("Clavulanic acid", "Amoxicillin + clavulanic  ACID 625"),
            ("Ibuprofen", "ｉｂｕｐｒｏｆｅｎ 400"),  # fullwidth letters, as a phone keyboard may send them
        ],
    )
    def test_a_real_match(self, substance, medicine):
        assert matches(substance, medicine)

    @pytest.mark.parametrize(
        ("substance", "medicine"),
        [
            ("Penicillin", "Amoxicillin"),  # a penicillin, but only the formulary can know that
            ("Sulfa", "Sulfamethoxazole"),  # no partial words
            ("Iron", "Ironstone"),
            ("Clavulanic acid", "Acid clavulanic"),  # the words in order
            ("", "Paracetamol"),
        ],
    )
    def test_not_a_match(self, substance, medicine):
        assert not matches(substance, medicine)

    def test_only_active_allergies_match_never_a_retired_one_or_a_condition(self, hospital, patient):
        allergy = PatientAllergyFactory.build(patient=patient, substance="Aspirin")
        retired = PatientAllergyFactory.build(patient=patient, substance="Aspirin", is_active=False)
        condition = PatientAllergyFactory.build(patient=patient, category="condition", substance="Aspirin")
        assert matching_allergies([allergy, retired, condition], "Aspirin 75 mg") == [allergy]

    @given(st.text(min_size=1, max_size=30), st.text(max_size=20), st.text(max_size=20))
    def test_a_substance_always_matches_a_name_that_holds_it_between_separators(self, substance, before, after):
        if not normalise(substance):
            return
        assert matches(substance, f"{before} {substance.upper()} {after}")

    @given(st.text(max_size=40))
    def test_normalising_twice_changes_nothing(self, text):
        assert normalise(normalise(text)) == normalise(text)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_simultaneous_records_of_one_allergy_keep_one():
    from apps.accounts.tests.factories import UserFactory
    from apps.hospitals.tests.factories import HospitalFactory
    from common.constants import Role
    from common.testing import run_concurrently

    hospital = HospitalFactory()
    desk = UserFactory(hospital=hospital, role=Role.RECEPTIONIST)
    patient = PatientFactory(hospital=hospital)
    outcomes = run_concurrently(8, lambda n: record_allergy(by=desk, patient=patient, **PENICILLIN).pk)
    assert len([o for o in outcomes if isinstance(o, int)]) == 1, outcomes
    assert all("already recorded" in o for o in outcomes if not isinstance(o, int)), outcomes
    assert PatientAllergy.objects.filter(patient=patient, is_active=True).count() == 1
    assert AuditEvent.objects.filter(action="allergy.create").count() == 1
