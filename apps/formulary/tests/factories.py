import factory

from apps.formulary.models import FormularyEntry, MedicineForm
from apps.hospitals.tests.factories import HospitalFactory


class FormularyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormularyEntry

    hospital = factory.SubFactory(HospitalFactory)
    generic_name = factory.Sequence(lambda n: f"Generic {n}")
    strength = "500 mg"
    form = MedicineForm.TABLET
    route = "oral"
