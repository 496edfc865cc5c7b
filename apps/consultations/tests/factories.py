import factory
from django.utils import timezone

from apps.consultations.models import ConsultationSession
from apps.visits.tests.factories import VisitFactory
from common.constants import SessionStatus


class ConsultationSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationSession

    visit = factory.SubFactory(VisitFactory)
    hospital = factory.SelfAttribute("visit.hospital")
    doctor = factory.SelfAttribute("visit.doctor")
    created_by = factory.SelfAttribute("visit.created_by")
    session_number = factory.Sequence(lambda n: n + 1)
    token_number = factory.Sequence(lambda n: n + 1)
    token_date = factory.LazyAttribute(lambda o: o.hospital.local_date())
    status = SessionStatus.OPEN

    class Params:
        # The doctor pressed "Start consultation": items and completion need it.
        started = factory.Trait(started_at=factory.LazyFunction(timezone.now))
        completed = factory.Trait(
            status=SessionStatus.COMPLETED,
            started_at=factory.LazyFunction(timezone.now),
            completed_at=factory.LazyFunction(timezone.now),
        )
