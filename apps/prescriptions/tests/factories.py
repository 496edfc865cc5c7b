import factory

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.prescriptions.models import Prescription, PrescriptionItem
from apps.visits.tests.factories import VisitFactory


class PrescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescription

    visit = factory.SubFactory(VisitFactory)
    hospital = factory.SelfAttribute("visit.hospital")


class PrescriptionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriptionItem

    prescription = factory.SubFactory(PrescriptionFactory)
    hospital = factory.SelfAttribute("prescription.hospital")
    session = factory.SubFactory(ConsultationSessionFactory, visit=factory.SelfAttribute("..prescription.visit"))
    medicine_name = factory.Sequence(lambda n: f"Medicine {n}")
    dosage = "500 mg"
    frequency = "1-0-1"
    duration = "5 days"
    instructions = "after food"
