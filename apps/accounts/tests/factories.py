import factory

from apps.accounts.models import User
from apps.hospitals.tests.factories import HospitalFactory
from common.constants import Role

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.RECEPTIONIST
    hospital = factory.SubFactory(HospitalFactory)
    # A doctor can complete a session with medicines only with a registration number (SPEC §9), so the
    # factory's doctors have one; tests of the missing case pass registration_number="".
    registration_number = factory.LazyAttributeSequence(lambda o, n: f"MMC-{n:06d}" if o.role == Role.DOCTOR else "")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])
