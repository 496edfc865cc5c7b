import factory

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.pharmacy.models import DispenseRecord
from apps.prescriptions.tests.factories import PrescriptionFactory


class DispenseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispenseRecord

    prescription = factory.SubFactory(PrescriptionFactory)
    hospital = factory.SelfAttribute("prescription.hospital")
    session = factory.SubFactory(
        ConsultationSessionFactory, visit=factory.SelfAttribute("..prescription.visit"), completed=True
    )
