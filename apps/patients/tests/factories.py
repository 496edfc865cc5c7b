import factory

from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.models import AllergyCategory, AllergyKind, AllergySeverity, Patient, PatientAllergy
from common.constants import Gender


class PatientFactory(factory.django.DjangoModelFactory):
    """Builds a row directly (no audit event): for arranging tests, not for testing registration."""

    class Meta:
        model = Patient

    hospital = factory.SubFactory(HospitalFactory)
    full_name = factory.Faker("name")
    age = 35
    gender = Gender.FEMALE
    phone_number = factory.Sequence(lambda n: f"98{n:08d}")
    address = "Flat 4, Shivaji Nagar"

    @factory.lazy_attribute
    def mrn_number(self):
        # Mirrors the service: take the hospital's next number.
        self.hospital.last_patient_number += 1
        self.hospital.save(update_fields=["last_patient_number"])
        return self.hospital.last_patient_number


class PatientAllergyFactory(factory.django.DjangoModelFactory):
    """An active drug allergy, built directly (no audit event)."""

    class Meta:
        model = PatientAllergy

    patient = factory.SubFactory(PatientFactory)
    hospital = factory.SelfAttribute("patient.hospital")
    category = AllergyCategory.ALLERGY
    substance = "Penicillin"
    kind = AllergyKind.DRUG
    severity = AllergySeverity.SEVERE
    reaction = "Rash"
    created_by = factory.SubFactory(
        "apps.accounts.tests.factories.UserFactory", hospital=factory.SelfAttribute("..hospital")
    )
