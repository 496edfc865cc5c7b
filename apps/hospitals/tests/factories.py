import factory

from apps.hospitals.models import Hospital


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital

    name = factory.Sequence(lambda n: f"Hospital {n}")
    max_doctors = 5
    max_receptionists = 3
    max_medical_staff = 3
    address = "12 MG Road, Pune"
    phone = "02012345678"
