import factory

from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.tests.factories import PrescriptionFactory
from apps.visits.tests.factories import ConsultationSessionFactory


class DispenseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispenseRecord

    prescription = factory.SubFactory(PrescriptionFactory)
    hospital = factory.SelfAttribute("prescription.hospital")
    session = factory.SubFactory(
        ConsultationSessionFactory, visit=factory.SelfAttribute("..prescription.visit"), completed=True
    )
