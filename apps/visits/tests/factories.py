import factory

from apps.accounts.tests.factories import UserFactory
from apps.hospitals.tests.factories import HospitalFactory
from apps.patients.tests.factories import PatientFactory
from apps.visits.models import PatientVitals, Visit
from common.constants import Role


class VisitFactory(factory.django.DjangoModelFactory):
    """Builds rows directly (no session, no audit): use the services to test behaviour."""

    class Meta:
        model = Visit

    hospital = factory.SubFactory(HospitalFactory)
    patient = factory.SubFactory(PatientFactory, hospital=factory.SelfAttribute("..hospital"))
    doctor = factory.SubFactory(UserFactory, role=Role.DOCTOR, hospital=factory.SelfAttribute("..hospital"))
    created_by = factory.SubFactory(UserFactory, role=Role.RECEPTIONIST, hospital=factory.SelfAttribute("..hospital"))
    validity_days = 7
    visit_date = factory.LazyAttribute(lambda o: o.hospital.local_date())


class PatientVitalsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientVitals

    visit = factory.SubFactory(VisitFactory)
    hospital = factory.SelfAttribute("visit.hospital")
    height_cm = 170
    weight_kg = 68
    bp_systolic = 120
    bp_diastolic = 80
    pulse_rate = 72
    temperature_c = 37
