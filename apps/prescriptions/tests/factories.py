import factory

from apps.consultations.tests.factories import ConsultationSessionFactory
from apps.prescriptions.models import Prescription, PrescriptionItem, PrescriptionTemplate, TemplateItem
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


class PrescriptionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriptionTemplate
        skip_postgeneration_save = True

    doctor = factory.SubFactory("apps.accounts.tests.factories.UserFactory")
    hospital = factory.SelfAttribute("doctor.hospital")
    name = factory.Sequence(lambda n: f"Template {n}")
    item = factory.RelatedFactory(
        "apps.prescriptions.tests.factories.TemplateItemFactory", factory_related_name="template"
    )


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateItem

    template = factory.SubFactory(PrescriptionTemplateFactory, item=None)
    hospital = factory.SelfAttribute("template.hospital")
    medicine_name = "Cetirizine"
    dosage = "10 mg"
    frequency = "0-0-1"
    duration = "5 days"
    dose_pattern = "0-0-1"
    dose_unit = "tablet"
    duration_value = 5
    duration_unit = "days"
