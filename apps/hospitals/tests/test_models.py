import pytest
from django.db import IntegrityError

from apps.hospitals.tests.factories import HospitalFactory


@pytest.mark.django_db
def test_hospital_names_are_unique_case_insensitively():
    HospitalFactory(name="City Clinic")
    with pytest.raises(IntegrityError):
        HospitalFactory(name="CITY clinic")
